package web

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// writeProblems writes a 400 problem+json naming every wrong field (invalidParams).
func writeProblems(w http.ResponseWriter, r *http.Request, detail string, params []invalidParam) error {
	w.Header().Set("API-Version", APIVersion)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	return json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: "Ongeldige invoer", Status: http.StatusBadRequest, Detail: detail,
		Instance: r.URL.Path, InvalidParams: params})
}

type registrationJSON struct {
	Leerling string          `json:"leerling"`
	Datum    string          `json:"datum"`
	Uren     json.RawMessage `json:"uren"`
	Reden    string          `json:"reden"`
}

type lineErrorJSON struct {
	Regel int    `json:"regel"`
	Reden string `json:"reden"`
}

type importJSON struct {
	Regels       int             `json:"regels"`
	Geimporteerd int             `json:"geimporteerd"`
	Sleutels     int             `json:"sleutels"`
	Leerlingen   int             `json:"leerlingen"`
	Signalen     int             `json:"signalen"`
	Fouten       []lineErrorJSON `json:"fouten"`
}

// parseRegistrations reads the JSON array of the API into registrations (Line = position,
// 1-based); bad rows are returned as line errors naming the field.
func parseRegistrations(items []registrationJSON) ([]absence.Registration, []*absence.LineError, []invalidParam) {
	var regs []absence.Registration
	var bad []*absence.LineError
	var params []invalidParam
	for i, it := range items {
		n := i + 1
		fail := func(field, msg string) {
			bad = append(bad, &absence.LineError{Line: n, Msg: msg})
			params = append(params, invalidParam{Name: "[" + strconv.Itoa(i) + "]." + field, Reason: "regel " + strconv.Itoa(n) + ": " + msg})
		}
		day, err := absence.ParseDate(strings.TrimSpace(it.Datum))
		if err != nil {
			fail("datum", "datum "+strconv.Quote(it.Datum)+" is geen geldige datum (JJJJ-MM-DD)")
			continue
		}
		raw := strings.Trim(strings.TrimSpace(string(it.Uren)), `"`)
		hours, err := absence.ParseHours(raw)
		if err != nil {
			fail("uren", err.Error())
			continue
		}
		reason, err := absence.ParseReason(it.Reden)
		if err != nil {
			fail("reden", err.Error())
			continue
		}
		reg, err := absence.NewRegistration(strings.TrimSpace(it.Leerling), day, hours, reason)
		if err != nil {
			fail("leerling", err.Error())
			continue
		}
		reg.Line = n
		regs = append(regs, reg)
	}
	return regs, bad, params
}

// apiImport imports registrations sent as text/csv (the file format) or as a JSON array of
// {leerling, datum, uren, reden}. All or nothing, unless slaFoutenOver=true.
func (v *verzuimHandlers) apiImport(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose, err := v.s.apiPurpose(r)
	if err != nil {
		return err
	}
	skip := false
	switch r.URL.Query().Get("slaFoutenOver") {
	case "", "false":
	case "true":
		skip = true
	default:
		return badField("slaFoutenOver", "gebruik true of false")
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	in := absence.Import{SkipErrors: skip}
	var preBad []*absence.LineError
	switch mt {
	case "text/csv":
		in.CSV = r.Body
	case "application/json":
		var items []registrationJSON
		dec := json.NewDecoder(r.Body) // limited to maxUpload by the middleware (bodylimit.go)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&items); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return errTooLarge(tooLarge.Limit)
			}
			return badField("", "de body is geen JSON-array van registraties {leerling, datum, uren, reden}")
		}
		regs, bad, params := parseRegistrations(items)
		if len(bad) > 0 && !skip {
			return writeProblems(w, r, "Er is niets geïmporteerd: "+strconv.Itoa(len(bad))+" foute registraties.", params)
		}
		preBad = bad
		in.Registrations = regs
		if regs == nil {
			in.Registrations = []absence.Registration{}
		}
	default:
		return &Error{Status: http.StatusUnsupportedMediaType, Title: "Verkeerd formaat", Detail: "Stuur de registraties als text/csv (leerling,datum,uren,reden) of als application/json."}
	}
	res, err := v.doImport(r.Context(), p, purpose, audit.AccessAPI, in)
	n := res.Signals
	res.Errors = append(preBad, res.Errors...)
	if err != nil {
		if !importFailed(err) {
			return err
		}
		var params []invalidParam
		for _, le := range res.Errors {
			params = append(params, invalidParam{Name: "regel " + strconv.Itoa(le.Line), Reason: le.Error()})
		}
		if len(params) == 0 {
			params = []invalidParam{{Name: "body", Reason: err.Error()}}
		}
		return writeProblems(w, r, "Er is niets geïmporteerd: "+err.Error()+".", params)
	}
	out := importJSON{Regels: res.Lines + len(preBad), Geimporteerd: res.Imported, Sleutels: res.Keys, Leerlingen: len(res.Pupils), Signalen: n, Fouten: []lineErrorJSON{}}
	for _, le := range res.Errors {
		out.Fouten = append(out.Fouten, lineErrorJSON{Regel: le.Line, Reden: le.Msg})
	}
	return writeJSON(w, http.StatusOK, out)
}

