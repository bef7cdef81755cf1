package web

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/retention"
)

// The destruction pages (issue 17): the daily job proposes a destruction list per controller
// (docs/bewaartermijnen.md); here the FG advises on it, the controller's authorised official
// approves or rejects it, it is executed, and the report says what was destroyed — counts, rules,
// approver and date, never content, and pupils by number only.
//
// Who does what (the same rules as `grondslag bewaartermijnen`, internal/retention):
//   - fg: sees every list of the region and the report; advises on a proposed list (AVG art. 39:
//     the FG advises and does not decide).
//   - directeur: the school's list (own school only): decides as bevoegd gezag (mandated by the
//     board; the function is recorded) and executes it.
//   - beheerder: sees every list and the report, draws up today's lists now (the server does it
//     daily), executes an approved list; decides the lists of its own organisation when that is
//     not a school (the zorgdrager's mandated official at a gemeente or GGD).
//
// Keeping and destroying is the controller's own legal obligation (AVG art. 5 lid 1 sub e,
// Archiefwet 1995 art. 3), not an exchange under the convenant, so no policy rule decides it;
// the role and the organisation decide who may act. Every advice and decision is written with
// its audit entry in one transaction (access.Entries, sealed with the region's key); a
// destruction writes its own entry with the counts (store.RetentionStore.Destroy).

// RetentionLists is what the destruction pages need (store.RetentionStore provides it).
type RetentionLists interface {
	Plan(ctx context.Context, regionID int64, p retention.Periods, day, now time.Time) ([]retention.List, error)
	Lists(ctx context.Context, regionID int64, status string) ([]retention.List, error)
	List(ctx context.Context, regionID, id int64) (retention.List, error)
	SaveAdvice(ctx context.Context, regionID int64, l retention.List, trail ...audit.Entry) error
	SaveDecision(ctx context.Context, regionID int64, l retention.List, trail ...audit.Entry) error
	Execute(ctx context.Context, regionID, listID int64, p retention.Periods, ex retention.Executor, day, now time.Time) ([]retention.Destruction, error)
	Report(ctx context.Context, regionID int64, from, to time.Time) ([]retention.Destruction, error)
}

// RetentionDeps are the destruction pages' collaborators.
type RetentionDeps struct {
	Lists RetentionLists
	// Seal returns the region's audit encrypter (the data subject id of an entry).
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
}

var retentionRoles = []string{auth.RoleFG, auth.RoleBeheerder, auth.RoleDirecteur}

// retentionAnswer is the ground of the workflow's own entries in the audit log.
var retentionAnswer = Answer{Allowed: true, Ground: "avg-6-1-c", GroundText: "AVG art. 6 lid 1 sub c (wettelijke plicht: bewaartermijnen en vernietiging)",
	Article: "AVG art. 5 lid 1 sub e; Archiefwet 1995 art. 3", ProcessingActivity: "urn:grondslag:verwerking:vernietiging"}

type retentionHandlers struct {
	s *Server
	d RetentionDeps
}

// MountRetention adds the destruction pages: /bewaartermijnen (the lists), /bewaartermijnen/
// lijsten/{id} (one list: advice, decision, execution) and /bewaartermijnen/rapport.
func (s *Server) MountRetention(d RetentionDeps) error {
	if d.Lists == nil || d.Seal == nil {
		return errors.New("web: MountRetention vraagt Lists en Seal")
	}
	h := &retentionHandlers{s: s, d: d}
	s.page("GET /bewaartermijnen", s.requireUser(retentionRoles, h.overview))
	s.page("POST /bewaartermijnen/voorstel", s.requireUser([]string{auth.RoleBeheerder}, h.propose))
	s.page("GET /bewaartermijnen/lijsten/{id}", s.requireUser(retentionRoles, h.listPage))
	s.page("POST /bewaartermijnen/lijsten/{id}/advies", s.requireUser([]string{auth.RoleFG}, h.advise))
	s.page("POST /bewaartermijnen/lijsten/{id}/besluit", s.requireUser([]string{auth.RoleDirecteur, auth.RoleBeheerder}, h.decide))
	s.page("POST /bewaartermijnen/lijsten/{id}/uitvoeren", s.requireUser([]string{auth.RoleDirecteur, auth.RoleBeheerder}, h.execute))
	s.page("GET /bewaartermijnen/rapport", s.requireUser(retentionRoles, h.report))
	return nil
}

