package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
)

// ScopeCasussen is the API scope for writing in casussen (verslagen) with a token.
const ScopeCasussen = auth.ScopeCasussenVastleggen

// caseRoles may take part in a casusoverleg (the policy and the case then decide what they see).
var caseRoles = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleLeerplicht, auth.RoleSWVConsulent,
	auth.RoleOnderwijsconsul, auth.RoleJeugdarts, auth.RoleJeugdhulpverlener}

// MountCasework adds the casusoverleg pages (/casussen…) and API (/api/v1/casussen…) to the
// server, backed by svc. cmd/grondslag calls it after New when the casework service is wired.
func (s *Server) MountCasework(services CaseworkServices) {
	c := &caseHandlers{s: s, services: services}
	s.apiRoute("GET /api/v1/onderwijsconsulenten", s.apiAuth(caseRoles, auth.ScopeCasussenLezen, c.apiConsultants))
	withParent := append([]string{auth.RoleOuder}, caseRoles...)
	s.page("GET /casussen", s.requireUser(withParent, c.inRegion(c.list)))
	s.page("GET /casussen/{id}", s.requireUser(withParent, c.inRegion(c.page)))
	s.page("GET /casussen/nieuw", s.requireUser(caseOpenerRoles, c.inRegion(c.newForm)))
	s.page("POST /casussen", s.requireUser(caseOpenerRoles, c.inRegion(c.create)))
	s.page("POST /casussen/{id}/verslagen", s.requireUser(caseRoles, c.inRegion(c.writeMinutes)))
	s.page("POST /casussen/{id}/verslagen/{vid}", s.requireUser(caseRoles, c.inRegion(c.updateMinutes)))
	s.page("POST /casussen/{id}/fase", s.requireUser(caseRoles, c.inRegion(c.advance)))
	s.page("GET /casussen/{id}/plan-van-aanpak", s.requireUser(withParent, c.inRegion(c.plan)))
	s.page("POST /casussen/{id}/afspraken", s.requireUser(caseRoles, c.inRegion(c.addAgreement)))
	s.page("POST /casussen/{id}/afspraken/{aid}", s.requireUser(withParent, c.inRegion(c.updateAgreement))) // an owning parent reports progress
	s.page("POST /casussen/{id}/inbreng", s.requireUser(caseRoles, c.inRegion(c.contribute)))
	s.page("POST /casussen/{id}/vragen", s.requireUser(caseRoles, c.inRegion(c.ask)))
	s.page("POST /casussen/{id}/vragen/{qid}/antwoord", s.requireUser(caseRoles, c.inRegion(c.answer)))
	s.page("POST /casussen/{id}/deelnemers", s.requireUser(caseRoles, c.inRegion(c.addParticipant)))
	s.page("POST /casussen/{id}/uitnodigen", s.requireUser(caseRoles, c.inRegion(c.invite)))
	s.page("POST /casussen/{id}/uitnodiging", s.requireUser(withParent, c.inRegion(c.respond)))
	s.page("POST /casussen/{id}/regie", s.requireUser(caseRoles, c.inRegion(c.handOver)))
	s.page("POST /casussen/{id}/opschalen", s.requireUser(caseRoles, c.inRegion(c.escalate)))
	s.page("POST /casussen/{id}/doorbraakbesluit", s.requireUser(caseRoles, c.inRegion(c.decide)))
	s.page("POST /casussen/{id}/afsluiten", s.requireUser(caseRoles, c.inRegion(c.closeCase)))
	s.apiRoute("GET /api/v1/casussen", s.apiAuth(caseRoles, auth.ScopeCasussenLezen, c.inRegion(c.apiList)))
	s.apiRoute("GET /api/v1/casussen/{id}", s.apiAuth(caseRoles, auth.ScopeCasussenLezen, c.inRegion(c.apiCase)))
	s.apiRoute("PUT /api/v1/casussen/{id}/verslagen/{vid}", s.apiAuth(caseRoles, ScopeCasussen, c.inRegion(c.apiPutMinutes)))
	c.mountAPISteps()
	s.documentCasework()
	s.documentConsultants()
}

type caseHandlers struct {
	s        *Server
	services CaseworkServices
}

// CaseworkServices gives the casework service of a region (the region registry): each region's
// cases are served with its own convenant and keys.
type CaseworkServices interface {
	Casework(ctx context.Context, regionID int64) (*casework.Service, error)
}

type keyCasework struct{}

// inRegion resolves the signed-in principal's region's casework service for h.
func (c *caseHandlers) inRegion(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalFrom(r.Context())
		if p == nil {
			return errUnauthorised
		}
		svc, err := c.services.Casework(r.Context(), p.Actor().RegionID)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), keyCasework{}, svc)))
	}
}

