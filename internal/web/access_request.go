package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/rights"
)

// Inzage (AVG art. 15) on the server: a parent with gezag asks for access to the data on their
// child; the zorgcoördinator of the school the request is addressed to sees the open requests of
// that school with their deadline, extends the term once (at most two further months, with a
// reason) and marks a request as handled. The rules are internal/rights; each request and each
// change is stored with its audit entry in one transaction (the entry is sealed with the
// region's audit encrypter, Seal).
//
// What the parent gets today is the parent's view of the pupil page (/leerlingen/{id}): the data
// blocks held in Grondslag and the trail of who read or shared them. That page is linked from
// here; there is no separate download yet.

// InzageDeps are the collaborators of the inzage pages.
type InzageDeps struct {
	// Service runs the inzage use cases (rights.Service): every request and change is stored
	// with its audit entry.
	Service *rights.Service
	// Store lists a pupil's requests for the parents' page (*store.DB implements it).
	Store InzageStore
	// Orgs lists the region's organisations (names of the controllers; optional).
	Orgs func(ctx context.Context, regionID int64) ([]OrgRef, error)
}

// InzageStore lists access requests.
type InzageStore interface {
	AccessRequestsOfPupil(ctx context.Context, regionID, pupilID int64) ([]rights.Request, error)
}

// inzageAnswer is the ground on which the school processes an access request: the legal
// obligation to answer it (AVG art. 6 lid 1 sub c with art. 12 and 15).
var inzageAnswer = Answer{Allowed: true, Ground: rights.AuditGround, GroundText: "AVG art. 6 lid 1 sub c (wettelijke plicht), art. 12 en 15",
	Article: rights.AuditArticle, ProcessingActivity: rights.AuditActivity}

const inzageCategory = rights.AuditCategory

// inzageSchoolRoles answer requests for their own organisation (each party its own controller):
// the school's zorgcoördinator, the FG of any organisation, and the professionals of the parties
// whose data they keep (leerplicht, jeugdarts, jeugdhulp, SWV).
var inzageSchoolRoles = []string{auth.RoleZorgcoordinator, auth.RoleFG, auth.RoleLeerplicht, auth.RoleJeugdarts, auth.RoleJeugdhulpverlener, auth.RoleSWVConsulent}

type inzageHandlers struct {
	s *Server
	d InzageDeps
}

// MountInzage adds the inzage pages to the server: /inzage/leerling/{id} for parents, /inzage
// for the school's zorgcoördinator.
func (s *Server) MountInzage(d InzageDeps) error {
	if d.Store == nil || d.Service == nil {
		return errors.New("web: MountInzage vraagt Service en Store")
	}
	h := &inzageHandlers{s: s, d: d}
	parent := []string{auth.RoleOuder, auth.RoleLeerling}
	s.page("GET /inzage/leerling/{id}", s.requireUser(parent, h.parentPage))
	s.page("POST /inzage/leerling/{id}", s.requireUser(parent, h.parentSubmit))
	s.page("POST /inzage/leerling/{id}/jgz-bezwaar", s.requireUser([]string{auth.RoleLeerling}, h.objectSubmit))
	s.page("GET /inzage/leerling/{id}/export.json", s.requireUser(parent, h.exportJSON))
	s.page("GET /inzage/leerling/{id}/export.pdf", s.requireUser(parent, h.exportPDF))
	s.page("GET /inzage/fg", s.requireUser([]string{auth.RoleFG}, h.board))
	s.page("GET /inzage", s.requireUser(inzageSchoolRoles, h.schoolList))
	s.page("POST /inzage/verzoeken/{id}/verlengen", s.requireUser(inzageSchoolRoles, h.extend))
	s.page("POST /inzage/verzoeken/{id}/afgehandeld", s.requireUser(inzageSchoolRoles, h.handle))
	return nil
}

func inzageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// child checks that the parent has gezag over the pupil (else 404, the same page as for a
// pupil that does not exist) and returns the pupil (name and pseudonym only).
func (h *inzageHandlers) child(ctx context.Context, p *Principal, pupilID int64) (dossier.Pupil, error) {
	a := p.Actor()
	rels, err := h.s.d.Dossiers.PupilRelations(ctx, a, pupilID, h.s.today())
	if err != nil {
		return dossier.Pupil{}, fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	for _, k := range rels {
		if k == dossier.RelGuardian || k == dossier.RelSelf {
			return h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, pupilID, h.s.today(), dossier.Want{})
		}
	}
	return dossier.Pupil{}, errNotFound
}

// requester is who asks: the parent, or the pupil himself.
func requester(p *Principal) rights.Requester {
	if a := p.Actor(); a.ParentID != 0 {
		return rights.Requester{Kind: rights.RequesterParent, ParentID: a.ParentID}
	}
	return rights.Requester{Kind: rights.RequesterPupil}
}