// sees says whether the user sees list l: the FG and the beheerder every list of the region, a
// directeur the lists of their own school.
func sees(p *Principal, l retention.List) bool {
	a := p.Actor()
	switch a.Role {
	case auth.RoleFG, auth.RoleBeheerder:
		return true
	case auth.RoleDirecteur:
		return l.Controller.Party == "school" && l.Controller.OrganisationID == a.OrgID
	}
	return false
}

// decides says whether the user is the controller's authorised official for list l: the
// directeur of the school, or the beheerder of the (non-school) organisation.
func decides(p *Principal, l retention.List) bool {
	a := p.Actor()
	if a.OrgID == 0 || l.Controller.OrganisationID != a.OrgID || a.Party != l.Controller.Party {
		return false
	}
	switch a.Role {
	case auth.RoleDirecteur:
		return l.Controller.Party == "school"
	case auth.RoleBeheerder:
		return l.Controller.Party != "school"
	}
	return false
}

// executes says whether the user may execute list l: its official, or a beheerder.
func executes(p *Principal, l retention.List) bool {
	return decides(p, l) || p.Role() == auth.RoleBeheerder
}

func (h *retentionHandlers) periods(ctx context.Context, regionID int64) (retention.Periods, error) {
	pt, err := h.s.d.Access.For(ctx, regionID)
	if err != nil {
		return nil, err
	}
	return pt.Convenant(), nil
}

// orgNames are the region's organisations by id (names only).
func (h *retentionHandlers) orgNames(ctx context.Context, regionID int64) (map[int64]string, error) {
	out := map[int64]string{}
	if h.s.d.Admin == nil {
		return out, nil
	}
	orgs, err := h.s.d.Admin.Organisations(ctx, regionID)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out, nil
}

var partyWords = map[string]string{"school": "school", "gemeente": "gemeente", "swv": "samenwerkingsverband", "ggd": "GGD (jeugdgezondheidszorg)",
	"jeugdhulp": "jeugdhulpaanbieder", "gi": "gecertificeerde instelling", "oco": "onderwijsconsulenten"}

func controllerName(c retention.Controller, names map[int64]string) string {
	party := orDefault(partyWords[c.Party], c.Party)
	if n := names[c.OrganisationID]; n != "" {
		return n + " (" + party + ")"
	}
	return party
}

var listStatusWords = map[string]string{retention.ListProposed: "wacht op het advies van de FG", retention.ListAdvised: "wacht op het besluit",
	retention.ListApproved: "goedgekeurd, nog uit te voeren", retention.ListRejected: "afgewezen", retention.ListExecuted: "uitgevoerd"}

var opinionWords = map[string]string{retention.OpinionPositive: "positief", retention.OpinionWithRemarks: "positief, met opmerkingen", retention.OpinionNegative: "negatief"}

// listRow is a list as the overview shows it.
type listRow struct {
	ID                    int64
	Controller, Capacity  string
	Day                   time.Time
	Status, StatusText    string
	Units, Waiting        int
	MayAdvise, MayDecide  bool
	MayExecute            bool
	AdviceText, Decision  string
	DecisionBy, DecidedOn string
}

func (h *retentionHandlers) row(p *Principal, l retention.List, names map[int64]string) listRow {
	r := listRow{ID: l.ID, Controller: controllerName(l.Controller, names), Capacity: retention.Capacity(l.Controller.Party), Day: l.Day,
		Status: l.Status, StatusText: listStatusWords[l.Status], Units: len(l.Items),
		MayAdvise:  p.Role() == auth.RoleFG && l.Status == retention.ListProposed,
		MayDecide:  decides(p, l) && l.Status == retention.ListAdvised,
		MayExecute: executes(p, l) && l.Status == retention.ListApproved}
	for _, it := range l.Items {
		if it.Status == retention.ItemProposed {
			r.Waiting++
		}
	}
	if a := l.Advice; a != nil {
		r.AdviceText = opinionWords[a.Opinion]
	}
	if d := l.Decision; d != nil {
		r.Decision = "afgewezen"
		if d.Approved {
			r.Decision = "goedgekeurd"
		}
		r.DecisionBy, r.DecidedOn = d.Name+", "+d.Function, dutchDate(d.At.Format(time.DateOnly))
	}
	return r
}