// svc is the casework service of the request's region (set by inRegion on every casework route).
func (c *caseHandlers) svc(ctx context.Context) *casework.Service {
	svc, _ := ctx.Value(keyCasework{}).(*casework.Service)
	if svc == nil {
		panic("web: casework route without inRegion")
	}
	return svc
}

// op is the request as a casework operation.
func (c *caseHandlers) op(r *http.Request, point audit.AccessPoint) (casework.Op, int64) {
	p := principalFrom(r.Context())
	a := p.Actor()
	ca := casework.Actor{Kind: casework.KindProfessional, UserID: a.UserID, OrganisationID: a.OrgID, Party: a.Party, Role: a.Role, Name: p.DisplayName()}
	if p.Client != nil {
		ca.ClientID = p.Client.ID
	}
	if a.ParentID != 0 {
		ca = casework.Actor{Kind: casework.KindParent, ParentID: a.ParentID, Name: p.DisplayName()}
	}
	return casework.Op{Actor: ca, Point: point, RequestID: requestID(r.Context()), Trace: traceContext(r.Context()), Foreign: foreignOperation(r.Context(), p)}, a.RegionID
}

// caseError maps the casework sentinels to HTTP, in one place.
func caseError(err error) error {
	var ce *casework.ConflictError
	var te *casework.TransitionError
	var de *casework.DeniedError
	var fe *casework.FieldError
	switch {
	case errors.As(err, &ce):
		return &Error{Status: http.StatusConflict, Title: "Tussentijds gewijzigd", Detail: ce.Error(), Err: err}
	case errors.As(err, &te):
		return &Error{Status: http.StatusConflict, Title: "Faseovergang niet toegestaan", Detail: te.Error(), Field: "fase", Err: err}
	case errors.As(err, &de) && de.NotParticipant:
		// A case the user takes no part in answers as if it did not exist.
		return errNotFound
	case errors.As(err, &de):
		return &Error{Status: http.StatusForbidden, Title: "Niet toegestaan", Detail: de.Reason, Err: err}
	case errors.As(err, &fe):
		return badField(fe.Field, fe.Msg)
	case errors.Is(err, casework.ErrClosed):
		return &Error{Status: http.StatusConflict, Title: "Casus afgesloten", Detail: "Deze casus is afgesloten en neemt geen wijzigingen meer aan.", Err: err}
	case errors.Is(err, casework.ErrNotFound):
		return errNotFound
	}
	return err
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func (c *caseHandlers) page(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	v, err := c.svc(r.Context()).View(r.Context(), region, op, id)
	if err != nil {
		return caseError(err)
	}
	return c.s.render(w, r, "casus", c.s.caseTitle(id), c.pageData(r, v, nil))
}

func (c *caseHandlers) pageData(r *http.Request, v *casework.View, extra map[string]any) map[string]any {
	maskPupil(v, principalFrom(r.Context()).Role() == auth.RoleOuder)
	names := map[int64]string{}
	for _, p := range v.Case.Participants {
		if p.Kind == casework.KindProfessional {
			names[p.UserID] = p.Name
		}
	}
	var regie []map[string]string
	for _, k := range casework.RegieKinds {
		if h := v.Case.RegieHolder(k); h != 0 {
			regie = append(regie, map[string]string{"soort": k.Label(), "naam": names[h]})
		}
	}
	d := map[string]any{
		"v": v, "c": v.Case, "regie": regie, "hint": casework.MinutesHint,
		"magVerslag": v.MayBringIn[casework.CatMinutes] == casework.ScopeContent,
		"vandaag":    c.s.today(),
	}
	d["tijdlijn"] = timeline(v.Case, names)
	c.stepData(r, v, names, d)
	for k, val := range extra {
		d[k] = val
	}
	return d
}

func (c *caseHandlers) writeMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	day, err := parseDay("datum", r.PostFormValue("datum"))
	if err == nil {
		_, err = c.svc(r.Context()).WriteMinutes(r.Context(), region, op, id, casework.MinutesInput{MeetingOn: day, Text: r.PostFormValue("tekst"), ForParents: r.PostFormValue("voor_ouders") == "ja"})
	}
	return c.formDone(w, r, id, "verslag", err)
}

// updateMinutes saves an edit made at the version in the form. On a conflict the page is shown
// again with the current minutes and the writer's own text, so nothing is lost.
func (c *caseHandlers) updateMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "vid")
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PostFormValue("versie"))
	if err != nil || version <= 0 {
		return badField("versie", "De versie van het verslag ontbreekt.")
	}
	op, region := c.op(r, audit.AccessUI)
	text := r.PostFormValue("tekst")
	_, err = c.svc(r.Context()).UpdateMinutes(r.Context(), region, op, id, vid, version, casework.MinutesInput{Text: text, ForParents: r.PostFormValue("voor_ouders") == "ja"})
	var ce *casework.ConflictError
	if errors.As(err, &ce) {
		v, verr := c.svc(r.Context()).View(r.Context(), region, op, id)
		if verr != nil {
			return caseError(verr)
		}
		return c.s.renderForm(w, r, http.StatusConflict, "casus", c.s.caseTitle(id),
			c.pageData(r, v, map[string]any{"conflict": ce.Error(), "conflictID": vid, "mijnTekst": text}), map[string]string{"tekst": ce.Error()})
	}
	if err != nil {
		return caseError(err)
	}
	http.Redirect(w, r, "/casussen/"+c.s.pid(kindCase, id), http.StatusSeeOther)
	return nil
}

