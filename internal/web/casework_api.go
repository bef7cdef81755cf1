package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
)

// The API of the case steps. Creating a record (afspraak, inbreng, informatievraag) is a POST
// that answers 201 with the record's ETag; changing a record or the case itself needs If-Match
// with the ETag the client read (428 without, 412 when someone changed it meanwhile, with the
// current ETag). Errors are problem+json with the wrong field in invalidParams.

// caseAPIWrites are the write endpoints, by pattern (also used by tests that act as a user).
func (c *caseHandlers) apiWrites() map[string]handlerFunc {
	return map[string]handlerFunc{
		"POST /api/v1/casussen":                                      c.apiOpen,
		"POST /api/v1/casussen/{id}/afspraken":                       c.apiAddAgreement,
		"PATCH /api/v1/casussen/{id}/afspraken/{aid}":                c.apiPatchAgreement,
		"POST /api/v1/casussen/{id}/inbreng":                         c.apiContribute,
		"POST /api/v1/casussen/{id}/informatievragen":                c.apiAsk,
		"POST /api/v1/casussen/{id}/informatievragen/{qid}/antwoord": c.apiAnswer,
		"POST /api/v1/casussen/{id}/fase":                            c.apiCaseStep(c.stepPhase),
		"POST /api/v1/casussen/{id}/uitnodigingen":                   c.apiCaseStep(c.stepInvite),
		"POST /api/v1/casussen/{id}/uitnodiging-antwoord":            c.apiCaseStep(c.stepRespond),
		"POST /api/v1/casussen/{id}/regie-overdracht":                c.apiCaseStep(c.stepHandOver),
		"POST /api/v1/casussen/{id}/doorbraakoverleg":                c.apiCaseStep(c.stepEscalate),
		"POST /api/v1/casussen/{id}/doorbraakoverleg/besluit":        c.apiCaseStep(c.stepDecide),
		"POST /api/v1/casussen/{id}/afsluiting":                      c.apiCaseStep(c.stepClose),
	}
}

func (c *caseHandlers) mountAPISteps() {
	c.s.apiRoute("GET /api/v1/casussen/{id}/plan-van-aanpak", c.s.apiAuth(caseRoles, auth.ScopeCasussenLezen, c.inRegion(c.apiPlan)))
	for pattern, h := range c.apiWrites() {
		c.s.apiRoute(pattern, c.s.apiAuth(caseRoles, ScopeCasussen, c.inRegion(h)))
	}
}

// stale turns a conflict into 412 with the current ETag.
func stale(w http.ResponseWriter, err error, etag func(int) string) error {
	var ce *casework.ConflictError
	if errors.As(err, &ce) {
		w.Header().Set("ETag", etag(ce.Current))
		return &Error{Status: http.StatusPreconditionFailed, Title: "Tussentijds gewijzigd", Detail: ce.Error(), Err: err}
	}
	return caseError(err)
}

type afspraakJSON struct {
	ID           string `json:"id"`
	Omvang       string `json:"omvang"`
	Omschrijving string `json:"omschrijving,omitempty"`
	Eigenaar     string `json:"eigenaar,omitempty"`
	EigenaarNaam string `json:"eigenaarNaam,omitempty"`
	Datum        string `json:"datum"`
	Status       string `json:"status"`
	VoorOuders   bool   `json:"voorOuders"`
	Partij       string `json:"partij"`
	Fase         string `json:"fase"`
	Versie       int    `json:"versie"`
	ETag         string `json:"etag"`
	TeLaat       bool   `json:"teLaat"`
}

func (c *caseHandlers) agreementJSON(a casework.Agreement, scope string, now time.Time) afspraakJSON {
	out := afspraakJSON{ID: c.s.pid(kindAgreement, a.ID), Omvang: scope, Datum: a.Due.Format(time.DateOnly), Status: string(a.Status), VoorOuders: a.ForParents,
		Partij: a.AuthorParty, Fase: a.Phase, Versie: a.Version, ETag: c.s.etag(kindAgreement, a.ID, a.Version),
		TeLaat: !a.Status.Finished() && a.Due.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, a.Due.Location()))}
	if scope == casework.ScopeContent {
		out.Omschrijving, out.Eigenaar, out.EigenaarNaam = a.Description, c.s.publicRef(a.Owner), a.OwnerName
	}
	return out
}

type signaalJSON struct {
	Reden       string `json:"reden"`
	Toelichting string `json:"toelichting"`
	Sinds       string `json:"sinds"`
}

func signalsJSON(ts []casework.Trigger) []signaalJSON {
	out := []signaalJSON{}
	for _, t := range ts {
		out = append(out, signaalJSON{Reden: t.Reason, Toelichting: t.Detail, Sinds: t.Since.Format(time.DateOnly)})
	}
	return out
}

