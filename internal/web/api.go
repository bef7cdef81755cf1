package web

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// apiAuth authenticates an API call: a bearer token of an organisation's API client (which must
// hold scope), or, for reading (GET), the session cookie of a signed-in user. The role must be
// one of roles.
func (s *Server) apiAuth(roles []string, scope string, h handlerFunc) handlerFunc {
	s.table.guarded(roles, scope)
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "no-store")
		var p *Principal
		if authz := r.Header.Get("Authorization"); authz != "" {
			tok, ok := strings.CutPrefix(authz, "Bearer ")
			if !ok || !strings.HasPrefix(tok, auth.APITokenPrefix) || len(tok) > 200 {
				return errUnauthorised
			}
			c, err := s.d.Accounts.APIClientByToken(r.Context(), auth.HashToken(tok))
			if errors.Is(err, auth.ErrNoAccount) || (err == nil && c.Revoked) {
				return errUnauthorised
			}
			if err != nil {
				return err
			}
			if !c.HasScope(scope) {
				return &Error{Status: http.StatusForbidden, Title: "Geen toegang", Detail: "Dit token heeft de scope " + scope + " niet."}
			}
			p = &Principal{Client: &c}
		} else {
			if r.Method != http.MethodGet {
				return errUnauthorised
			}
			sess, acc, err := s.loadSessionAccount(r)
			if err != nil {
				return err
			}
			if p, err = s.principal(r, sess, acc); err != nil {
				return err
			}
			if p == nil {
				return errUnauthorised
			}
		}
		if !contains(roles, p.Role()) {
			return errForbidden
		}
		// From here on the request's statements see only the caller's region (row-level
		// security on PostgreSQL).
		r = r.WithContext(storage.WithRegion(context.WithValue(r.Context(), keyPrincipal, p), p.Actor().RegionID))
		// Public ids in the path become row numbers (after authentication: a caller without
		// access learns nothing from 404 versus 403).
		if err := s.openPathIDs(r); err != nil {
			return err
		}
		return h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decodeJSON reads a JSON request body into v: the content type must be JSON, unknown fields
// are refused (naming the field); a body above the limit (limitBodies) is a 413.
func decodeJSON(r *http.Request, v any) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		return &Error{Status: http.StatusUnsupportedMediaType, Title: "Verkeerd formaat", Detail: "Stuur de gegevens als application/json."}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return errTooLarge(tooLarge.Limit)
		case errors.As(err, &te):
			return badField(te.Field, "het veld "+te.Field+" heeft het verkeerde type")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return badField(f, "het veld "+f+" is onbekend")
		}
		return badField("", "de body is geen geldige JSON")
	}
	return nil
}

type healthJSON struct {
	Status string `json:"status"`
	Versie string `json:"versie"`
}

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if s.d.Ready != nil {
		if err := s.d.Ready(r.Context()); err != nil {
			return &Error{Status: http.StatusServiceUnavailable, Title: "Niet gereed", Detail: "De server kan nu geen verzoeken behandelen.", Err: err}
		}
	}
	return writeJSON(w, http.StatusOK, healthJSON{Status: "gezond", Versie: APIVersion})
}

// ---- leerlingen

type pupilSummaryJSON struct {
	ID            string    `json:"id"`
	Voornaam      string    `json:"voornaam"`
	Achternaam    string    `json:"achternaam"`
	Geboortedatum string    `json:"geboortedatum"`
	School        string    `json:"school,omitempty"`
	Leerjaar      string    `json:"leerjaar,omitempty"`
	Relaties      []string  `json:"relaties"`
	Links         linksJSON `json:"_links"`
}

type linkJSON struct {
	Href string `json:"href"`
}

type linksJSON struct {
	Self linkJSON `json:"self"`
}

type pageLinksJSON struct {
	Self  linkJSON  `json:"self"`
	First linkJSON  `json:"first"`
	Last  linkJSON  `json:"last"`
	Prev  *linkJSON `json:"prev,omitempty"`
	Next  *linkJSON `json:"next,omitempty"`
}

