package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/casework"
)

// The steps of a case as forms on the case page (no JavaScript needed). Every form posts to its
// own route; on success the browser goes back to the case page at the form's section, on a
// field error the page is shown again with the message at the field and the input kept, and on
// a conflict (someone changed the record or the case meanwhile) with the current state and the
// writer's own input, so nothing is lost.

// formDone finishes a form post for form (the prefix of its field ids).
func (c *caseHandlers) formDone(w http.ResponseWriter, r *http.Request, id int64, form string, err error) error {
	if err == nil {
		http.Redirect(w, r, "/casussen/"+c.s.pid(kindCase, id)+"#"+strings.SplitN(form, "-", 2)[0], http.StatusSeeOther)
		return nil
	}
	var fe *casework.FieldError
	var ce *casework.ConflictError
	var te *casework.TransitionError
	var we *Error
	var de *casework.DeniedError
	errs := map[string]string{}
	extra := map[string]any{"form": form}
	status := http.StatusBadRequest
	keep := false
	switch {
	case form == "vraag" && errors.As(err, &de) && !de.NotParticipant:
		// The addressee may not answer, not even that they are involved (Jeugdwet 7.3.11,
		// BW 7:457): the form shows why and the lawful route, and keeps the question.
		status, keep = http.StatusForbidden, true
		errs[form+"-aan"] = de.Reason
	case errors.As(err, &fe):
		errs[form+"-"+fe.Field] = fieldLabel(fe.Field) + ": " + fe.Msg
	case errors.As(err, &we) && we.Field != "" && we.Status == http.StatusBadRequest:
		errs[form+"-"+we.Field] = we.Detail
	case errors.As(err, &te):
		status = http.StatusConflict
		errs[form+"-fase"] = te.Error()
	case errors.As(err, &ce):
		status = http.StatusConflict
		errs[form] = ce.Error()
		extra["conflict"] = ce.Error()
		extra["mijnInvoer"] = postedInput(r)
	default:
		return caseError(err)
	}
	if status == http.StatusBadRequest || keep {
		in := map[string]string{}
		for k, vals := range r.PostForm {
			if k != "csrf" && len(vals) > 0 {
				in[form+"-"+k] = vals[0]
			}
		}
		extra["in"] = in
	}
	op, region := c.op(r, audit.AccessUI)
	v, verr := c.svc(r.Context()).View(r.Context(), region, op, id)
	if verr != nil {
		return caseError(verr)
	}
	return c.s.renderForm(w, r, status, "casus", c.s.caseTitle(id), c.pageData(r, v, extra), errs)
}

// postedInput lists what the writer sent, for the conflict message ("uw invoer").
func postedInput(r *http.Request) []string {
	var keys []string
	for k := range r.PostForm {
		if k != "csrf" && k != "versie" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if v := strings.TrimSpace(r.PostForm.Get(k)); v != "" {
			out = append(out, fieldLabel(k)+": "+v)
		}
	}
	return out
}

// fieldLabel is the Dutch label of a form or domain field.
func fieldLabel(f string) string {
	switch f {
	case "omschrijving":
		return "Afspraak"
	case "eigenaar":
		return "Wie voert het uit"
	case "datum":
		return "Datum"
	case "status":
		return "Status"
	case "tekst":
		return "Tekst"
	case "categorie":
		return "Soort informatie"
	case "aan":
		return "Aan"
	case "vraag":
		return "Vraag"
	case "antwoord":
		return "Antwoord"
	case "toelichting":
		return "Toelichting"
	case "naar":
		return "Nieuwe regiehouder"
	case "soort":
		return "Soort regie"
	case "reden":
		return "Reden"
	case "onderwijsconsulent":
		return "Onderwijsconsulent"
	case "doorzettingsmacht", "doorzettingsmacht_naam", "doorzettingsmacht_functie":
		return "Doorzettingsmacht"
	case "besluit":
		return "Besluit"
	case "resultaat":
		return "Resultaat"
	case "deelnemer":
		return "Deelnemer"
	case "voor_ouders":
		return "Zichtbaar voor de ouders"
	case "fase":
		return "Fase"
	case "escalatie":
		return "Doorbraakoverleg"
	}
	return f
}

// caseVersion reads the hidden case version of a form (0 when absent: no check).
func caseVersion(r *http.Request) int {
	n, _ := strconv.Atoi(r.PostFormValue("casusversie"))
	return n
}

// uiOp is the operation of a form post, with the case version the writer read.
func (c *caseHandlers) uiOp(r *http.Request) (casework.Op, int64) {
	op, region := c.op(r, audit.AccessUI)
	op.ExpectVersion = caseVersion(r)
	return op, region
}

// parseDay reads a date field (JJJJ-MM-DD).
func parseDay(field, v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, badField(field, fieldLabel(field)+": geef een datum als JJJJ-MM-DD.")
	}
	return d, nil
}