// actor is the principal as the inzage service's actor; the base record names the pupil.
func (h *inzageHandlers) actor(ctx context.Context, p *Principal, pseudonym, name string) rights.Actor {
	a := p.Actor()
	ra := rights.Actor{RegionID: a.RegionID, Base: h.s.auditRecord(ctx, p, pseudonym, inzageCategory, rights.AuditPurpose, inzageAnswer, Facts{}, audit.AccessUI, name)}
	if a.UserID != 0 && a.OrgID != 0 {
		ra.UserID, ra.ControllerID = a.UserID, a.OrgID
	}
	return ra
}

// requestView is a request as the pages show it.
type requestView struct {
	ID                       int64
	PupilID                  int64
	Name                     string
	Ref                      string // the pupil's pseudonymous reference, where there is no name
	Requester                string
	Received, Deadline       string
	Status                   string
	ExtensionMonths          int
	ExtensionReason          string
	HandledOn, HandledNote   string
	DaysLeft                 int
	Overdue, Late, CanExtend bool
	Kind                     string // the right, in words
	Article                  string
	Text                     string
	Outcome                  string
	Controller               string // the organisation that answers
	Withheld                 string
}

func viewOf(r rights.Request, today rights.Date) requestView {
	d := r.Data()
	v := requestView{ID: d.ID, PupilID: d.PupilID, Received: d.Received.String(), Deadline: d.Deadline.String(), Status: string(d.Status),
		ExtensionMonths: d.ExtensionMonths, ExtensionReason: d.ExtensionReason, HandledNote: d.HandledNote,
		DaysLeft: r.DaysLeft(today), Overdue: r.OverdueOn(today), Late: r.Late(), CanExtend: d.Status == rights.StatusReceived && !today.After(d.Deadline)}
	if !d.HandledOn.IsZero() {
		v.HandledOn = d.HandledOn.String()
	}
	v.Kind, v.Article, v.Text, v.Outcome, v.Withheld = d.Kind.Label(), d.Kind.Article(), d.Text, string(d.Outcome), d.Withheld
	v.Requester = "ouder"
	if d.Requester.Kind == rights.RequesterPupil {
		v.Requester = "leerling zelf"
	}
	return v
}

// ---- parents

func (h *inzageHandlers) parentPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderParent(w, r, http.StatusOK, nil)
}

func (h *inzageHandlers) renderParent(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return err
	}
	pup, err := h.child(ctx, p, id)
	if err != nil {
		return err
	}
	a := p.Actor()
	all, err := h.d.Store.AccessRequestsOfPupil(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("rechtenverzoeken van de leerling lezen: %w", err)
	}
	ctrls, err := h.d.Service.Controllers(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("verwerkingsverantwoordelijken lezen: %w", err)
	}
	birth, objects, err := h.d.Service.PupilFacts(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("geboortedatum en jgz-bezwaar lezen: %w", err)
	}
	names, err := h.orgNames(ctx, a.RegionID)
	if err != nil {
		return err
	}
	today := rights.Today(h.s.now())
	who := requester(p)
	var mine []requestView
	for _, q := range all {
		d := q.Data()
		// A parent sees the requests they made themselves; the pupil his own.
		if d.Requester != who {
			continue
		}
		v := viewOf(q, today)
		v.Controller = names[d.ControllerID]
		mine = append(mine, v)
	}
	var holders []holder
	for _, c := range ctrls {
		x := holder{Controller: c}
		if who.Kind == rights.RequesterParent && c.Party == rights.JGZParty {
			if ok, why := rights.ParentsJGZ(birth, today, objects); !ok {
				x.Withheld = why
			}
		}
		holders = append(holders, x)
	}
	age := civilAge(birth, today)
	if err := h.s.audit(ctx, p, pup.Pseudonym, "identificatie", "", parentAnswer, Facts{}, audit.AccessUI, "inzage-overzicht"); err != nil {
		return err
	}
	return h.s.renderForm(w, r, status, "inzage_ouder", "Uw rechten", &rightsParentPage{
		Kind: pup, Verzoeken: mine, Houders: holders, Soorten: rights.Kinds, Zelf: who.Kind == rights.RequesterPupil,
		MagZelf: who.Kind == rights.RequesterParent || age >= rights.PupilOwnRightsAge, Leeftijd: age,
		BezwaarMogelijk: who.Kind == rights.RequesterPupil && age >= rights.WGBOChildAge && age < rights.WGBOAloneAge, Bezwaar: objects,
		Verzonden: r.URL.Query().Get("verzonden"), Gekozen: r.PostFormValue("soort"), Tekst: r.PostFormValue("toelichting"),
		TermijnVandaag: today.AddMonths(rights.TermMonths).String(), MaxVerlenging: rights.MaxExtensionMonths,
	}, errs)
}