func (c *caseHandlers) advance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	_, err = c.svc(r.Context()).Advance(r.Context(), region, op, id, r.PostFormValue("fase"), r.PostFormValue("toelichting"))
	return c.formDone(w, r, id, "fase", err)
}

// ---- API

type casusSummaryJSON struct {
	ID          string `json:"id"`
	Leerling    string `json:"leerlingId"`
	Soort       string `json:"soort"`
	Fase        string `json:"fase"`
	Geopend     string `json:"geopendOp"`
	Opgeschaald bool   `json:"opgeschaald"`
	Afgesloten  bool   `json:"afgesloten"`
	Self        string `json:"href"`
}

func (c *caseHandlers) apiList(w http.ResponseWriter, r *http.Request) error {
	pg, err := apiPage(r)
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	list, err := c.svc(r.Context()).List(r.Context(), region, op, r.URL.Query().Get("alle") != "ja")
	if err != nil {
		return caseError(err)
	}
	type embedded struct {
		Casussen []casusSummaryJSON `json:"casussen"`
	}
	out := struct {
		pageJSON
		Embedded embedded `json:"_embedded"`
	}{pageJSON: pageOf(r, pg, len(list)), Embedded: embedded{Casussen: []casusSummaryJSON{}}}
	for _, x := range pageSlice(list, pg) {
		out.Embedded.Casussen = append(out.Embedded.Casussen, casusSummaryJSON{ID: c.s.pid(kindCase, x.ID), Leerling: c.s.pid(kindPupil, x.PupilID), Soort: x.Type, Fase: x.Phase, Geopend: x.OpenedAt.Format(time.RFC3339),
			Opgeschaald: x.Escalated, Afgesloten: x.Closed, Self: "/api/v1/casussen/" + c.s.pid(kindCase, x.ID)})
	}
	return writeJSON(w, http.StatusOK, out)
}

type casusItemJSON struct {
	ID       string `json:"id"`
	Omvang   string `json:"omvang"`
	Tekst    string `json:"tekst,omitempty"`
	Partij   string `json:"partij"`
	Versie   int    `json:"versie,omitempty"`
	ETag     string `json:"etag,omitempty"`
	Datum    string `json:"datum,omitempty"`
	Status   string `json:"status,omitempty"`
	Eigenaar string `json:"eigenaar,omitempty"`
	Categ    string `json:"categorie,omitempty"`
}

type casusJSON struct {
	ID         string            `json:"id"`
	Soort      string            `json:"soort"`
	Fase       string            `json:"fase"`
	Volgende   []string          `json:"volgendeFasen"`
	Doel       string            `json:"doel"`
	Vraag      string            `json:"vraag"`
	Versie     int               `json:"versie"`
	Regie      map[string]string `json:"regie"`
	Deelnemers []map[string]any  `json:"deelnemers"`
	Verslagen  []casusItemJSON   `json:"verslagen"`
	Afspraken  []casusItemJSON   `json:"afspraken"`
	Inbreng    []casusItemJSON   `json:"inbreng"`
	Verborgen  int               `json:"verborgen"`
	Inbrengen  map[string]string `json:"magInbrengen"`
	Escalatie  map[string]string `json:"doorbraakoverleg,omitempty"`
	Resultaat  string            `json:"resultaat,omitempty"`
	Signalen   []signaalJSON     `json:"opschaalSignalen"`
	Vragen     []vraagJSON       `json:"informatievragen"`
}