// ---- afspraken (plan van aanpak)

func (c *caseHandlers) addAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	desc, owner := r.PostFormValue("omschrijving"), casework.Ref(r.PostFormValue("eigenaar"))
	forParents := r.PostFormValue("voor_ouders") == "ja"
	due, err := parseDay("datum", r.PostFormValue("datum"))
	if err == nil {
		_, err = c.svc(r.Context()).AddAgreement(r.Context(), region, op, id, casework.AgreementInput{Description: &desc, Owner: &owner, Due: &due, ForParents: &forParents})
	}
	return c.formDone(w, r, id, "afspraak", err)
}

// updateAgreement changes an agreement read at the form's version. A form with only a status
// is a progress report (the owner may always give one); a form with a description changes the
// whole agreement.
func (c *caseHandlers) updateAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	form := "afspraak-" + c.s.pid(kindAgreement, aid)
	version, verr := strconv.Atoi(r.PostFormValue("versie"))
	if verr != nil || version <= 0 {
		return c.formDone(w, r, id, form, badField("status", "De versie van de afspraak ontbreekt; laad de pagina opnieuw."))
	}
	in, err := agreementForm(r)
	if err == nil {
		op, region := c.op(r, audit.AccessUI)
		_, err = c.svc(r.Context()).UpdateAgreement(r.Context(), region, op, id, aid, version, in)
	}
	return c.formDone(w, r, id, form, err)
}

func agreementForm(r *http.Request) (casework.AgreementInput, error) {
	var in casework.AgreementInput
	if st := r.PostFormValue("status"); st != "" {
		s := casework.AgreementStatus(st)
		in.Status = &s
	}
	if _, full := r.PostForm["omschrijving"]; !full {
		if in.Status == nil {
			return in, badField("status", "Kies een status.")
		}
		return in, nil
	}
	desc, owner := r.PostFormValue("omschrijving"), casework.Ref(r.PostFormValue("eigenaar"))
	forParents := r.PostFormValue("voor_ouders") == "ja"
	in.Description, in.Owner, in.ForParents = &desc, &owner, &forParents
	due, err := parseDay("datum", r.PostFormValue("datum"))
	if err != nil {
		return in, err
	}
	in.Due = &due
	return in, nil
}

// plan shows the plan van aanpak: the agreements the viewer may see, open ones first, with
// what is overdue and the signals to escalate.
func (c *caseHandlers) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	v, err := c.svc(r.Context()).View(r.Context(), region, op, id)
	if err != nil {
		return caseError(err)
	}
	today := c.s.now()
	var open, done []planRow
	for _, a := range v.Agreements {
		row := planRow{A: a.Item, Scope: a.Scope,
			TeLaat: !a.Item.Status.Finished() && a.Item.Due.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, a.Item.Due.Location()))}
		if a.Item.Status.Finished() {
			done = append(done, row)
		} else {
			open = append(open, row)
		}
	}
	return c.s.render(w, r, "casus_plan", "Plan van aanpak, casus "+c.s.caseRef(id), &planPage{V: v, C: v.Case, Open: open, Klaar: done, Verborgen: v.Hidden})
}

// planPage is the data of casus_plan.html: the plan van aanpak of a case.
type planPage struct {
	View
	V           *casework.View
	C           *casework.Case
	Open, Klaar []planRow // running agreements; finished and lapsed ones
	Verborgen   int       // records the viewer may not see in this phase
}

// planRow is one agreement of the plan; Scope "inhoud" shows its content.
type planRow struct {
	A      casework.Agreement
	Scope  string
	TeLaat bool // past its date and not finished
}

// ---- inbreng and informatievragen

func (c *caseHandlers) contribute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	_, err = c.svc(r.Context()).Contribute(r.Context(), region, op, id, r.PostFormValue("categorie"), r.PostFormValue("tekst"))
	return c.formDone(w, r, id, "inbreng", err)
}

func (c *caseHandlers) ask(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	_, err = c.svc(r.Context()).Ask(r.Context(), region, op, id, casework.Ref(r.PostFormValue("aan")), r.PostFormValue("categorie"), r.PostFormValue("vraag"))
	return c.formDone(w, r, id, "vraag", err)
}

func (c *caseHandlers) answer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	qid, err := pathID(r, "qid")
	if err != nil {
		return err
	}
	op, region := c.op(r, audit.AccessUI)
	_, err = c.svc(r.Context()).Answer(r.Context(), region, op, id, qid, r.PostFormValue("antwoord"))
	return c.formDone(w, r, id, "vraag-"+c.s.pid(kindQuestion, qid), err)
}

// ---- deelnemers, uitnodigingen, regie