// rightsParentPage is the data of inzage_ouder.html: a parent's (or, Zelf, the pupil's) rights
// about one child.
type rightsParentPage struct {
	View
	Kind            dossier.Pupil
	Verzoeken       []requestView // the requests this requester made
	Houders         []holder      // who holds data about the child
	Soorten         []rights.Kind
	Zelf            bool // the pupil asks
	MagZelf         bool // the requester may ask (a pupil from PupilOwnRightsAge)
	Leeftijd        int
	BezwaarMogelijk bool   // the pupil may object to the parents' access to the JGZ data
	Bezwaar         bool   // the pupil has objected
	Verzonden       string // what was just sent
	Gekozen, Tekst  string // the form as posted
	TermijnVandaag  string // the term of a request made today
	MaxVerlenging   int
}

// holder is an organisation that holds data about the child, with why its data are withheld
// from this requester (if they are).
type holder struct {
	rights.Controller
	Withheld string
}

// rightsSchoolPage is the data of inzage_school.html: the open requests to the school.
type rightsSchoolPage struct {
	View
	Verzoeken     []requestView
	MaxVerlenging int
}

// orgNames maps the region's organisations to their names.
func (h *inzageHandlers) orgNames(ctx context.Context, regionID int64) (map[int64]string, error) {
	out := map[int64]string{}
	if h.d.Orgs == nil {
		return out, nil
	}
	list, err := h.d.Orgs(ctx, regionID)
	for _, o := range list {
		out[o.ID] = o.Name
	}
	return out, err
}

func (h *inzageHandlers) parentSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return err
	}
	pup, err := h.child(ctx, p, id)
	if err != nil {
		return err
	}
	a := p.Actor()
	kind := rights.Kind(r.PostFormValue("soort"))
	if kind == "" {
		kind = rights.KindAccess
	}
	made, err := h.d.Service.Ask(ctx, h.actor(ctx, p, pup.Pseudonym, "inzage-aanvragen"), id, requester(p), kind, r.PostFormValue("toelichting"))
	if err != nil {
		if errors.Is(err, rights.ErrNoSchool) {
			return &Error{Status: http.StatusConflict, Title: "Geen organisatie gevonden",
				Detail: "Geen organisatie in Grondslag heeft gegevens van uw kind. Stuur uw verzoek dan rechtstreeks aan de organisatie die gegevens van uw kind heeft.", Err: err}
		}
		if errors.Is(err, rights.ErrOpenRequest) {
			return h.renderParent(w, r, http.StatusConflict, map[string]string{"soort": "U heeft al een verzoek van deze soort dat nog loopt bij elke organisatie. Wacht op de antwoorden; daarna kunt u opnieuw een verzoek doen."})
		}
		if errors.Is(err, rights.ErrInvalid) {
			field := "toelichting"
			if strings.Contains(err.Error(), "soort") || strings.Contains(err.Error(), "16 jaar") {
				field = "soort"
			}
			return h.renderParent(w, r, http.StatusUnprocessableEntity, map[string]string{field: upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": ")) + "."})
		}
		return err
	}
	h.s.log.InfoContext(ctx, "verzoek van betrokkene ontvangen", "request_id", requestID(ctx), "soort", string(kind), "organisaties", len(made), "ouder_id", a.ParentID)
	http.Redirect(w, r, "/inzage/leerling/"+h.s.pid(kindPupil, id)+"?verzonden="+strconv.Itoa(len(made)), http.StatusSeeOther)
	return nil
}

// objectSubmit is POST /inzage/leerling/{id}/jgz-bezwaar: the pupil of 12 to 15 objects to (or
// stops objecting to) the JGZ data going to the parents (BW 7:457, 7:465 lid 3).
func (h *inzageHandlers) objectSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return err
	}
	pup, err := h.child(ctx, p, id)
	if err != nil {
		return err
	}
	if p.Actor().PupilID != id {
		return errNotFound
	}
	objects := r.PostFormValue("bezwaar") == "ja"
	if err := h.d.Service.Object(ctx, h.actor(ctx, p, pup.Pseudonym, "jgz-bezwaar"), id, objects); err != nil {
		if errors.Is(err, rights.ErrInvalid) {
			return h.renderParent(w, r, http.StatusUnprocessableEntity, map[string]string{"bezwaar": upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": ")) + "."})
		}
		return fmt.Errorf("jgz-bezwaar vastleggen: %w", err)
	}
	http.Redirect(w, r, "/inzage/leerling/"+h.s.pid(kindPupil, id)+"?verzonden=bezwaar", http.StatusSeeOther)
	return nil
}