type pupilListJSON struct {
	pageJSON
	Embedded struct {
		Leerlingen []pupilSummaryJSON `json:"leerlingen"`
	} `json:"_embedded"`
}

// pageJSON is the paging part of every list response (HAL, as the Dutch API Design Rules show):
// links to this, the first, the last, the previous and the next page, and the numbers.
type pageJSON struct {
	Links     pageLinksJSON `json:"_links"`
	Pagina    int           `json:"pagina"`
	PerPagina int           `json:"perPagina"`
	Totaal    int           `json:"totaal"`
	Paginas   int           `json:"paginas"`
}

// pageOf builds the paging part for page pg of total items; the links keep r's other query
// parameters.
func pageOf(r *http.Request, pg dossier.Page, total int) pageJSON {
	out := pageJSON{Pagina: pg.Number, PerPagina: pg.Size, Totaal: total, Paginas: (total + pg.Size - 1) / pg.Size}
	link := func(n int) linkJSON {
		q := r.URL.Query()
		q.Set("pagina", strconv.Itoa(n))
		q.Set("perPagina", strconv.Itoa(pg.Size))
		return linkJSON{r.URL.Path + "?" + q.Encode()}
	}
	out.Links = pageLinksJSON{Self: link(pg.Number), First: link(1), Last: link(max(out.Paginas, 1))}
	if pg.Number > 1 {
		l := link(min(pg.Number-1, max(out.Paginas, 1)))
		out.Links.Prev = &l
	}
	if pg.Number < out.Paginas {
		l := link(pg.Number + 1)
		out.Links.Next = &l
	}
	return out
}

// apiPage reads pagina and perPagina (default 20, at most 100).
func apiPage(r *http.Request) (dossier.Page, error) { return pageParams(r, "perPagina", 20, 100) }

// pageSlice returns the items of page pg.
func pageSlice[T any](items []T, pg dossier.Page) []T {
	from := min(pg.Offset(), len(items))
	return items[from:min(from+pg.Size, len(items))]
}

func (s *Server) pupilHref(id int64) string { return "/api/v1/leerlingen/" + s.pid(kindPupil, id) }

func relationCodes(rels []dossier.RelationKind) []string {
	out := make([]string, 0, len(rels))
	for _, r := range rels {
		out = append(out, string(r))
	}
	return out
}