func (h *retentionHandlers) overview(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	regionID := p.Actor().RegionID
	lists, err := h.d.Lists.Lists(ctx, regionID, "")
	if err != nil {
		return err
	}
	names, err := h.orgNames(ctx, regionID)
	if err != nil {
		return err
	}
	var open, closed []listRow
	for _, id := range listIDs(lists) {
		l, err := h.d.Lists.List(ctx, regionID, id)
		if err != nil {
			return err
		}
		if !sees(p, l) {
			continue
		}
		row := h.row(p, l, names)
		if l.Status == retention.ListRejected || l.Status == retention.ListExecuted {
			closed = append(closed, row)
		} else {
			open = append(open, row)
		}
	}
	// Per controller, then newest first.
	sort.SliceStable(open, func(i, j int) bool { return open[i].Controller < open[j].Controller })
	return h.s.render(w, r, "bewaartermijnen", "Vernietigingslijsten", &retentionOverview{
		Open: open, Klaar: closed, Rol: p.Role(), Opgesteld: r.URL.Query().Get("opgesteld"),
	})
}

// retentionOverview is the data of bewaartermijnen.html.
type retentionOverview struct {
	View
	Open, Klaar    []listRow // open lists, and the rejected or executed ones
	Rol, Opgesteld string    // the user's role; how many lists were just drawn up ("" when none)
}

// retentionListView is the data of bewaartermijnen_lijst.html.
type retentionListView struct {
	View
	Lijst      listRow
	Regels     []itemRow
	Form       map[string]string // the submitted form, on an error
	Uitgevoerd string            // how many units were just destroyed ("" when not executed now)
	Advies     *adviceView
	Besluit    *retention.Decision
}

// adviceView is the FG's advice as the list page shows it.
type adviceView struct {
	Opinion, Name, Note string
	At                  time.Time
}

// retentionReport is the data of bewaartermijnen_rapport.html.
type retentionReport struct {
	View
	Rijen                          []reportRow
	Van, Tot, VanInvoer, TotInvoer string // the period shown, and the fields as typed
}

func listIDs(ls []retention.List) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}

// propose draws up today's lists now (the server's daily job does the same).
func (h *retentionHandlers) propose(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	regionID := p.Actor().RegionID
	per, err := h.periods(ctx, regionID)
	if err != nil {
		return err
	}
	now := h.s.now()
	lists, err := h.d.Lists.Plan(ctx, regionID, per, retention.Day(now.In(h.s.cfg.Location)), now)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/bewaartermijnen?opgesteld="+strconv.Itoa(len(lists)), http.StatusSeeOther)
	return nil
}

// list loads the list of the path for the user: 404 when it does not exist or the user does not
// see it (the same answer).
func (h *retentionHandlers) list(r *http.Request) (retention.List, error) {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return retention.List{}, errNotFound
	}
	l, err := h.d.Lists.List(ctx, p.Actor().RegionID, id)
	if errors.Is(err, retention.ErrListNotFound) {
		return l, errNotFound
	}
	if err != nil {
		return l, err
	}
	if !sees(p, l) {
		return l, errNotFound
	}
	return l, nil
}

// itemRow is one line of a list.
type itemRow struct {
	Unit       string
	DueFrom    time.Time
	Categories string
	Rules      []string
	Status     string
	Note       string
}

func unitText(u retention.Unit) string {
	if u.Kind == retention.UnitAuditLog {
		return "auditlog: inhoud van de regels " + strconv.FormatUint(u.From, 10) + " tot " + strconv.FormatUint(u.To, 10) + " (bladhashes en controlepunten blijven)"
	}
	if u.Kind == retention.UnitCase {
		return "casus " + strconv.FormatInt(u.CaseID, 10) + " van leerling nr. " + strconv.FormatInt(u.PupilID, 10)
	}
	return "leerling nr. " + strconv.FormatInt(u.PupilID, 10) + " (alles)"
}

func (h *retentionHandlers) listPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, nil, nil)
}

