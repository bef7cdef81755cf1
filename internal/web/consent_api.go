package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
)

type consentJSON struct {
	ID          string   `json:"id"`
	Stand       string   `json:"stand"`
	Status      string   `json:"status"`
	Doelen      []string `json:"doelen"`
	Ontvangers  []string `json:"ontvangers"`
	Categorieen []string `json:"categorieen"`
	Gevers      []string `json:"gevers"`
	Verstrekker string   `json:"verstrekker,omitempty"`
	Kanaal      string   `json:"kanaal"`
	ZwakBewijs  bool     `json:"zwakBewijs"`
	GeldigVan   string   `json:"geldigVan"`
	GeldigTot   string   `json:"geldigTot,omitempty"`
	Ingetrokken string   `json:"ingetrokken,omitempty"`
}

func (c *consentHandlers) toJSON(r consent.Record) consentJSON {
	d := r.Data()
	out := consentJSON{ID: c.s.pid(kindConsent, r.ID()), Stand: string(r.StateAt(c.s.now())), Status: string(d.Status), Doelen: d.Purposes, Categorieen: d.Categories,
		Kanaal: string(d.Channel), ZwakBewijs: d.Channel.WeakEvidence(), GeldigVan: d.ValidFrom.String(), Ontvangers: []string{}, Gevers: []string{},
		Verstrekker: d.Discloser}
	for _, x := range d.Recipients {
		out.Ontvangers = append(out.Ontvangers, x.String())
	}
	for _, g := range d.Givers {
		out.Gevers = append(out.Gevers, g.String())
	}
	if !d.ValidUntil.IsZero() {
		out.GeldigTot = d.ValidUntil.String()
	}
	if w, ok := r.Withdrawal(); ok {
		out.Ingetrokken = w.At.UTC().Format("2006-01-02T15:04:05Z")
	}
	return out
}

func (c *consentHandlers) apiList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, ok := c.s.ids.decode(kindPupil, r.URL.Query().Get("leerling"))
	if !ok {
		return badField("leerling", "geef het id van de leerling (leerling), zoals de API het noemt")
	}
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	_, recs, err := c.list(r.Context(), p, id, audit.AccessAPI)
	if err != nil {
		return err
	}
	type embedded struct {
		Toestemmingen []consentJSON `json:"toestemmingen"`
	}
	out := struct {
		pageJSON
		Embedded embedded `json:"_embedded"`
	}{pageJSON: pageOf(r, pg, len(recs)), Embedded: embedded{Toestemmingen: []consentJSON{}}}
	for _, rec := range pageSlice(recs, pg) {
		out.Embedded.Toestemmingen = append(out.Embedded.Toestemmingen, c.toJSON(rec))
	}
	return writeJSON(w, http.StatusOK, out)
}

type consentRequestJSON struct {
	Leerling        string   `json:"leerling"`
	Status          string   `json:"status"`
	Doelen          []string `json:"doelen"`
	Ontvangers      []string `json:"ontvangers"`
	Categorieen     []string `json:"categorieen"`
	Gevers          []string `json:"gevers"`
	Verstrekker     string   `json:"verstrekker"`
	Kanaal          string   `json:"kanaal"`
	GehoordDoor     string   `json:"gehoordDoor"`
	FormulierVersie string   `json:"formulierVersie"`
	FormulierHash   string   `json:"formulierHash"`
	Bewijs          string   `json:"bewijs"`
	GegevenOp       string   `json:"gegevenOp"`
	GeldigVan       string   `json:"geldigVan"`
	GeldigTot       string   `json:"geldigTot"`
	Notitie         string   `json:"notitie"`
}

// apiFields maps the form's field names to the API's.
var consentAPIFields = map[string]string{"gevers": "gevers", "gehoord_door": "gehoordDoor", "bewijs": "bewijs", "formulier_hash": "formulierHash",
	"ontvangers": "ontvangers", "categorieen": "categorieen", "kanaal": "kanaal", "geldig_tot": "geldigTot", "geldig_van": "geldigVan",
	"doelen": "doelen", "status": "status", "gegeven_op": "gegevenOp", "verstrekker": "verstrekker"}