type signalJSON struct {
	ID         string  `json:"id"`
	LeerlingID string  `json:"leerlingId"`
	Naam       string  `json:"naam,omitempty"`
	Soort      string  `json:"soort"`
	Van        string  `json:"van"`
	Tot        string  `json:"tot"`
	Uren       float64 `json:"uren"`
	Dagen      int     `json:"dagen"`
	Bron       string  `json:"bron"`
	Prioriteit bool    `json:"prioriteit"`
	Meldbaar   bool    `json:"meldbaar"`
}

func (v *verzuimHandlers) apiSignals(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose, err := v.s.apiPurpose(r)
	if err != nil {
		return err
	}
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	rows, withheld, err := v.openSignals(r.Context(), p, purpose, audit.AccessAPI)
	if err != nil {
		return err
	}
	type embedded struct {
		Signalen []signalJSON `json:"signalen"`
	}
	out := struct {
		pageJSON
		Embedded   embedded `json:"_embedded"`
		Weggelaten int      `json:"weggelaten"`
	}{pageJSON: pageOf(r, pg, len(rows)), Embedded: embedded{Signalen: []signalJSON{}}, Weggelaten: withheld}
	for _, s := range pageSlice(rows, pg) {
		out.Embedded.Signalen = append(out.Embedded.Signalen, signalJSON{ID: v.s.pid(kindSignal, s.ID), LeerlingID: v.s.pid(kindPupil, s.PupilID), Naam: s.Name, Soort: string(s.Kind), Van: s.From.String(), Tot: s.To.String(),
			Uren: s.Hours.Float(), Dagen: s.Days, Bron: s.Source, Prioriteit: s.Priority, Meldbaar: s.Reportable})
	}
	return writeJSON(w, http.StatusOK, out)
}

type meldingJSON struct {
	ID              string  `json:"id"`
	LeerlingID      string  `json:"leerlingId"`
	Naam            string  `json:"naam,omitempty"`
	SchoolID        string  `json:"schoolId"`
	SignaalID       string  `json:"signaalId,omitempty"`
	Soort           string  `json:"soort"`
	Wettelijk       bool    `json:"wettelijk"`
	Begindatum      string  `json:"begindatum"`
	Einddatum       string  `json:"einddatum,omitempty"`
	VerzuimdeUren   float64 `json:"verzuimdeUren"`
	VerzuimdeDagen  int     `json:"verzuimdeDagen"`
	Status          string  `json:"status"`
	StatusSinds     string  `json:"statusSinds"`
	RedenAfsluiting string  `json:"redenAfsluiting,omitempty"`
	Afsluitnotitie  string  `json:"afsluitnotitie,omitempty"`
}

