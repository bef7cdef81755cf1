package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// singularOf names one imported item ("1 leerling", not "1 leerlingen").
var singularOf = map[string]string{"organisaties": "organisatie", "gebruikers": "gebruiker", "leerlingen": "leerling"}

const importUsage = "importeer organisaties|gebruikers|leerlingen BESTAND.csv [--db …] [--regio CODE]"

// runImporteer imports organisations, users or pupils from a CSV file into a region, all or
// nothing: any error names the line and field, and nothing is written.
func runImporteer(ctx context.Context, e env) (err error) {
	defer wrap(&err, "importeren")
	if len(e.args) == 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", importUsage))
	}
	kind := e.args[0]
	fs := newFlagSet(e, "importeer "+kind, importUsage)
	cfg := storeFlags(fs, e)
	files, err := parseInterspersed(fs, e.args[1:])
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return withExit(2, fmt.Errorf("geef precies één CSV-bestand op; gebruik: grondslag %s", importUsage))
	}
	path := files[0]
	f, err := os.Open(path)
	if err != nil {
		return withExit(2, fmt.Errorf("bestand openen: %w", err))
	}
	defer f.Close()
	now := time.Now().UTC()
	var (
		orgs   []region.OrgRow
		users  []region.UserRow
		pupils []region.PupilRow
	)
	switch kind {
	case "organisaties":
		orgs, err = region.ReadOrganisations(f)
	case "gebruikers":
		users, err = region.ReadUsers(f)
	case "leerlingen":
		pupils, err = region.ReadPupils(f, now)
	default:
		return withExit(2, fmt.Errorf("onbekend soort import %q; kies organisaties, gebruikers of leerlingen", kind))
	}
	if err != nil {
		return fileErrors(path, err)
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, err := cfg.region(ctx, db)
	if err != nil {
		return err
	}
	n := 0
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		idx, err := newOrgIndex(ctx, db, reg.ID)
		if err != nil {
			return err
		}
		switch kind {
		case "organisaties":
			for _, row := range orgs {
				o := row.Org
				if row.Gemeente != "" {
					if o.GemeenteID = idx.byCode[strings.ToUpper(row.Gemeente)]; o.GemeenteID == 0 {
						return &region.LineError{Line: row.Line, Field: "gemeente", Msg: fmt.Sprintf("onbekende gemeente %q; gebruik de CBS-code van een gemeente in deze regio (een gemeente eerder in hetzelfde bestand telt niet)", row.Gemeente)}
					}
				}
				if _, err := tx.CreateOrganisation(ctx, reg.ID, o); err != nil {
					return region.AtLine(row.Line, err)
				}
				n++
			}
		case "gebruikers":
			for _, row := range users {
				orgID := idx.lookup(row.Organisation)
				if orgID == 0 {
					return &region.LineError{Line: row.Line, Field: "organisatie", Msg: fmt.Sprintf("onbekende organisatie %q; gebruik BRIN+vestiging (12AB00), een CBS-code of de precieze naam", row.Organisation)}
				}
				uid, err := tx.CreateUser(ctx, reg.ID, region.User{OrganisationID: orgID, Name: row.Name, Email: row.Email, Role: row.Role}, now)
				if err != nil {
					return region.AtLine(row.Line, err)
				}
				if len(row.Classes) > 0 {
					if err := tx.SetMentorClasses(ctx, reg.ID, uid, row.Classes); err != nil {
						return region.AtLine(row.Line, err)
					}
				}
				n++
			}
		case "leerlingen":
			ring, err := cfg.keyRing()
			if err != nil {
				return err
			}
			keys, err := ring.Region(reg.Code)
			if err != nil {
				return err
			}
			for _, row := range pupils {
				p := row.Pupil
				if row.Gemeente != "" {
					if p.GemeenteID = idx.byCode[strings.ToUpper(row.Gemeente)]; p.GemeenteID == 0 {
						return &region.LineError{Line: row.Line, Field: "woongemeente", Msg: fmt.Sprintf("onbekende gemeente %q in deze regio", row.Gemeente)}
					}
				}
				id, _, err := tx.CreatePupil(ctx, reg.ID, p, keys, now)
				if err != nil {
					return region.AtLine(row.Line, err)
				}
				if !row.Startkwalificatie.IsZero() {
					if err := tx.SetStartkwalificatie(ctx, reg.ID, id, row.Startkwalificatie); err != nil {
						return region.AtLine(row.Line, err)
					}
				}
				if row.School != "" {
					e := row.Enrolment
					if e.SchoolID = idx.schools[strings.ToUpper(row.School)]; e.SchoolID == 0 {
						return &region.LineError{Line: row.Line, Field: "school", Msg: fmt.Sprintf("onbekende school %q; gebruik BRIN en vestiging, zoals 12AB00", row.School)}
					}
					if _, err := tx.AddEnrolment(ctx, reg.ID, id, e); err != nil {
						return region.AtLine(row.Line, err)
					}
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return fileErrors(path, err)
	}
	fmt.Fprintf(e.stdout, "%d %s geïmporteerd in regio %s\n", n, plural(n, singularOf[kind], kind), reg.Code)
	return nil
}

// fileErrors prefixes line errors with the file name; nothing was written.
func fileErrors(path string, err error) error {
	var many region.ImportErrors
	var one *region.LineError
	switch {
	case errors.As(err, &many):
		lines := strings.Split(many.Error(), "\n")
		for i := range lines {
			lines[i] = path + ": " + lines[i]
		}
		return fmt.Errorf("%s\nniets geïmporteerd", strings.Join(lines, "\n"))
	case errors.As(err, &one):
		return fmt.Errorf("%s: %s\nniets geïmporteerd", path, one.Error())
	}
	return err
}

// orgIndex finds organisations by BRIN+vestiging, CBS code or name.
type orgIndex struct {
	schools map[string]int64
	byCode  map[string]int64
	byName  map[string]int64
}

func newOrgIndex(ctx context.Context, db *store.DB, regionID int64) (*orgIndex, error) {
	orgs, err := db.Organisations(ctx, regionID)
	if err != nil {
		return nil, err
	}
	idx := &orgIndex{schools: map[string]int64{}, byCode: map[string]int64{}, byName: map[string]int64{}}
	for _, o := range orgs {
		if o.Kind == region.KindSchool {
			idx.schools[o.BRIN+o.Vestiging] = o.ID
		}
		if o.CBSCode != "" {
			idx.byCode[o.CBSCode] = o.ID
		}
		idx.byName[strings.ToLower(o.Name)] = o.ID
	}
	return idx, nil
}

func (x *orgIndex) lookup(ref string) int64 {
	if id := x.schools[strings.ToUpper(ref)]; id != 0 {
		return id
	}
	if id := x.byCode[strings.ToUpper(ref)]; id != 0 {
		return id
	}
	return x.byName[strings.ToLower(ref)]
}
