package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
)

// runCasusOpen is 'grondslag casus openen': the same service call as the web form and
// POST /api/v1/casussen, on behalf of a user who must hold a relation with the pupil.
func runCasusOpen(ctx context.Context, e env) (err error) {
	defer wrap(&err, "casus openen")
	fs := newFlagSet(e, "casus openen", "casus openen --gebruiker E-MAIL --leerling ID --soort SOORT --doel DOEL --vraag TEKST [--startdatum JJJJ-MM-DD]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	user := fs.String("gebruiker", "", "e-mailadres van de gebruiker die de casus opent (wordt deelnemer en krijgt de regie)")
	pupil := fs.Int64("leerling", 0, "nummer van de leerling (zoals in /leerlingen/NUMMER)")
	kind := fs.String("soort", "", "soort overleg uit het convenant (bijvoorbeeld zat, mdo, thuiszittersoverleg)")
	purpose := fs.String("doel", "", "doel uit het convenant (bijvoorbeeld toeleiding)")
	question := fs.String("vraag", "", "de vraag van het overleg, kort en zonder gezondheidsgegevens")
	start := fs.String("startdatum", "", "dag waarop het werk begon, als die vóór vandaag ligt (JJJJ-MM-DD; hoogstens een jaar terug)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if *pupil <= 0 {
		return withExit(2, errors.New("--leerling (nummer) is verplicht"))
	}
	req := casework.OpenRequest{PupilID: *pupil, Type: *kind, Purpose: *purpose, Question: *question}
	if s := strings.TrimSpace(*start); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, civil.Amsterdam)
		if err != nil {
			return withExit(2, fmt.Errorf("--startdatum: geef een datum als JJJJ-MM-DD"))
		}
		if d.Format(time.DateOnly) != time.Now().In(civil.Amsterdam).Format(time.DateOnly) {
			req.StartedOn = d
		}
	}
	s, err := openCasus(ctx, cfg, casework.DefaultConfig(), time.Now)
	if err != nil {
		return err
	}
	defer s.db.Close()
	op, err := s.actorByEmail(ctx, *user)
	if err != nil {
		return err
	}
	// The same relation check as the web: no relation, no case (and no hint that the pupil exists).
	a := op.Actor
	rels, err := s.db.PupilRelations(ctx, dossier.Actor{RegionID: s.region.ID, UserID: a.UserID, OrgID: a.OrganisationID, Party: a.Party, Role: a.Role},
		*pupil, time.Now().In(civil.Amsterdam).Format(time.DateOnly))
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		return withExit(3, fmt.Errorf("leerling %d niet gevonden, of %s heeft geen relatie met deze leerling", *pupil, *user))
	}
	c, err := s.svc.Open(ctx, s.region.ID, op, req)
	if err != nil {
		return casusExit(err)
	}
	fmt.Fprintf(e.stdout, "Casus %d geopend: %s, fase %s, gestart op %s.\n", c.ID, c.Type, c.Phase, c.OpenedAt.In(civil.Amsterdam).Format("02-01-2006"))
	return nil
}

// runCasusClose is 'grondslag casus sluiten': closing with a result and a note.
func runCasusClose(ctx context.Context, e env) (err error) {
	defer wrap(&err, "casus sluiten")
	var codes []string
	for _, r := range casework.Results {
		codes = append(codes, r.Code)
	}
	fs := newFlagSet(e, "casus sluiten", "casus sluiten ID --gebruiker E-MAIL --resultaat RESULTAAT [--toelichting TEKST]")
	cfg := storeFlags(fs, e)
	convenantFlag(fs, e, cfg)
	user := fs.String("gebruiker", "", "e-mailadres van wie de brede regie heeft")
	result := fs.String("resultaat", "", "resultaat: "+strings.Join(codes, ", "))
	note := fs.String("toelichting", "", "toelichting (verplicht bij resultaat anders)")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return withExit(2, errors.New("geef één casusnummer"))
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return withExit(2, fmt.Errorf("%q is geen casusnummer", pos[0]))
	}
	s, err := openCasus(ctx, cfg, casework.DefaultConfig(), time.Now)
	if err != nil {
		return err
	}
	defer s.db.Close()
	op, err := s.actorByEmail(ctx, *user)
	if err != nil {
		return err
	}
	c, err := s.svc.Close(ctx, s.region.ID, op, id, *result, *note)
	if err != nil {
		return casusExit(err)
	}
	fmt.Fprintf(e.stdout, "Casus %d afgesloten: %s. De bewaartermijnen lopen.\n", c.ID, c.Closure.Result)
	return nil
}

// casusExit gives the service's refusals their exit codes: 2 for bad input, 3 for not allowed
// or not found (a case one takes no part in is "not found").
func casusExit(err error) error {
	var fe *casework.FieldError
	var de *casework.DeniedError
	switch {
	case errors.As(err, &fe):
		return withExit(2, fmt.Errorf("--%s: %s", fe.Field, fe.Msg))
	case errors.As(err, &de) && de.NotParticipant, errors.Is(err, casework.ErrNotFound):
		return withExit(3, errors.New("casus niet gevonden, of u neemt er niet aan deel"))
	case errors.Is(err, casework.ErrNotAllowed), errors.Is(err, casework.ErrClosed):
		return withExit(3, err)
	}
	return err
}
