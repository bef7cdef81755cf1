package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
)

// Opening a casus (issue 15): from the pupil page (GET /casussen/nieuw?leerling=ID, POST
// /casussen), through the API (POST /api/v1/casussen) and the CLI (grondslag casus openen). Who
// opens is the signed-in person; why is the question of the overleg; which overleg is a case type
// of the convenant; the start date may lie in the past (a case registered after the work began).
// The casework service decides (opener role, leerplicht only after a melding, the party in this
// kind of overleg) and writes the case with its audit entry in one transaction.

// caseOpenerRoles may open a case (casework.Open decides again; this only decides which links
// and forms are shown).
var caseOpenerRoles = []string{auth.RoleZorgcoordinator, auth.RoleSWVConsulent, auth.RoleOnderwijsconsul, auth.RoleLeerplicht}

// openInput is the posted form or JSON body of a new case.
type openInput struct {
	Pupil, Type, Purpose, Question, Start string
}

// request checks the form's own fields (the pupil's public id, date) and builds the service
// request; the rest is the service's to check.
func (c *caseHandlers) request(in openInput) (casework.OpenRequest, error) {
	id, ok := c.s.ids.decode(kindPupil, strings.TrimSpace(in.Pupil))
	if !ok {
		return casework.OpenRequest{}, badField("leerling", "Kies de leerling vanaf de pagina van de leerling.")
	}
	req := casework.OpenRequest{PupilID: id, Type: strings.TrimSpace(in.Type), Purpose: strings.TrimSpace(in.Purpose), Question: in.Question}
	if s := strings.TrimSpace(in.Start); s != "" && s != c.s.today() {
		d, err := time.ParseInLocation(time.DateOnly, s, c.s.cfg.Location)
		if err != nil {
			return req, badField("startdatum", "Startdatum: geef een datum als JJJJ-MM-DD, bijvoorbeeld "+c.s.today()+".")
		}
		req.StartedOn = d
	}
	return req, nil
}

// visiblePupil answers 404 unless the user holds a relation with the pupil (the same answer as
// for a pupil that does not exist).
func (c *caseHandlers) visiblePupil(r *http.Request, pupilID int64) error {
	rels, err := c.s.d.Dossiers.PupilRelations(r.Context(), principalFrom(r.Context()).Actor(), pupilID, c.s.today())
	if err != nil {
		return fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	if len(rels) == 0 {
		return errNotFound
	}
	return nil
}

// caseTypesFor are the convenant's case types in which the user's party takes part.
func (c *caseHandlers) caseTypesFor(ctx context.Context, party string) []optionRow {
	var out []optionRow
	for _, t := range c.svc(ctx).Guard().Convenant().CaseTypes() {
		for _, p := range t.Parties {
			if p.Value == party {
				out = append(out, optionRow{t.Code, t.Name})
				break
			}
		}
	}
	return out
}

// casePurposes are the purposes a case can have (not the aggregates-only ones).
func (c *caseHandlers) casePurposes(ctx context.Context) []optionRow {
	var out []optionRow
	for _, p := range c.svc(ctx).Guard().Convenant().Purposes() {
		if !p.AggregatesOnly {
			out = append(out, optionRow{p.Code, p.Name})
		}
	}
	return out
}

func (c *caseHandlers) newForm(w http.ResponseWriter, r *http.Request) error {
	in := openInput{Pupil: r.URL.Query().Get("leerling"), Start: c.s.today()}
	p := principalFrom(r.Context())
	if p.Session != nil {
		in.Purpose = p.Session.Purpose
	}
	id, err := c.s.rowID(kindPupil, in.Pupil, "") // a public id; a row number is a 404
	if err != nil {
		return err
	}
	if err := c.visiblePupil(r, id); err != nil {
		return err
	}
	return c.renderNew(w, r, http.StatusOK, in, nil)
}

func (c *caseHandlers) renderNew(w http.ResponseWriter, r *http.Request, status int, in openInput, errs map[string]string) error {
	p := principalFrom(r.Context())
	return c.s.renderForm(w, r, status, "casus_nieuw", "Casus openen", &caseNewPage{
		In: in, Soorten: c.caseTypesFor(r.Context(), p.Actor().Party), Doelen: c.casePurposes(r.Context()), Vandaag: c.s.today(),
		Leerplicht: p.Role() == auth.RoleLeerplicht,
	}, errs)
}

// caseNewPage is the data of casus_nieuw.html.
type caseNewPage struct {
	View
	In              openInput
	Soorten, Doelen []optionRow
	Vandaag         string // today, the latest start date
	Leerplicht      bool   // a leerplichtambtenaar opens (deelregie)
}

func (c *caseHandlers) create(w http.ResponseWriter, r *http.Request) error {
	in := openInput{Pupil: r.PostFormValue("leerling"), Type: r.PostFormValue("soort"), Purpose: r.PostFormValue("doel"),
		Question: r.PostFormValue("vraag"), Start: r.PostFormValue("startdatum")}
	req, err := c.request(in)
	if err == nil {
		if err = c.visiblePupil(r, req.PupilID); err != nil {
			return err
		}
		op, region := c.op(r, audit.AccessUI)
		var k *casework.Case
		if k, err = c.svc(r.Context()).Open(r.Context(), region, op, req); err == nil {
			http.Redirect(w, r, "/casussen/"+c.s.pid(kindCase, k.ID), http.StatusSeeOther)
			return nil
		}
	}
	var fe *casework.FieldError
	var we *Error
	switch {
	case errors.As(err, &fe):
		return c.renderNew(w, r, http.StatusBadRequest, in, map[string]string{fe.Field: openLabel(fe.Field) + ": " + fe.Msg})
	case errors.As(err, &we) && we.Field != "" && we.Status == http.StatusBadRequest:
		return c.renderNew(w, r, http.StatusBadRequest, in, map[string]string{we.Field: we.Detail})
	}
	return caseError(err)
}

// casusInJSON is the body of POST /api/v1/casussen.
type casusInJSON struct {
	Leerling   string `json:"leerling"` // public id (publicid.go)
	Soort      string `json:"soort"`
	Doel       string `json:"doel"`
	Vraag      string `json:"vraag"`
	Startdatum string `json:"startdatum"`
}

// apiOpen opens a case; 201 with Location and the case as the opener sees it.
func (c *caseHandlers) apiOpen(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	if p.Client != nil {
		return &Error{Status: http.StatusForbidden, Title: "Niet toegestaan", Detail: "Een casus opent een persoon (zorgcoördinator, consulent of leerplichtambtenaar), geen systeem: de opener wordt deelnemer en krijgt de regie."}
	}
	var body casusInJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"leerling", body.Leerling}, {"soort", body.Soort}, {"doel", body.Doel}, {"vraag", body.Vraag}} {
		if strings.TrimSpace(f.v) == "" {
			return badField(f.name, f.name+" is verplicht")
		}
	}
	if _, err := c.s.rowID(kindPupil, body.Leerling, "leerling"); err != nil {
		return err
	}
	req, err := c.request(openInput{Pupil: body.Leerling, Type: body.Soort, Purpose: body.Doel, Question: body.Vraag, Start: body.Startdatum})
	if err != nil {
		return err
	}
	if err := c.visiblePupil(r, req.PupilID); err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	k, err := c.svc(r.Context()).Open(r.Context(), region, op, req)
	if err != nil {
		return caseError(err)
	}
	pub := c.s.pid(kindCase, k.ID)
	w.Header().Set("Location", "/api/v1/casussen/"+pub)
	w.Header().Set("ETag", c.s.etag(kindCase, k.ID, k.Version))
	return writeJSON(w, http.StatusCreated, map[string]any{"id": pub, "versie": k.Version, "soort": k.Type, "fase": k.Phase, "href": "/api/v1/casussen/" + pub})
}