func (v *verzuimHandlers) toMeldingJSON(m absence.StoredMelding, name string) meldingJSON {
	c := m.Content()
	out := meldingJSON{ID: v.s.pid(kindMelding, m.ID), LeerlingID: v.s.pid(kindPupil, m.PupilID), Naam: name, SchoolID: v.s.pid(kindOrganisation, m.SchoolID), SignaalID: v.s.pid(kindSignal, m.SignalID), Soort: string(c.Type), Wettelijk: c.Type.Statutory(),
		Begindatum: c.From.String(), VerzuimdeUren: c.HoursAbsent.Float(), VerzuimdeDagen: c.DaysAbsent, Status: string(m.Status()),
		StatusSinds: m.StatusAt().UTC().Format(time.RFC3339), RedenAfsluiting: string(m.ClosingReason()), Afsluitnotitie: string(m.ClosingNote())}
	if c.To != 0 {
		out.Einddatum = c.To.String()
	}
	return out
}

func (v *verzuimHandlers) apiMeldingen(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose, err := v.s.apiPurpose(r)
	if err != nil {
		return err
	}
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	open := r.URL.Query().Get("alle") != "true" && p.Actor().Party == "gemeente"
	rows, total, withheld, err := v.visibleMeldingen(r.Context(), p, purpose, open, pg, audit.AccessAPI, "verzuimmeldingen-lijst")
	if err != nil {
		return err
	}
	type embedded struct {
		Meldingen []meldingJSON `json:"meldingen"`
	}
	out := struct {
		pageJSON
		Embedded   embedded `json:"_embedded"`
		Weggelaten int      `json:"weggelaten"`
	}{pageJSON: pageOf(r, pg, total), Embedded: embedded{Meldingen: []meldingJSON{}}, Weggelaten: withheld}
	for _, m := range rows {
		out.Embedded.Meldingen = append(out.Embedded.Meldingen, v.toMeldingJSON(m.StoredMelding, m.Name))
	}
	return writeJSON(w, http.StatusOK, out)
}

type meldingRequestJSON struct {
	Signaal              string `json:"signaal"`
	Begindatum           string `json:"begindatum"`
	Einddatum            string `json:"einddatum"`
	VermoedelijkeReden   string `json:"vermoedelijkeReden"`
	AlleLessenVerzuimd   bool   `json:"alleLessenVerzuimd"`
	ActieSchool          string `json:"actieSchool"`
	ActieGemeenteGewenst *bool  `json:"actieGemeenteGewenst"`
	ToelichtingGeenActie string `json:"toelichtingGeenActie"`
	Leslocatie           string `json:"leslocatie"`
	Melder               struct {
		Naam     string `json:"naam"`
		Functie  string `json:"functie"`
		Telefoon string `json:"telefoon"`
		Email    string `json:"email"`
	} `json:"melder"`
	TelefoonOuderOfLeerling string `json:"telefoonOuderOfLeerling"`
	Verblijfadres           string `json:"verblijfadres"`
}

