package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/rights"
)

// The export of the own data (AVG art. 15 lid 3 and art. 20) and the FG's board of requests.
//
// GET /inzage/leerling/{id}/export.json gives the parent with gezag, or the pupil, what Grondslag
// holds about the pupil, grouped per controller — each party its own controller: the school's
// blocks (enrolment, parents, absence, consents), the gemeente's meldingen, for every other party
// what it holds and that it answers for its own data, and who processed the data (the trail). A
// parent's export leaves out the JGZ where the WGBO withholds it (rights.ParentsJGZ), and says so.
//
// GET /inzage/fg is the board of the FG: every request addressed to the FG's own organisation,
// with what is due within a week, what is late and what was answered late.

type exportParty struct {
	Organisation string   `json:"organisatie"`
	Party        string   `json:"partij"`
	Holds        []string `json:"heeft"`
	Data         any      `json:"gegevens,omitempty"`
	Note         string   `json:"toelichting,omitempty"`
	Withheld     string   `json:"achtergehouden,omitempty"`
}

type exportTrail struct {
	Time         string   `json:"tijd"`
	Organisation string   `json:"organisatie"`
	Role         string   `json:"rol"`
	Action       string   `json:"handeling"`
	Categories   []string `json:"gegevens"`
	Purpose      string   `json:"doel"`
	Ground       string   `json:"grondslag"`
	Index        uint64   `json:"logindex"`
}

type exportDoc struct {
	Made        string         `json:"gemaakt_op"`
	About       map[string]any `json:"leerling"`
	Controllers []exportParty  `json:"verwerkingsverantwoordelijken"`
	Trail       []exportTrail  `json:"wie_verwerkte_de_gegevens"`
	Explanation string         `json:"uitleg"`
}

func (h *inzageHandlers) exportJSON(w http.ResponseWriter, r *http.Request) error {
	doc, id, err := h.export(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gegevens-leerling-%d.json"`, id))
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// export gathers the own data per controller (see exportJSON) and logs the export.
func (h *inzageHandlers) export(r *http.Request) (exportDoc, int64, error) {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return exportDoc{}, 0, err
	}
	if _, err := h.child(ctx, p, id); err != nil {
		return exportDoc{}, 0, err
	}
	a := p.Actor()
	v, err := h.s.readPupil(ctx, p, id, "", audit.AccessUI)
	if err != nil {
		return exportDoc{}, 0, err
	}
	ctrls, err := h.d.Service.Controllers(ctx, a.RegionID, id)
	if err != nil {
		return exportDoc{}, 0, fmt.Errorf("verwerkingsverantwoordelijken lezen: %w", err)
	}
	birth, objects, err := h.d.Service.PupilFacts(ctx, a.RegionID, id)
	if err != nil {
		return exportDoc{}, 0, fmt.Errorf("geboortedatum en jgz-bezwaar lezen: %w", err)
	}
	now := h.s.now()
	today := rights.Today(now)
	who := requester(p)
	pup := v.Pupil
	doc := exportDoc{Made: now.In(h.s.cfg.Location).Format(time.RFC3339),
		About: map[string]any{"voornaam": pup.FirstName, "achternaam": pup.LastName, "geboortedatum": pup.BirthDate, "woongemeente": pup.GemeenteName},
		Explanation: "Elke organisatie is zelf verantwoordelijk voor de gegevens die zij heeft en beantwoordt uw verzoek voor die gegevens. " +
			"Hieronder staat per organisatie wat Grondslag van haar bevat; wat een organisatie daarbuiten bewaart, vraagt u bij die organisatie op (het verzoek op de pagina Uw rechten gaat naar elke organisatie)."}
	withheldOrgs := map[string]bool{}
	for _, c := range ctrls {
		x := exportParty{Organisation: c.Name, Party: c.Party, Holds: c.Holds}
		switch c.Party {
		case "school":
			x.Data = map[string]any{"inschrijvingen": pup.Enrolments, "ouders": pup.Guardians, "verzuimsignalen": pup.Signals, "toestemmingen": pup.Consents}
		case "gemeente":
			x.Data = map[string]any{"verzuimmeldingen": pup.Meldingen}
		default:
			x.Note = "Deze organisatie bewaart haar eigen dossier buiten Grondslag en beantwoordt uw verzoek daarvoor zelf."
		}
		if who.Kind == rights.RequesterParent && c.Party == rights.JGZParty {
			if ok, why := rights.ParentsJGZ(birth, today, objects); !ok {
				x.Data, x.Note, x.Withheld = nil, "", why
				withheldOrgs[c.Name] = true
			}
		}
		doc.Controllers = append(doc.Controllers, x)
	}
	if h.s.d.AuditReader != nil {
		all, err := h.s.d.AuditReader.PupilTrail(ctx, a.RegionID, pup.Pseudonym)
		if err != nil {
			return exportDoc{}, 0, err
		}
		for _, t := range all {
			if t.Role == auth.RoleOuder || t.Role == auth.RoleLeerling || withheldOrgs[t.Organisation] {
				continue
			}
			doc.Trail = append(doc.Trail, exportTrail{Time: t.Time.In(h.s.cfg.Location).Format(time.RFC3339), Organisation: t.Organisation, Role: t.Role,
				Action: t.Action, Categories: slices.Clone(t.Categories), Purpose: t.Purpose, Ground: t.Ground, Index: t.Index})
		}
	}
	if err := h.s.audit(ctx, p, pup.Pseudonym, "identificatie", "", parentAnswer, Facts{}, audit.AccessUI, "inzage-export"); err != nil {
		return exportDoc{}, 0, err
	}
	return doc, id, nil
}

// boardRow is one request on the FG's board.
type boardRow struct {
	requestView
	DueSoon bool
}

func (h *inzageHandlers) board(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	a := p.Actor()
	if a.OrgID == 0 {
		return errForbidden
	}
	all, err := h.d.Service.Board(ctx, a.RegionID, a.OrgID)
	if err != nil {
		return fmt.Errorf("termijnen van de verzoeken lezen: %w", err)
	}
	today := rights.Today(h.s.now())
	var rows []boardRow
	counts := map[string]int{}
	for _, q := range all {
		v := boardRow{requestView: viewOf(q, today)}
		open := q.Status() != rights.StatusHandled
		v.DueSoon = open && !v.Overdue && v.DaysLeft <= 7
		switch {
		case v.Overdue:
			counts["telaat"]++
		case v.DueSoon:
			counts["binnenkort"]++
		}
		if open {
			counts["open"]++
		}
		if v.Late {
			counts["laatbeantwoord"]++
		}
		rows = append(rows, v)
	}
	// The board shows no names: the FG supervises the terms, the handler answers.
	return h.s.render(w, r, "inzage_fg", "Verzoeken van betrokkenen: termijnen", &rightsBoardPage{Rijen: rows, Tellingen: counts, Organisatie: p.Account.OrgName})
}

// rightsBoardPage is the data of inzage_fg.html: the FG's board of request terms, without names.
type rightsBoardPage struct {
	View
	Rijen       []boardRow
	Tellingen   map[string]int // open, binnenkort, telaat, laatbeantwoord
	Organisatie string
}