// mayOpenCase says whether the pupil page offers "Casus openen" to this user.
func (s *Server) mayOpenCase(p *Principal) bool {
	return p != nil && slices.Contains(caseOpenerRoles, p.Role()) && s.hasRoute("/casussen/nieuw")
}

func openLabel(f string) string {
	switch f {
	case "soort":
		return "Soort overleg"
	case "doel":
		return "Doel"
	case "vraag":
		return "Vraag van het overleg"
	case "startdatum":
		return "Startdatum"
	case "leerling":
		return "Leerling"
	}
	return fieldLabel(f)
}

// timelineItem is one event of a case's timeline.
type timelineItem struct {
	At   time.Time
	What string
	Note string
}

// timeline lists what happened to the case, oldest first: opening (from its start date), phases,
// regie, escalation and the breakthrough decision, closing. Names come from the participants.
func timeline(k *casework.Case, names map[int64]string) []timelineItem {
	who := func(id int64) string {
		if n := names[id]; n != "" {
			return n
		}
		return "een deelnemer"
	}
	out := []timelineItem{{At: k.OpenedAt, What: "Casus geopend door " + who(k.OpenedBy)}}
	for i, p := range k.Phases {
		if i == 0 {
			out = append(out, timelineItem{At: p.At, What: "Fase " + p.To, Note: p.Note})
			continue
		}
		out = append(out, timelineItem{At: p.At, What: "Van fase " + p.From + " naar " + p.To + " (" + who(p.By) + ")", Note: p.Note})
	}
	for _, g := range k.Regie {
		out = append(out, timelineItem{At: g.At, What: g.Kind.Label() + " bij " + who(g.UserID), Note: g.Note})
	}
	if e := k.Escalation; e != nil {
		out = append(out, timelineItem{At: e.At, What: "Opgeschaald naar het doorbraakoverleg (" + e.Reason + ")", Note: e.Detail})
		if e.Decision != "" {
			out = append(out, timelineItem{At: e.DecidedAt, What: "Besluit van het doorbraakoverleg: " + e.Decision})
		}
	}
	if cl := k.Closure; cl != nil {
		out = append(out, timelineItem{At: cl.At, What: "Afgesloten door " + who(cl.By) + ": " + cl.Result, Note: cl.Note})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