func (c *consentHandlers) apiRecord(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	var b consentRequestJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	pupil, ok := c.s.ids.decode(kindPupil, b.Leerling)
	if !ok {
		return badField("leerling", "geef het id van de leerling, zoals de API het noemt")
	}
	in := consentInput{Status: []string{b.Status}, Purposes: b.Doelen, Recipients: b.Ontvangers, Categories: b.Categorieen, Givers: b.Gevers,
		Channel: b.Kanaal, HeardBy: b.GehoordDoor, FormVersion: b.FormulierVersie, FormHash: b.FormulierHash, Evidence: b.Bewijs,
		GivenAt: b.GegevenOp, From: b.GeldigVan, Until: b.GeldigTot, Note: b.Notitie, Discloser: b.Verstrekker}
	rec, errs, err := c.record(r.Context(), p, pupil, in, audit.AccessAPI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		var params []invalidParam
		for f, msg := range errs {
			params = append(params, invalidParam{Name: consentAPIFields[f], Reason: msg})
		}
		return writeProblems(w, r, "De toestemming is niet vastgelegd.", params)
	}
	return writeJSON(w, http.StatusCreated, c.toJSON(rec))
}

func (c *consentHandlers) apiWithdraw(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var b struct {
		Namens  string `json:"namens"`
		Notitie string `json:"notitie"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	_, uses, err := c.withdraw(r.Context(), p, id, b.Namens, strings.TrimSpace(b.Notitie), audit.AccessAPI)
	if err != nil {
		return err
	}
	rec, err := c.d.Register.Get(r.Context(), p.Actor().RegionID, id)
	if err != nil {
		return err
	}
	type useJSON struct {
		Op         string `json:"op"`
		Ontvanger  string `json:"ontvanger"`
		Categorie  string `json:"categorie"`
		Verwijzing string `json:"verwijzing"`
	}
	out := struct {
		Toestemming    consentJSON `json:"toestemming"`
		Verstrekkingen []useJSON   `json:"verstrekkingen"`
	}{Toestemming: c.toJSON(rec), Verstrekkingen: []useJSON{}}
	for _, u := range uses {
		to := u.Party
		if u.OrganisationID != 0 {
			to += ":" + itoa(u.OrganisationID)
		}
		out.Verstrekkingen = append(out.Verstrekkingen, useJSON{Op: u.At.UTC().Format("2006-01-02T15:04:05Z"), Ontvanger: to, Categorie: u.Category, Verwijzing: u.Reference})
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiNeeded answers "whose consent do I need?" exactly as `grondslag toestemming nodig --json`:
// from the birth date, the day, the purpose, the number of parents with gezag and (optional)
// the disclosing party — the WGBO ages of the jeugdarts (ggd) and the jeugdhulpverlener differ
// from the school's (BW 7:457, 7:465). No pupil data.
func (c *consentHandlers) apiNeeded(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	birth, err := consent.ParseDate(q.Get("geboortedatum"))
	if err != nil {
		return badField("geboortedatum", "geboortedatum moet een datum JJJJ-MM-DD zijn")
	}
	on, err := consent.ParseDate(q.Get("peildatum"))
	if err != nil {
		return badField("peildatum", "peildatum moet een datum JJJJ-MM-DD zijn")
	}
	if on.Before(birth) {
		return badField("peildatum", "de peildatum ligt vóór de geboortedatum")
	}
	n, err := strconv.Atoi(q.Get("gezaghebbenden"))
	if err != nil || n < 0 || n > 2 {
		return badField("gezaghebbenden", "gezaghebbenden moet 0, 1 of 2 zijn")
	}
	doel := q.Get("doel")
	if doel == "" {
		return badField("doel", "geef het doel op")
	}
	cfg, err := c.d.Register.ConfigFor(r.Context(), principalFrom(r.Context()).Actor().RegionID)
	if err != nil {
		return err
	}
	partij := q.Get("partij")
	if partij != "" && !hasCode(c.s.vocabOf(principalFrom(r.Context())).Parties, partij) {
		var codes []string
		for _, pc := range c.s.vocabOf(principalFrom(r.Context())).Parties {
			codes = append(codes, pc.Code)
		}
		return badField("partij", fmt.Sprintf("onbekende partij %q; bekende partijen: %s", partij, strings.Join(codes, ", ")))
	}
	req, err := cfg.Rules.NeededFor(birth, on, doel, partij, n)
	if err != nil {
		return badField("doel", userText(err))
	}
	return writeJSON(w, http.StatusOK, struct {
		Leerling bool   `json:"leerling"`
		Ouders   string `json:"ouders"`
		Reden    string `json:"reden"`
		Bron     string `json:"bron"`
	}{req.Pupil, string(req.Parents), req.Reason, req.Source})
}