func (h *retentionHandlers) renderList(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, form map[string]string) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	l, err := h.list(r)
	if err != nil {
		return err
	}
	names, err := h.orgNames(ctx, p.Actor().RegionID)
	if err != nil {
		return err
	}
	var items []itemRow
	for _, it := range l.Items {
		items = append(items, itemRow{Unit: unitText(it.Unit), DueFrom: it.DueFrom, Categories: strings.Join(it.Categories, ", "), Rules: it.Rules, Status: it.Status, Note: it.Note})
	}
	if form == nil {
		form = map[string]string{}
	}
	data := &retentionListView{Lijst: h.row(p, l, names), Regels: items, Form: form, Uitgevoerd: r.URL.Query().Get("uitgevoerd"), Besluit: l.Decision}
	if a := l.Advice; a != nil {
		data.Advies = &adviceView{Opinion: opinionWords[a.Opinion], Name: a.Name, Note: a.Note, At: a.At}
	}
	return h.s.renderForm(w, r, status, "bewaartermijnen_lijst", "Vernietigingslijst "+strconv.FormatInt(l.ID, 10), data, errs)
}

// trail is the audit entry of a change to list l by the user (no pupil: the list is the subject).
func (h *retentionHandlers) trail(ctx context.Context, p *Principal, l retention.List, name string) ([]audit.Entry, error) {
	regionID := p.Actor().RegionID
	enc, err := h.d.Seal(ctx, regionID)
	if err != nil {
		return nil, err
	}
	rec := h.s.auditRecord(ctx, p, "", "vernietigingslijst", "vernietiging", retentionAnswer, Facts{}, audit.AccessUI, name+" lijst "+strconv.FormatInt(l.ID, 10))
	rec.Action = audit.ActionUpdate
	log := access.Entries{Enc: enc}
	if err := log.Append(ctx, regionID, rec); err != nil {
		return nil, err
	}
	return log.List, nil
}

// fieldErrors turns a refused input of the workflow into the form's errors; other errors pass.
func fieldErrors(err error) (map[string]string, error) {
	var fe *retention.FieldError
	if errors.As(err, &fe) {
		return map[string]string{fe.Field: fe.Msg}, nil
	}
	if errors.Is(err, retention.ErrInvalid) {
		return map[string]string{"lijst": "De lijst is intussen gewijzigd. Bekijk hem opnieuw."}, nil
	}
	return nil, err
}

func (h *retentionHandlers) advise(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	l, err := h.list(r)
	if err != nil {
		return err
	}
	form := map[string]string{"oordeel": r.PostFormValue("oordeel"), "toelichting": r.PostFormValue("toelichting")}
	err = l.Advise(retention.Advice{UserID: p.Account.ID, Name: p.Account.Name, Opinion: form["oordeel"], Note: form["toelichting"], At: h.s.now()}, p.Role())
	if err == nil {
		var trail []audit.Entry
		if trail, err = h.trail(ctx, p, l, "advies FG op"); err != nil {
			return err
		}
		err = h.d.Lists.SaveAdvice(ctx, p.Actor().RegionID, l, trail...)
	}
	if err != nil {
		errs, err := fieldErrors(err)
		if err != nil {
			return err
		}
		return h.renderList(w, r, http.StatusUnprocessableEntity, errs, form)
	}
	http.Redirect(w, r, "/bewaartermijnen/lijsten/"+h.s.pid(kindRetentionList, l.ID), http.StatusSeeOther)
	return nil
}

func (h *retentionHandlers) decide(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	l, err := h.list(r)
	if err != nil {
		return err
	}
	if !decides(p, l) {
		return &Error{Status: http.StatusForbidden, Title: "Geen bevoegdheid",
			Detail: "Over deze lijst besluit de bevoegde functionaris van " + l.Controller.Party + " zelf (" + retention.Capacity(l.Controller.Party) + ")."}
	}
	form := map[string]string{"besluit": r.PostFormValue("besluit"), "functie": r.PostFormValue("functie"), "toelichting": r.PostFormValue("toelichting")}
	if form["besluit"] != "goedkeuren" && form["besluit"] != "afwijzen" {
		return h.renderList(w, r, http.StatusUnprocessableEntity, map[string]string{"besluit": "Kies goedkeuren of afwijzen."}, form)
	}
	err = l.Decide(retention.Decision{UserID: p.Account.ID, Name: p.Account.Name, Function: form["functie"], Approved: form["besluit"] == "goedkeuren",
		Note: form["toelichting"], At: h.s.now()}, p.Actor().Party, p.Role())
	if err == nil {
		var trail []audit.Entry
		if trail, err = h.trail(ctx, p, l, "besluit ("+form["besluit"]+") over"); err != nil {
			return err
		}
		err = h.d.Lists.SaveDecision(ctx, p.Actor().RegionID, l, trail...)
	}
	if err != nil {
		errs, err := fieldErrors(err)
		if err != nil {
			return err
		}
		return h.renderList(w, r, http.StatusUnprocessableEntity, errs, form)
	}
	http.Redirect(w, r, "/bewaartermijnen/lijsten/"+h.s.pid(kindRetentionList, l.ID), http.StatusSeeOther)
	return nil
}