func (c *caseHandlers) addParticipant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	uid, perr := strconv.ParseInt(r.PostFormValue("gebruiker"), 10, 64)
	if perr != nil || uid <= 0 {
		return c.formDone(w, r, id, "deelnemer", badField("gebruiker", "Kies wie u toevoegt."))
	}
	_, err = c.svc(r.Context()).AddProfessional(r.Context(), region, op, id, uid, "")
	return c.formDone(w, r, id, "deelnemer", err)
}

func (c *caseHandlers) invite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	_, err = c.svc(r.Context()).InviteFamily(r.Context(), region, op, id)
	return c.formDone(w, r, id, "uitnodiging", err)
}

// respond records the answer to an invitation: a parent answers for themself (no deelnemer
// field), a professional with regie records the answer a parent or the pupil gave.
func (c *caseHandlers) respond(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	ref := casework.Ref(r.PostFormValue("deelnemer"))
	if !op.Actor.Professional() {
		ref = casework.RefOf(op.Actor)
	}
	var accept bool
	switch r.PostFormValue("antwoord") {
	case "ja":
		accept = true
	case "nee":
	default:
		return c.formDone(w, r, id, "uitnodiging", badField("antwoord", "Kies of de uitnodiging is aangenomen of geweigerd."))
	}
	_, err = c.svc(r.Context()).Respond(r.Context(), region, op, id, ref, accept, r.PostFormValue("toelichting"))
	return c.formDone(w, r, id, "uitnodiging", err)
}

func (c *caseHandlers) handOver(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	to, perr := strconv.ParseInt(strings.TrimPrefix(r.PostFormValue("naar"), "gebruiker:"), 10, 64)
	if perr != nil || to <= 0 {
		return c.formDone(w, r, id, "regie", badField("naar", "Kies aan wie u de regie overdraagt."))
	}
	_, err = c.svc(r.Context()).HandOver(r.Context(), region, op, id, casework.RegieKind(r.PostFormValue("soort")), to, r.PostFormValue("toelichting"))
	return c.formDone(w, r, id, "regie", err)
}

// ---- doorbraakoverleg and afsluiting

func (c *caseHandlers) escalate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	oc, perr := strconv.ParseInt(r.PostFormValue("onderwijsconsulent"), 10, 64)
	if perr != nil || oc <= 0 {
		return c.formDone(w, r, id, "opschalen", badField("onderwijsconsulent", "Kies de onderwijsconsulent die aan het doorbraakoverleg deelneemt."))
	}
	_, err = c.svc(r.Context()).Escalate(r.Context(), region, op, id, casework.EscalateRequest{
		Reason: r.PostFormValue("reden"), Detail: r.PostFormValue("toelichting"), ConsultantID: oc,
		Holder: casework.Doorzettingsmacht{Name: r.PostFormValue("doorzettingsmacht_naam"), Function: r.PostFormValue("doorzettingsmacht_functie")},
	})
	var fe *casework.FieldError
	if errors.As(err, &fe) && fe.Field == "doorzettingsmacht" {
		err = badField("doorzettingsmacht_naam", fieldLabel(fe.Field)+": "+fe.Msg)
	}
	return c.formDone(w, r, id, "opschalen", err)
}

func (c *caseHandlers) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	_, err = c.svc(r.Context()).DecideBreakthrough(r.Context(), region, op, id, r.PostFormValue("besluit"))
	return c.formDone(w, r, id, "besluit", err)
}

func (c *caseHandlers) closeCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	op, region := c.uiOp(r)
	_, err = c.svc(r.Context()).Close(r.Context(), region, op, id, r.PostFormValue("resultaat"), r.PostFormValue("toelichting"))
	return c.formDone(w, r, id, "afsluiten", err)
}

// consultants lists the onderwijsconsulenten of the region (for the escalation form): names and
// ids of colleagues, no pupil data.
func (c *caseHandlers) consultants(r *http.Request, region int64) []auth.Account {
	all, err := c.s.d.Accounts.Accounts(r.Context(), region)
	if err != nil {
		return nil
	}
	var out []auth.Account
	for _, a := range all {
		if a.Role == auth.RoleOnderwijsconsul && a.Active {
			out = append(out, a)
		}
	}
	return out
}

// candidates lists the professionals of the region who may join the case: active accounts in a
// casework role who do not take part yet.
func (c *caseHandlers) candidates(r *http.Request, region int64, k *casework.Case) []auth.Account {
	all, err := c.s.d.Accounts.Accounts(r.Context(), region)
	if err != nil {
		return nil
	}
	var out []auth.Account
	for _, a := range all {
		if _, in := k.Participant(casework.Ref("gebruiker:" + strconv.FormatInt(a.ID, 10))); in || !a.Active || !slices.Contains(caseRoles, a.Role) {
			continue
		}
		out = append(out, a)
	}
	return out
}