// apiPupilList lists the pupils the caller holds a recognised relation with. It shows
// identification data (name, date of birth), so it asks the policy for that category under the
// purpose in `doel` and records the listing in the audit trail (one record, no single pupil).
func (s *Server) apiPupilList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose, err := s.apiPurpose(r)
	if err != nil {
		return err
	}
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	a := p.Actor()
	if _, denied := s.nameGate(r.Context(), p, purpose); denied != nil {
		if err := s.audit(r.Context(), p, "", "identificatie", purpose, *denied, Facts{}, audit.AccessAPI, "leerlingen-lijst"); err != nil {
			return err
		}
		return &Error{Status: http.StatusForbidden, Title: "Geen toegang", Detail: denied.Reason}
	}
	list, total, err := s.d.Dossiers.VisiblePupils(r.Context(), a, s.today(), "", pg)
	if err != nil {
		return err
	}
	list, shown, err := s.gateNames(r.Context(), p, purpose, list)
	if err != nil {
		return err
	}
	if err := s.auditNames(r.Context(), p, shown, purpose, audit.AccessAPI, "leerlingen-lijst"); err != nil {
		return err
	}
	out := pupilListJSON{pageJSON: pageOf(r, pg, total)}
	out.Embedded.Leerlingen = []pupilSummaryJSON{}
	for _, l := range list {
		out.Embedded.Leerlingen = append(out.Embedded.Leerlingen, pupilSummaryJSON{ID: s.pid(kindPupil, l.ID), Voornaam: l.FirstName, Achternaam: l.LastName,
			Geboortedatum: l.BirthDate, School: l.SchoolName, Leerjaar: l.Year, Relaties: relationCodes(l.Relations), Links: linksJSON{Self: linkJSON{s.pupilHref(l.ID)}}})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPurpose(r *http.Request) (string, error) {
	d := r.URL.Query().Get("doel")
	if d == "" {
		return "", badField("doel", "geef het doel op waarvoor u de gegevens nodig heeft (doel)")
	}
	if !hasCode(s.vocabOf(principalFrom(r.Context())).Purposes, d) {
		return "", badField("doel", "onbekend doel; gebruik een doel uit het convenant")
	}
	return d, nil
}

type blockJSON struct {
	Categorie      string `json:"categorie"`
	Toegestaan     bool   `json:"toegestaan"`
	Grondslag      string `json:"grondslag,omitempty"`
	GrondslagTekst string `json:"grondslagTekst,omitempty"`
	Artikel        string `json:"artikel,omitempty"`
	Reden          string `json:"reden,omitempty"`
}

type enrolmentJSON struct {
	School         string `json:"school"`
	Brin           string `json:"brin,omitempty"`
	Leerlingnummer string `json:"leerlingnummer"`
	Van            string `json:"van"`
	Tot            string `json:"tot,omitempty"`
	Leerjaar       string `json:"leerjaar"`
}

type guardianJSON struct {
	Naam     string `json:"naam"`
	Relatie  string `json:"relatie"`
	Gezag    bool   `json:"gezag"`
	Email    string `json:"email,omitempty"`
	Telefoon string `json:"telefoon,omitempty"`
}

type dossierSignalJSON struct {
	Soort      string  `json:"soort"`
	Van        string  `json:"van"`
	Tot        string  `json:"tot"`
	Uren       float64 `json:"uren"`
	Dagen      int     `json:"dagen"`
	Bron       string  `json:"bron"`
	Prioriteit bool    `json:"prioriteit"`
}

type dossierMeldingJSON struct {
	Soort  string `json:"soort"`
	Vanaf  string `json:"vanaf"`
	Status string `json:"status"`
}

type dossierConsentJSON struct {
	Status      string   `json:"status"`
	Doelen      []string `json:"doelen"`
	Van         string   `json:"van"`
	Tot         string   `json:"tot,omitempty"`
	Ingetrokken bool     `json:"ingetrokken"`
	Kanaal      string   `json:"kanaal"`
}

type pupilJSON struct {
	ID             string               `json:"id"`
	Doel           string               `json:"doel"`
	Relaties       []string             `json:"relaties"`
	Blokken        []blockJSON          `json:"blokken"`
	Voornaam       string               `json:"voornaam,omitempty"`
	Achternaam     string               `json:"achternaam,omitempty"`
	Geboortedatum  string               `json:"geboortedatum,omitempty"`
	Inschrijvingen []enrolmentJSON      `json:"inschrijvingen,omitempty"`
	Ouders         []guardianJSON       `json:"ouders,omitempty"`
	Signalen       []dossierSignalJSON  `json:"verzuimsignalen,omitempty"`
	Meldingen      []dossierMeldingJSON `json:"verzuimmeldingen,omitempty"`
	Toestemmingen  []dossierConsentJSON `json:"toestemmingen,omitempty"`
	Links          linksJSON            `json:"_links"`
}

func (s *Server) apiPupil(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	purpose, err := s.apiPurpose(r)
	if err != nil {
		return err
	}
	v, err := s.readPupil(r.Context(), p, id, purpose, audit.AccessAPI)
	if err != nil {
		return err
	}
	if !v.anyAllowed() {
		return &Error{Status: http.StatusForbidden, Title: "Geen toegang", Detail: v.Blocks[0].Answer.Reason}
	}
	out := pupilJSON{ID: s.pid(kindPupil, id), Doel: purpose, Relaties: relationCodes(v.Relations), Links: linksJSON{Self: linkJSON{s.pupilHref(id)}}}
	for _, b := range v.Blocks {
		bj := blockJSON{Categorie: b.Category, Toegestaan: b.Allowed}
		if b.Allowed {
			bj.Grondslag, bj.GrondslagTekst, bj.Artikel = b.Answer.Ground, b.Answer.GroundText, b.Answer.Article
		} else {
			bj.Reden = b.Answer.Reason
		}
		out.Blokken = append(out.Blokken, bj)
	}
	if v.allowed("identificatie") {
		out.Voornaam, out.Achternaam, out.Geboortedatum = v.Pupil.FirstName, v.Pupil.LastName, v.Pupil.BirthDate
	}
	if v.allowed("onderwijs") {
		for _, e := range v.Pupil.Enrolments {
			out.Inschrijvingen = append(out.Inschrijvingen, enrolmentJSON{School: e.SchoolName, Brin: e.BRIN, Leerlingnummer: e.Number, Van: e.From, Tot: e.To, Leerjaar: e.Year})
		}
	}
	if v.allowed("contact") {
		for _, g := range v.Pupil.Guardians {
			out.Ouders = append(out.Ouders, guardianJSON{Naam: g.Name, Relatie: g.Relation, Gezag: g.Gezag, Email: g.Email, Telefoon: g.Phone})
		}
	}
	for _, sg := range v.Pupil.Signals {
		out.Signalen = append(out.Signalen, dossierSignalJSON{Soort: sg.Kind, Van: sg.From, Tot: sg.To, Uren: sg.Hours, Dagen: sg.Days, Bron: sg.Source, Prioriteit: sg.Priority})
	}
	for _, m := range v.Pupil.Meldingen {
		out.Meldingen = append(out.Meldingen, dossierMeldingJSON{Soort: m.Kind, Vanaf: m.From, Status: m.Status})
	}
	for _, c := range v.Pupil.Consents {
		out.Toestemmingen = append(out.Toestemmingen, dossierConsentJSON{Status: c.Status, Doelen: nonNil(c.Purposes), Van: c.From, Tot: c.To, Ingetrokken: c.Withdrawn, Kanaal: c.Channel})
	}
	return writeJSON(w, http.StatusOK, out)
}

// ---- mag ik dit delen

type partyRoleJSON struct {
	Partij string `json:"partij"`
	Rol    string `json:"rol"`
}

type shareContextJSON struct {
	DuoMelding  bool   `json:"duoMelding"`
	Toestemming bool   `json:"toestemming"`
	Casusfase   string `json:"casusfase"`
	Niveau      string `json:"niveau"`
	// The facts the rules of age, enrolment and the Verwijsindex need (as in `grondslag mag`).
	Leeftijd         *int     `json:"leeftijd"`
	Geboortedatum    string   `json:"geboortedatum"`
	Peildatum        string   `json:"peildatum"`
	ToestemmingDoor  []string `json:"toestemmingDoor"`
	Ingeschreven     *bool    `json:"ingeschreven"`
	Verwijsindex     bool     `json:"verwijsindex"`
	TLVOfArrangement bool     `json:"tlvOfArrangement"`
}

// shareFieldNames maps the policy's field names (as `grondslag mag` writes them) to the API's.
var shareFieldNames = strings.NewReplacer("duo_melding", "duoMelding", "toestemming_door", "toestemmingDoor", "tlv_of_arrangement", "tlvOfArrangement")

// policyContext reads the context of a "mag ik dit delen?" question: the day is today (Dutch
// calendar) unless peildatum names another, and the pupil's age is the one given or counted
// from geboortedatum on that day — checked by the same code as `grondslag mag`.
func (c shareContextJSON) policyContext(level string, today civil.Date) (policy.Context, error) {
	x := policy.Context{DUOMelding: c.DuoMelding, Consent: c.Toestemming, Phase: c.Casusfase, Level: level}
	in := policy.ContextJSON{DUOMelding: c.DuoMelding, Toestemming: c.Toestemming, Leeftijd: c.Leeftijd, Geboortedatum: c.Geboortedatum,
		Peildatum: c.Peildatum, ToestemmingDoor: c.ToestemmingDoor, Ingeschreven: c.Ingeschreven, Verwijsindex: c.Verwijsindex, TLVOfArrangement: c.TLVOfArrangement}
	if in.Peildatum == "" {
		in.Peildatum = today.String()
	}
	if err := in.Facts(&x); err != nil {
		var re *policy.RequestError
		if errors.As(err, &re) {
			return x, badField(shareFieldNames.Replace(re.Field), re.Why)
		}
		return x, err
	}
	return x, nil
}

type shareRequestJSON struct {
	Actor     partyRoleJSON    `json:"actor"`
	Handeling string           `json:"handeling"`
	Categorie string           `json:"categorie"`
	Doel      string           `json:"doel"`
	Ontvanger *partyRoleJSON   `json:"ontvanger"`
	Context   shareContextJSON `json:"context"`
}

type shareAnswerJSON struct {
	Toegestaan     bool     `json:"toegestaan"`
	Grondslag      string   `json:"grondslag"`
	GrondslagTekst string   `json:"grondslagTekst"`
	Artikel        string   `json:"artikel"`
	Voorwaarden    []string `json:"voorwaarden"`
	Plichten       []string `json:"plichten"`
	Reden          string   `json:"reden"`
}

func (s *Server) apiShare(w http.ResponseWriter, r *http.Request) error {
	var req shareRequestJSON
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	v := s.vocabOf(principalFrom(r.Context()))
	switch {
	case !hasCode(v.Parties, req.Actor.Partij):
		return badField("actor.partij", "onbekende partij")
	case !isRole(v, req.Actor.Partij, req.Actor.Rol):
		return badField("actor.rol", "deze rol hoort niet bij de partij")
	case !contains([]string{ActLezen, ActVastleggen, ActVerstrekken}, req.Handeling):
		return badField("handeling", "gebruik lezen, vastleggen of verstrekken")
	case !hasCode(v.Categories, req.Categorie):
		return badField("categorie", "onbekende categorie")
	case !hasCode(v.Purposes, req.Doel):
		return badField("doel", "onbekend doel")
	case req.Handeling == ActVerstrekken && (req.Ontvanger == nil || !isRole(v, req.Ontvanger.Partij, req.Ontvanger.Rol)):
		return badField("ontvanger", "geef de ontvanger op met een bekende partij en rol")
	case req.Context.Casusfase != "" && !hasCode(v.Phases, req.Context.Casusfase):
		return badField("context.casusfase", "onbekende fase")
	}
	lvl := req.Context.Niveau
	if lvl == "" {
		lvl = "persoon"
	}
	if lvl != "persoon" && lvl != "school" {
		return badField("context.niveau", "gebruik persoon of school")
	}
	pc, err := req.Context.policyContext(lvl, civil.Today(s.now()))
	if err != nil {
		return err
	}
	q := policy.Request{Actor: policy.Actor{Party: req.Actor.Partij, Role: req.Actor.Rol}, Action: policy.Action(req.Handeling), Category: req.Categorie, Purpose: req.Doel,
		Context: pc}
	if req.Ontvanger != nil {
		q.Recipient = policy.Actor{Party: req.Ontvanger.Partij, Role: req.Ontvanger.Rol}
	}
	// A question about no pupil: asked at the region's decision point without a log entry.
	d, err := s.ask(r.Context(), principalFrom(r.Context()).Actor().RegionID, access.Request{Request: q})
	if err != nil {
		return err
	}
	ans := answerOf(d)
	out := shareAnswerJSON{Toegestaan: ans.Allowed, Grondslag: ans.Ground, GrondslagTekst: ans.GroundText, Artikel: ans.Article,
		Voorwaarden: nonNil(ans.Conditions), Plichten: nonNil(ans.Obligations), Reden: ans.Reason}
	return writeJSON(w, http.StatusOK, out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