func (h *retentionHandlers) execute(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	l, err := h.list(r)
	if err != nil {
		return err
	}
	if !executes(p, l) {
		return &Error{Status: http.StatusForbidden, Title: "Geen bevoegdheid", Detail: "Deze lijst voert de bevoegde functionaris of een beheerder uit."}
	}
	if l.Status != retention.ListApproved {
		return h.renderList(w, r, http.StatusConflict, map[string]string{"uitvoeren": "Alleen een goedgekeurde lijst wordt uitgevoerd; deze lijst is " + listStatusWords[l.Status] + "."}, nil)
	}
	a := p.Actor()
	per, err := h.periods(ctx, a.RegionID)
	if err != nil {
		return err
	}
	now := h.s.now()
	done, err := h.d.Lists.Execute(ctx, a.RegionID, l.ID, per, retention.Executor{UserID: a.UserID, OrganisationID: a.OrgID, Role: a.Role, Point: audit.AccessUI},
		retention.Day(now.In(h.s.cfg.Location)), now)
	if err != nil {
		errs, err := fieldErrors(err)
		if err != nil {
			return err
		}
		return h.renderList(w, r, http.StatusConflict, errs, nil)
	}
	http.Redirect(w, r, "/bewaartermijnen/lijsten/"+h.s.pid(kindRetentionList, l.ID)+"?uitgevoerd="+strconv.Itoa(len(done)), http.StatusSeeOther)
	return nil
}

// reportRow is one destruction as the report shows it: no content, no names of pupils.
type reportRow struct {
	At          time.Time
	Unit        string
	Ground      string
	Lists       string
	Request     string
	Rules       []string
	ApprovedBy  string
	KeyShredded bool
	Counts      string
	Total       int
}

var groundWords = map[string]string{"bewaartermijn": "bewaartermijn verstreken", "wissingsverzoek": "wissingsverzoek (AVG art. 17)", "na-herstel": "herhaald na herstel van een reservekopie"}

func (h *retentionHandlers) report(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	loc := h.s.cfg.Location
	to, from := retention.Day(h.s.now().In(loc)), retention.Day(h.s.now().In(loc)).AddDate(-1, 0, 0)
	errs := map[string]string{}
	q := r.URL.Query()
	for _, f := range []struct {
		key string
		dst *time.Time
	}{{"van", &from}, {"tot", &to}} {
		if v := strings.TrimSpace(q.Get(f.key)); v != "" {
			d, err := time.Parse("02-01-2006", v)
			if err != nil {
				d, err = time.Parse(time.DateOnly, v)
			}
			if err != nil {
				errs[f.key] = "Schrijf de datum als DD-MM-JJJJ, bijvoorbeeld 01-09-2026."
				continue
			}
			*f.dst = d
		}
	}
	if len(errs) == 0 && to.Before(from) {
		errs["tot"] = "De einddatum ligt vóór de begindatum."
	}
	var rows []reportRow
	if len(errs) == 0 {
		ds, err := h.d.Lists.Report(ctx, p.Actor().RegionID, from, to)
		if err != nil {
			return err
		}
		for _, d := range ds {
			row := reportRow{At: d.At, Unit: unitText(d.Unit), Ground: orDefault(groundWords[d.Ground], d.Ground), Lists: d.Lists, Request: d.Request,
				Rules: d.Rules, ApprovedBy: d.ApprovedBy, KeyShredded: d.KeyDestroyed, Counts: retention.CountsText(d.Counts)}
			for _, n := range d.Counts {
				row.Total += n
			}
			rows = append(rows, row)
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.s.renderForm(w, r, status, "bewaartermijnen_rapport", "Rapport van vernietigingen", &retentionReport{
		Rijen: rows, Van: from.Format("02-01-2006"), Tot: to.Format("02-01-2006"),
		VanInvoer: q.Get("van"), TotInvoer: q.Get("tot"),
	}, errs)
}