// apiCreateMelding completes the melding a stored signal proposes and sends it (201). Dates and
// the suspected reason default to the proposal when left out.
func (v *verzuimHandlers) apiCreateMelding(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	var body meldingRequestJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	signal, ok := v.s.ids.decode(kindSignal, body.Signaal)
	if !ok {
		return badField("signaal", "noem het id van het signaal waarvoor u meldt")
	}
	m, err := v.prepareMelding(r.Context(), p, signal, audit.AccessAPI)
	if v.existingMelding(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	c := m.proposal
	in := map[string]string{"begindatum": c.From.String(), "vermoedelijke_reden": c.SuspectedReason}
	if c.To != 0 {
		in["einddatum"] = c.To.String()
	}
	set := func(k, val string) {
		if strings.TrimSpace(val) != "" {
			in[k] = val
		}
	}
	set("begindatum", body.Begindatum)
	set("einddatum", body.Einddatum)
	set("vermoedelijke_reden", body.VermoedelijkeReden)
	if body.AlleLessenVerzuimd {
		in["alle_lessen"] = "ja"
	}
	in["actie_school"] = body.ActieSchool
	if body.ActieGemeenteGewenst != nil {
		in["actie_gemeente"] = map[bool]string{true: "ja", false: "nee"}[*body.ActieGemeenteGewenst]
	}
	in["toelichting_geen_actie"], in["leslocatie"] = body.ToelichtingGeenActie, body.Leslocatie
	in["melder_naam"], in["melder_functie"], in["melder_telefoon"], in["melder_email"] = body.Melder.Naam, body.Melder.Functie, body.Melder.Telefoon, body.Melder.Email
	in["telefoon_ouder"], in["verblijfadres"] = body.TelefoonOuderOfLeerling, body.Verblijfadres
	id, errs, err := v.createMelding(r.Context(), p, m, in, audit.AccessAPI)
	if v.existingMelding(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		var params []invalidParam
		for _, f := range meldingFields {
			if msg, ok := errs[f.form]; ok {
				params = append(params, invalidParam{Name: f.api, Reason: msg})
			}
		}
		return writeProblems(w, r, "De melding is niet compleet; er is niets verstuurd.", params)
	}
	stored, err := v.d.Store.Melding(r.Context(), p.Actor().RegionID, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, v.toMeldingJSON(stored, ""))
}

// existingMelding answers a repeated POST for an episode that has a melding: 200 with that
// melding and its Location, so a retry or double submit makes one melding.
func (v *verzuimHandlers) existingMelding(w http.ResponseWriter, r *http.Request, err error) bool {
	var ar *alreadyReported
	if !errors.As(err, &ar) {
		return false
	}
	stored, err := v.d.Store.Melding(r.Context(), principalFrom(r.Context()).Actor().RegionID, ar.id)
	if err != nil {
		return false
	}
	w.Header().Set("Location", "/api/v1/verzuimmeldingen/"+v.s.pid(kindMelding, ar.id))
	writeJSON(w, http.StatusOK, v.toMeldingJSON(stored, ""))
	return true
}

type statusRequestJSON struct {
	Status          string `json:"status"`
	RedenAfsluiting string `json:"redenAfsluiting"`
	Afsluitnotitie  string `json:"afsluitnotitie"`
	Contactpersoon  string `json:"contactpersoon"`
}

func (v *verzuimHandlers) apiStatus(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var body statusRequestJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	m, err := v.changeStatus(r.Context(), p, id, map[string]string{"status": body.Status, "reden": body.RedenAfsluiting, "notitie": body.Afsluitnotitie, "contactpersoon": body.Contactpersoon}, audit.AccessAPI)
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		cp := *e
		cp.Field = map[string]string{"status": "status", "reden": "redenAfsluiting", "notitie": "afsluitnotitie"}[e.Field]
		return &cp
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v.toMeldingJSON(m, ""))
}

// ---- the DUO exchange through the API

// meldingDUOJSON is a melding's exchange with DUO as the API shows it (schema VerzuimmeldingDUO).
type meldingDUOJSON struct {
	MeldingID       string         `json:"meldingId"`
	Kenmerk         string         `json:"kenmerk"`
	Kanaal          string         `json:"kanaal"`
	Verzonden       bool           `json:"verzonden"`
	VerzondenOp     string         `json:"verzondenOp,omitempty"`
	Meldingsnummer  string         `json:"meldingsnummer,omitempty"`
	Status          string         `json:"status"`
	StatusSinds     string         `json:"statusSinds"`
	StatusGelezenOp string         `json:"statusGelezenOp,omitempty"`
	Weigering       *weigeringJSON `json:"weigering,omitempty"`
}

type weigeringJSON struct {
	Tekst string `json:"tekst"`
	Op    string `json:"op"`
}