// apiPlan is the plan van aanpak: the agreements the caller may see, and the signals to
// escalate to the doorbraakoverleg.
func (c *caseHandlers) apiPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	v, err := c.svc(r.Context()).View(r.Context(), region, op, id)
	if err != nil {
		return caseError(err)
	}
	out := struct {
		Casus     string         `json:"casus"`
		Fase      string         `json:"fase"`
		Afspraken []afspraakJSON `json:"afspraken"`
		Verborgen int            `json:"verborgen"`
		Signalen  []signaalJSON  `json:"opschaalSignalen"`
	}{Casus: c.s.pid(kindCase, id), Fase: v.Case.Phase, Afspraken: []afspraakJSON{}, Verborgen: v.Hidden, Signalen: signalsJSON(v.Triggers)}
	for _, a := range v.Agreements {
		out.Afspraken = append(out.Afspraken, c.agreementJSON(a.Item, a.Scope, c.s.now()))
	}
	w.Header().Set("ETag", c.s.etag(kindCase, v.Case.ID, v.Case.Version))
	return writeJSON(w, http.StatusOK, out)
}

type afspraakInJSON struct {
	Omschrijving *string `json:"omschrijving"`
	Eigenaar     *string `json:"eigenaar"`
	Datum        *string `json:"datum"`
	Status       *string `json:"status"`
	VoorOuders   *bool   `json:"voorOuders"`
}

func (b afspraakInJSON) input(s *Server) (casework.AgreementInput, error) {
	in := casework.AgreementInput{Description: b.Omschrijving, ForParents: b.VoorOuders}
	if b.Eigenaar != nil {
		ref, err := s.openRef(*b.Eigenaar, "eigenaar")
		if err != nil {
			return in, err
		}
		in.Owner = &ref
	}
	if b.Status != nil {
		s := casework.AgreementStatus(*b.Status)
		in.Status = &s
	}
	if b.Datum != nil {
		d, err := time.Parse(time.DateOnly, *b.Datum)
		if err != nil {
			return in, badField("datum", "geef de datum als JJJJ-MM-DD")
		}
		in.Due = &d
	}
	return in, nil
}

func (c *caseHandlers) apiAddAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body afspraakInJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Omschrijving == nil || body.Eigenaar == nil || body.Datum == nil {
		return badField(firstMissing(map[string]bool{"omschrijving": body.Omschrijving == nil, "eigenaar": body.Eigenaar == nil, "datum": body.Datum == nil}), "omschrijving, eigenaar en datum zijn verplicht")
	}
	in, err := body.input(c.s)
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	a, err := c.svc(r.Context()).AddAgreement(r.Context(), region, op, id, in)
	if err != nil {
		return caseError(err)
	}
	w.Header().Set("ETag", c.s.etag(kindAgreement, a.ID, a.Version))
	w.Header().Set("Location", "/api/v1/casussen/"+c.s.pid(kindCase, id)+"/afspraken/"+c.s.pid(kindAgreement, a.ID))
	return writeJSON(w, http.StatusCreated, c.agreementJSON(*a, casework.ScopeContent, c.s.now()))
}

func firstMissing(m map[string]bool) string {
	for _, k := range []string{"omschrijving", "eigenaar", "datum"} {
		if m[k] {
			return k
		}
	}
	return ""
}

// apiPatchAgreement changes the fields sent (a status alone is a progress report).
func (c *caseHandlers) apiPatchAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	version, err := c.s.ifMatch(r, kindAgreement, aid, "afspraak")
	if err != nil {
		return err
	}
	var body afspraakInJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in, err := body.input(c.s)
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	a, err := c.svc(r.Context()).UpdateAgreement(r.Context(), region, op, id, aid, version, in)
	if err != nil {
		return stale(w, err, func(v int) string { return c.s.etag(kindAgreement, aid, v) })
	}
	w.Header().Set("ETag", c.s.etag(kindAgreement, a.ID, a.Version))
	return writeJSON(w, http.StatusOK, c.agreementJSON(*a, casework.ScopeContent, c.s.now()))
}

func (c *caseHandlers) apiContribute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Categorie string `json:"categorie"`
		Tekst     string `json:"tekst"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	x, err := c.svc(r.Context()).Contribute(r.Context(), region, op, id, body.Categorie, body.Tekst)
	if err != nil {
		return caseError(err)
	}
	return writeJSON(w, http.StatusCreated, casusItemJSON{ID: c.s.pid(kindContribution, x.ID), Omvang: x.Scope, Tekst: x.Text, Partij: x.Party, Categ: x.Category})
}

type vraagJSON struct {
	ID         string `json:"id"`
	Aan        string `json:"aan"`
	Categorie  string `json:"categorie"`
	Vraag      string `json:"vraag"`
	Omvang     string `json:"omvang"` // what the answer may hold: buitenkant or inhoud
	Waarom     string `json:"waarom"`
	Antwoord   string `json:"antwoord,omitempty"`
	Beantwoord bool   `json:"beantwoord"`
}

func (c *caseHandlers) questionJSON(q casework.InfoRequest) vraagJSON {
	return vraagJSON{ID: c.s.pid(kindQuestion, q.ID), Aan: c.s.publicRef(q.To), Categorie: q.Category, Vraag: q.Question, Omvang: q.Scope, Waarom: q.ScopeWhy,
		Antwoord: q.Answer, Beantwoord: !q.AnsweredAt.IsZero()}
}

func (c *caseHandlers) apiAsk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		Aan       string `json:"aan"`
		Categorie string `json:"categorie"`
		Vraag     string `json:"vraag"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	to, err := c.s.openRef(body.Aan, "aan")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	q, err := c.svc(r.Context()).Ask(r.Context(), region, op, id, to, body.Categorie, body.Vraag)
	if err != nil {
		return caseError(err)
	}
	return writeJSON(w, http.StatusCreated, c.questionJSON(*q))
}