func (c *caseHandlers) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	v, err := c.svc(r.Context()).View(r.Context(), region, op, id)
	if err != nil {
		return caseError(err)
	}
	maskPupil(v, false)
	k := v.Case
	out := casusJSON{ID: c.s.pid(kindCase, k.ID), Soort: k.Type, Fase: k.Phase, Volgende: v.NextPhases, Doel: k.Purpose, Vraag: k.Question, Versie: k.Version,
		Regie: map[string]string{}, Deelnemers: []map[string]any{}, Verslagen: []casusItemJSON{}, Afspraken: []casusItemJSON{}, Inbreng: []casusItemJSON{},
		Verborgen: v.Hidden, Inbrengen: v.MayBringIn, Signalen: signalsJSON(v.Triggers), Vragen: []vraagJSON{}}
	for _, q := range v.Questions {
		out.Vragen = append(out.Vragen, c.questionJSON(q))
	}
	if out.Volgende == nil {
		out.Volgende = []string{}
	}
	for _, kind := range casework.RegieKinds {
		if h := k.RegieHolder(kind); h != 0 {
			out.Regie[string(kind)] = c.s.pid(kindUser, h)
		}
	}
	for _, p := range k.Participants {
		d := map[string]any{"id": c.s.publicRef(p.Ref()), "naam": p.Name, "soort": p.Kind, "status": p.Status}
		if p.Party != "" { // parents and the pupil take part without a party or role
			d["partij"], d["rol"] = p.Party, p.Role
		}
		out.Deelnemers = append(out.Deelnemers, d)
	}
	for _, m := range v.Minutes {
		out.Verslagen = append(out.Verslagen, casusItemJSON{ID: c.s.pid(kindMinutes, m.Item.ID), Omvang: m.Scope, Tekst: m.Item.Text, Partij: m.Item.AuthorParty,
			Versie: m.Item.Version, ETag: c.s.etag(kindMinutes, m.Item.ID, m.Item.Version), Datum: m.Item.MeetingOn.Format(time.DateOnly)})
	}
	for _, a := range v.Agreements {
		out.Afspraken = append(out.Afspraken, casusItemJSON{ID: c.s.pid(kindAgreement, a.Item.ID), Omvang: a.Scope, Tekst: a.Item.Description, Partij: a.Item.AuthorParty,
			Versie: a.Item.Version, ETag: c.s.etag(kindAgreement, a.Item.ID, a.Item.Version), Datum: a.Item.Due.Format(time.DateOnly), Status: string(a.Item.Status), Eigenaar: a.Item.OwnerName})
	}
	for _, x := range v.Contribution {
		out.Inbreng = append(out.Inbreng, casusItemJSON{ID: c.s.pid(kindContribution, x.Item.ID), Omvang: x.Scope, Tekst: x.Item.Text, Partij: x.Item.Party, Categ: x.Item.Category})
	}
	if e := k.Escalation; e != nil {
		out.Escalatie = map[string]string{"reden": e.Reason, "toelichting": e.Detail, "doorzettingsmacht": e.Holder.Name + ", " + e.Holder.Function, "besluit": e.Decision}
	}
	if k.Closure != nil {
		out.Resultaat = k.Closure.Result
	}
	w.Header().Set("ETag", c.s.etag(kindCase, k.ID, k.Version))
	return writeJSON(w, http.StatusOK, out)
}

// apiPutMinutes replaces the text of minutes. If-Match must carry the minutes' ETag (from GET);
// a stale one is 412 with the current version, a missing one 428.
func (c *caseHandlers) apiPutMinutes(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "vid")
	if err != nil {
		return err
	}
	version, err := c.s.ifMatch(r, kindMinutes, vid, "verslag")
	if err != nil {
		return err
	}
	var body struct {
		Tekst      string `json:"tekst"`
		VoorOuders bool   `json:"voorOuders"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessAPI)
	m, err := c.svc(r.Context()).UpdateMinutes(r.Context(), region, op, id, vid, version, casework.MinutesInput{Text: body.Tekst, ForParents: body.VoorOuders})
	var ce *casework.ConflictError
	if errors.As(err, &ce) {
		w.Header().Set("ETag", c.s.etag(kindMinutes, vid, ce.Current))
		return &Error{Status: http.StatusPreconditionFailed, Title: "Tussentijds gewijzigd", Detail: ce.Error(), Err: err}
	}
	if err != nil {
		return caseError(err)
	}
	w.Header().Set("ETag", c.s.etag(kindMinutes, m.ID, m.Version))
	return writeJSON(w, http.StatusOK, casusItemJSON{ID: c.s.pid(kindMinutes, m.ID), Omvang: casework.ScopeContent, Tekst: m.Text, Partij: m.AuthorParty, Versie: m.Version,
		ETag: c.s.etag(kindMinutes, m.ID, m.Version), Datum: m.MeetingOn.Format(time.DateOnly)})
}

// maskPupil replaces the pupil's own name among the participants by "De leerling": the case page
// shows buitenkant information, and the pupil's name is identification data that the case page
// does not decide on (the pupil page does). Parents see their own child's name.
func maskPupil(v *casework.View, parent bool) {
	if v == nil || v.Case == nil || parent {
		return
	}
	ps := make([]casework.Participant, len(v.Case.Participants))
	copy(ps, v.Case.Participants)
	for i := range ps {
		if ps[i].Kind == casework.KindPupil {
			ps[i].Name = "De leerling"
		}
	}
	c := *v.Case
	c.Participants = ps
	v.Case = &c
}