func (v *verzuimHandlers) toMeldingDUOJSON(ctx context.Context, regionID int64, m absence.StoredMelding) (meldingDUOJSON, error) {
	ex, err := v.d.Store.MeldingDUO(ctx, regionID, m.ID)
	if err != nil {
		return meldingDUOJSON{}, err
	}
	out := meldingDUOJSON{MeldingID: v.s.pid(kindMelding, m.ID), Kenmerk: v.duoReference(m.ID), Kanaal: v.d.DUO.Channel(), Verzonden: ex.Sent(),
		Meldingsnummer: m.DUONumber(), Status: string(m.Status()), StatusSinds: m.StatusAt().UTC().Format(time.RFC3339)}
	if ex.Sent() {
		out.Kanaal = ex.Channel
		out.VerzondenOp = ex.SentAt.UTC().Format(time.RFC3339)
	}
	if !ex.StatusReadAt.IsZero() {
		out.StatusGelezenOp = ex.StatusReadAt.UTC().Format(time.RFC3339)
	}
	if ex.Refused() {
		out.Weigering = &weigeringJSON{Tekst: ex.Refusal, Op: ex.RefusedAt.UTC().Format(time.RFC3339)}
	}
	return out, nil
}

// apiMeldingDUO shows the melding's exchange with DUO (number, status, refusal) to the school
// that made it and to leerplicht of the pupil's gemeente, for the purpose in doel; the read is
// decided and logged like the melding's page.
func (v *verzuimHandlers) apiMeldingDUO(w http.ResponseWriter, r *http.Request) error {
	purpose, err := v.s.apiPurpose(r)
	if err != nil {
		return err
	}
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f, err := v.s.pupilFacts(ctx, p, m.PupilID, purpose)
	if err != nil {
		return err
	}
	d, err := v.s.decideWith(ctx, p, f, policy.Read, "verzuim", purpose, policy.Actor{})
	if err != nil {
		return err
	}
	pseudonym, err := v.meldingPseudonym(ctx, p, m)
	if err != nil {
		return err
	}
	if err := v.s.d.Audit.Append(ctx, p.Actor().RegionID, v.s.decisionRecord(ctx, p, pseudonym, []string{"verzuim"}, purpose, audit.ActionRead, d, meldingRef(m.ID), audit.AccessAPI, "verzuimmelding-duo-lezen")); err != nil {
		return err
	}
	if !d.Allowed {
		return denied(d)
	}
	out, err := v.toMeldingDUOJSON(ctx, p.Actor().RegionID, m)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiSendDUO sends the melding through the DUO port, as the page's button does: the file
// channel answers 200 with the export (the only file that holds the persoonsgebonden nummer), a
// channel that reaches DUO 201 with the exchange; DUO's refusal is recorded and answered 422.
func (v *verzuimHandlers) apiSendDUO(w http.ResponseWriter, r *http.Request) error {
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	rc, err := v.sendToDUO(r.Context(), p, m, audit.AccessAPI)
	var refused *duoRefused
	if errors.As(err, &refused) {
		return refused.problem()
	}
	if err != nil {
		return err
	}
	if rc.File != nil {
		w.Header().Set("API-Version", APIVersion)
		return writeExchangeFile(w, rc.File)
	}
	stored, err := v.d.Store.Melding(r.Context(), p.Actor().RegionID, m.ID)
	if err != nil {
		return err
	}
	out, err := v.toMeldingDUOJSON(r.Context(), p.Actor().RegionID, stored)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

// apiAskDUO asks DUO for the melding's status and takes it over (channels that can ask; the file
// channel answers 409: read DUO's status file).
func (v *verzuimHandlers) apiAskDUO(w http.ResponseWriter, r *http.Request) error {
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	if _, err := v.askDUO(r.Context(), p, m, audit.AccessAPI); err != nil {
		return err
	}
	stored, err := v.d.Store.Melding(r.Context(), p.Actor().RegionID, m.ID)
	if err != nil {
		return err
	}
	out, err := v.toMeldingDUOJSON(r.Context(), p.Actor().RegionID, stored)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