func (c *caseHandlers) apiAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	qid, err := pathID(r, "qid")
	if err != nil {
		return err
	}
	var body struct {
		Antwoord string `json:"antwoord"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	q, err := c.svc(r.Context()).Answer(r.Context(), region, op, id, qid, body.Antwoord)
	if err != nil {
		return caseError(err)
	}
	return writeJSON(w, http.StatusOK, c.questionJSON(*q))
}

// ---- steps on the case itself (If-Match: the case's ETag)

// caseStep decodes its body and runs one step on the case.
type caseStep func(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error)

func (c *caseHandlers) apiCaseStep(step caseStep) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		version, err := c.s.ifMatch(r, kindCase, id, "casus")
		if err != nil {
			return err
		}
		op, region := c.op(r, audit.AccessAPI)
		op.ExpectVersion = version
		k, err := step(r, region, op, id)
		if err != nil {
			return stale(w, err, func(v int) string { return c.s.etag(kindCase, id, v) })
		}
		w.Header().Set("ETag", c.s.etag(kindCase, k.ID, k.Version))
		out := map[string]any{"id": c.s.pid(kindCase, k.ID), "versie": k.Version, "soort": k.Type, "fase": k.Phase, "href": "/api/v1/casussen/" + c.s.pid(kindCase, k.ID)}
		if e := k.Escalation; e != nil {
			out["doorbraakoverleg"] = map[string]string{"reden": e.Reason, "toelichting": e.Detail, "doorzettingsmacht": e.Holder.Name + ", " + e.Holder.Function, "besluit": e.Decision}
		}
		if k.Closure != nil {
			out["resultaat"] = k.Closure.Result
		}
		return writeJSON(w, http.StatusOK, out)
	}
}

func (c *caseHandlers) stepPhase(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Fase        string `json:"fase"`
		Toelichting string `json:"toelichting"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	return c.svc(r.Context()).Advance(r.Context(), region, op, id, body.Fase, body.Toelichting)
}

func (c *caseHandlers) stepInvite(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	return c.svc(r.Context()).InviteFamily(r.Context(), region, op, id)
}

func (c *caseHandlers) stepRespond(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Deelnemer    string `json:"deelnemer"`
		Geaccepteerd *bool  `json:"geaccepteerd"`
		Toelichting  string `json:"toelichting"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	if body.Geaccepteerd == nil {
		return nil, badField("geaccepteerd", "zeg of de uitnodiging is aangenomen (true) of geweigerd (false)")
	}
	who, err := c.s.openRef(body.Deelnemer, "deelnemer")
	if err != nil {
		return nil, err
	}
	return c.svc(r.Context()).Respond(r.Context(), region, op, id, who, *body.Geaccepteerd, body.Toelichting)
}

func (c *caseHandlers) stepHandOver(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Soort       string `json:"soort"`
		Naar        string `json:"naar"`
		Toelichting string `json:"toelichting"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	to, err := c.s.rowID(kindUser, body.Naar, "naar")
	if err != nil {
		return nil, err
	}
	return c.svc(r.Context()).HandOver(r.Context(), region, op, id, casework.RegieKind(body.Soort), to, body.Toelichting)
}

func (c *caseHandlers) stepEscalate(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Reden              string `json:"reden"`
		Toelichting        string `json:"toelichting"`
		Onderwijsconsulent string `json:"onderwijsconsulent"`
		Doorzettingsmacht  struct {
			Naam    string `json:"naam"`
			Functie string `json:"functie"`
		} `json:"doorzettingsmacht"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	consultant, err := c.s.rowID(kindUser, body.Onderwijsconsulent, "onderwijsconsulent")
	if err != nil {
		return nil, err
	}
	return c.svc(r.Context()).Escalate(r.Context(), region, op, id, casework.EscalateRequest{Reason: body.Reden, Detail: body.Toelichting,
		ConsultantID: consultant, Holder: casework.Doorzettingsmacht{Name: body.Doorzettingsmacht.Naam, Function: body.Doorzettingsmacht.Functie}})
}

func (c *caseHandlers) stepDecide(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Besluit string `json:"besluit"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	return c.svc(r.Context()).DecideBreakthrough(r.Context(), region, op, id, body.Besluit)
}

func (c *caseHandlers) stepClose(r *http.Request, region int64, op casework.Op, id int64) (*casework.Case, error) {
	var body struct {
		Resultaat   string `json:"resultaat"`
		Toelichting string `json:"toelichting"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return nil, err
	}
	return c.svc(r.Context()).Close(r.Context(), region, op, id, body.Resultaat, body.Toelichting)
}