// ---- the school

func (h *inzageHandlers) schoolList(w http.ResponseWriter, r *http.Request) error {
	return h.renderSchool(w, r, http.StatusOK, nil)
}

func (h *inzageHandlers) renderSchool(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	a := p.Actor()
	if a.OrgID == 0 {
		return errForbidden
	}
	open, err := h.d.Service.Open(ctx, a.RegionID, a.OrgID)
	if err != nil {
		return fmt.Errorf("open verzoeken lezen: %w", err)
	}
	today := rights.Today(h.s.now())
	var rows []requestView
	var shown []named
	for _, q := range open {
		v := viewOf(q, today)
		pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, q.Data().PupilID, h.s.today(), dossier.Want{})
		if err != nil {
			return fmt.Errorf("leerling lezen: %w", err)
		}
		v.Name, v.Ref = strings.TrimSpace(pup.FirstName+" "+pup.LastName), PupilRef(pup.Pseudonym)
		shown = append(shown, named{pup.Pseudonym, inzageAnswer})
		rows = append(rows, v)
	}
	// The names are shown to answer the request (the school's legal obligation), and recorded.
	if err := h.s.auditNames(ctx, p, shown, "inzage", audit.AccessUI, "inzage-werklijst"); err != nil {
		return err
	}
	return h.s.renderForm(w, r, status, "inzage_school", "Verzoeken van ouders en leerlingen", &rightsSchoolPage{Verzoeken: rows, MaxVerlenging: rights.MaxExtensionMonths}, errs)
}

// schoolRequest loads request id for the zorgcoördinator: 404 unless it is addressed to their
// own school in their own region.
func (h *inzageHandlers) schoolRequest(ctx context.Context, p *Principal, r *http.Request) (rights.Request, dossier.Pupil, error) {
	id, err := inzageID(r)
	if err != nil {
		return rights.Request{}, dossier.Pupil{}, err
	}
	a := p.Actor()
	q, err := h.d.Service.Request(ctx, h.actor(ctx, p, "", ""), id)
	if err != nil {
		if errors.Is(err, rights.ErrNotFound) {
			return rights.Request{}, dossier.Pupil{}, errNotFound
		}
		return rights.Request{}, dossier.Pupil{}, err
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, q.Data().PupilID, h.s.today(), dossier.Want{})
	return q, pup, err
}

// stateError turns a refused change into a 409 with the rule that refused it.
func stateError(err error) error {
	for _, e := range []error{rights.ErrAlreadyExtended, rights.ErrAlreadyHandled, rights.ErrExtensionTooLate} {
		if errors.Is(err, e) {
			return &Error{Status: http.StatusConflict, Title: "Niet mogelijk", Detail: upperFirst(e.Error()) + ".", Err: err}
		}
	}
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (h *inzageHandlers) extend(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	q, pup, err := h.schoolRequest(ctx, p, r)
	if err != nil {
		return err
	}
	months, _ := strconv.Atoi(r.PostFormValue("maanden"))
	if _, err := h.d.Service.Extend(ctx, h.actor(ctx, p, pup.Pseudonym, "inzage-verlengen"), q, months, r.PostFormValue("reden")); err != nil {
		if errors.Is(err, rights.ErrInvalid) {
			field := "reden-" + h.s.pid(kindAccessRequest, q.ID())
			if months < 1 || months > rights.MaxExtensionMonths {
				field = "maanden-" + h.s.pid(kindAccessRequest, q.ID())
			}
			return h.renderSchool(w, r, http.StatusBadRequest, map[string]string{field: upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": "))})
		}
		return stateError(err)
	}
	http.Redirect(w, r, "/inzage", http.StatusSeeOther)
	return nil
}

func (h *inzageHandlers) handle(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	q, pup, err := h.schoolRequest(ctx, p, r)
	if err != nil {
		return err
	}
	outcome := rights.Outcome(r.PostFormValue("uitkomst"))
	if outcome == "" {
		outcome = rights.OutcomeGranted
	}
	if _, err := h.d.Service.Handle(ctx, h.actor(ctx, p, pup.Pseudonym, "inzage-afhandelen"), q, outcome, r.PostFormValue("notitie")); err != nil {
		if errors.Is(err, rights.ErrInvalid) {
			return h.renderSchool(w, r, http.StatusBadRequest, map[string]string{"notitie-" + h.s.pid(kindAccessRequest, q.ID()): upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": "))})
		}
		return stateError(err)
	}
	http.Redirect(w, r, "/inzage", http.StatusSeeOther)
	return nil
}

func civilAge(birth, day rights.Date) int { return civil.AgeOn(birth, day) }
