package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// Online consent (Mitz-like). The school's zorgcoördinator asks once (purpose, recipients, data,
// the exact form text); each parent with gezag — and the pupil where the age rules say so —
// signs in, reads the request in plain words, and says yes or no. When the answers satisfy the
// rules of that day the register records the consent (channel digitaal-formulier, the form's
// version and hash) in the same transaction, so the next decision uses it; withdrawing is one
// button and counts from that moment. Parents are shown by name.

// ConsentNames gives the names pages show instead of numbers (*store.DB implements
// ParentNames; OrgNames is wired in main).
type ConsentNames interface {
	ParentNames(ctx context.Context, regionID, pupilID int64) (map[int64]string, error)
}

// OrgRef is an organisation of the region as the consent pages name it.
type OrgRef struct {
	ID    int64
	Name  string
	Party string // convenant party code
}

// ConsentForms keeps the exact text of a form shown (*store.DB).
type ConsentForms interface {
	SaveConsentForm(ctx context.Context, regionID int64, f consent.FormRecord, now time.Time) error
}

// consentAnswer is the ground on which the register records a parent's or pupil's own answer:
// the controller must be able to show the consent (AVG art. 7 lid 1), a legal obligation.
var consentAnswer = Answer{Allowed: true, Ground: "avg-6-1-c", GroundText: "AVG art. 6 lid 1 sub c met art. 7 lid 1 (aantonen van toestemming)",
	Article: "AVG art. 7 lid 1", ProcessingActivity: "urn:grondslag:verwerking:toestemmingsregister"}

// parentGiver is the giver the signed-in person answers as: the parent, or the pupil.
func parentGiver(p *Principal) (consent.Giver, bool) {
	if a := p.Actor(); a.ParentID != 0 {
		return consent.ParentGiver(a.ParentID), true
	} else if a.PupilID != 0 {
		return consent.PupilGiver(), true
	}
	return consent.Giver{}, false
}

// child checks that the signed-in parent has gezag over the pupil (404 otherwise) and returns it.
func (c *consentHandlers) child(ctx context.Context, p *Principal, pupilID int64) (dossier.Pupil, error) {
	a := p.Actor()
	rels, err := c.s.d.Dossiers.PupilRelations(ctx, a, pupilID, c.s.today())
	if err != nil {
		return dossier.Pupil{}, fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	for _, k := range rels {
		if k == dossier.RelGuardian || k == dossier.RelSelf {
			return c.s.d.Dossiers.DossierPupil(ctx, a.RegionID, pupilID, c.s.today(), dossier.Want{})
		}
	}
	return dossier.Pupil{}, errNotFound
}

// namer turns givers, parties and organisations into the words a parent reads.
type namer struct {
	parents map[int64]string
	orgs    map[int64]string
	list    []OrgRef
	cfg     consent.Config
	self    consent.Giver
}

func (c *consentHandlers) namer(ctx context.Context, regionID, pupilID int64, self consent.Giver) (namer, error) {
	cfg, err := c.d.Register.ConfigFor(ctx, regionID)
	if err != nil {
		return namer{}, fmt.Errorf("toestemmingsregels van de regio lezen: %w", err)
	}
	n := namer{cfg: cfg, self: self, parents: map[int64]string{}, orgs: map[int64]string{}}
	if c.d.Names != nil {
		m, err := c.d.Names.ParentNames(ctx, regionID, pupilID)
		if err != nil {
			return n, fmt.Errorf("namen van de ouders lezen: %w", err)
		}
		n.parents = m
	}
	if c.d.Orgs != nil {
		list, err := c.d.Orgs(ctx, regionID)
		if err != nil {
			return n, err
		}
		n.list = list
		for _, o := range list {
			n.orgs[o.ID] = o.Name
		}
	}
	return n, nil
}

func (n namer) giver(g consent.Giver) string {
	s := "de leerling"
	if g.Kind == consent.GiverParent {
		s = n.parents[g.ParentID]
		if s == "" {
			s = "ouder (nummer " + strconv.FormatInt(g.ParentID, 10) + ")"
		}
	}
	if g == n.self {
		if g.Kind == consent.GiverPupil {
			return "jou"
		}
		s += " (u)"
	}
	return s
}

func (n namer) givers(gs []consent.Giver) string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = n.giver(g)
	}
	return joinDutch(out)
}

func (n namer) recipient(r consent.Recipient) string {
	name := r.Party
	if t, ok := n.cfg.Catalog.Parties[r.Party]; ok && t.Name != "" {
		name = t.Name
	}
	if r.OrganisationID != 0 {
		if o := n.orgs[r.OrganisationID]; o != "" {
			return o + " (" + name + ")"
		}
	}
	return name
}

// choices are the recipients a request may name: each party, and each organisation of a party.
func (n namer) choices(parties []Code) []Code {
	var out []Code
	for _, p := range parties {
		out = append(out, Code{Code: p.Code, Label: p.Label + " (elke organisatie)"})
		for _, o := range n.list {
			if o.Party == p.Code {
				out = append(out, Code{Code: p.Code + ":" + strconv.FormatInt(o.ID, 10), Label: o.Name})
			}
		}
	}
	return out
}

func (n namer) category(code string) (string, bool) {
	if t, ok := n.cfg.Catalog.Categories[code]; ok && t.Name != "" {
		return t.Name, t.Special
	}
	return code, false
}

// joinDutch joins "a", "a en b", "a, b en c".
func joinDutch(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " en " + s[len(s)-1]
}

// askView is one consent request as the parent (and the school) sees it.
type askView struct {
	ID         int64
	Status     consent.AskStatus
	Purpose    string // the purpose's name
	Why        string // the purpose's description
	From       string // who asks: the school
	To         []string
	Data       []string
	Special    bool
	Duration   string
	Version    string
	Ref        string
	Note       string
	AskedAt    string
	Answers    []string // "Naam: ja, 3 december 2026"
	Missing    string   // whose answer is still needed, by name
	MayAnswer  bool     // the signed-in person's answer counts and is still open
	MyAnswer   string
	Outcome    string
	ConsentID  int64
	Requires   string // who must answer, in words
	FormText   string
	Withdrawal string
}

func (c *consentHandlers) askView(a consent.Ask, fam consent.Family, n namer, school string, self consent.Giver, formText string) (askView, error) {
	now := c.s.now()
	d := a.Data()
	cfg := n.cfg // the pupil's region's rules
	v := askView{ID: a.ID(), Status: a.Status(), From: school, Version: d.FormVersion, Ref: d.FormHash[:12], Note: d.Note,
		AskedAt: consent.Today(d.AskedAt).Dutch(), ConsentID: a.ConsentID(), FormText: formText}
	if t, ok := cfg.Catalog.Purposes[d.Purpose]; ok {
		v.Purpose, v.Why = t.Name, t.Description
		if self.Kind == consent.GiverPupil {
			v.Why = toPupil(v.Why)
		}
	}
	if v.Purpose == "" {
		v.Purpose = d.Purpose
	}
	for _, r := range d.Recipients {
		v.To = append(v.To, n.recipient(r))
	}
	for _, code := range d.Categories {
		name, special := n.category(code)
		if special {
			name += " (extra beschermd gegeven)"
			v.Special = true
		}
		v.Data = append(v.Data, name)
	}
	v.Duration = "tot u de toestemming intrekt"
	if rule, ok := cfg.Rules.Rule(d.Purpose); ok && rule.ValidMonths > 0 {
		v.Duration = fmt.Sprintf("%d maanden; daarna vraagt de school het opnieuw als dat nog nodig is", rule.ValidMonths)
	}
	for _, ans := range a.Answers() {
		word := "ja"
		if !ans.Yes {
			word = "nee"
		}
		v.Answers = append(v.Answers, fmt.Sprintf("%s: %s, %s (online)", n.giver(ans.Giver), word, consent.Today(ans.At).Dutch()))
		if ans.Giver == self {
			v.MyAnswer = word
		}
	}
	prog, err := a.Progress(fam, cfg.Rules, now)
	if err != nil {
		return v, err
	}
	v.Requires = prog.Requirement.Reason
	switch a.Status() {
	case consent.AskOpen:
		var names []string
		for _, g := range prog.Waiting {
			names = append(names, n.giver(g))
		}
		if prog.AnyOneParent {
			v.Missing = "Nog nodig: een ja van één van deze ouders: " + strings.Join(names, " of ") + "."
		} else if len(names) > 0 {
			v.Missing = "Nog nodig: een ja van " + joinDutch(names) + "."
		}
		for _, g := range prog.Expected {
			if g == self && v.MyAnswer == "" {
				v.MayAnswer = true
			}
		}
	case consent.AskGiven:
		v.Outcome = "Toestemming gegeven"
	case consent.AskRefused:
		v.Outcome = "Geen toestemming: er is nee gezegd"
	}
	return v, nil
}

// consentView is one consent in force (or withdrawn) as the parent sees it.
type consentView struct {
	ID        int64
	State     consent.State
	StateText string
	Purpose   string
	To        []string
	Data      []string
	Givers    string
	Channel   string
	Version   string
	From      string
	Until     string
	Withdrawn string
	Refusal   bool
	MayRevoke bool
	Document  *documentLink // the signed form kept as proof, if any
}

func channelText(ch consent.Channel) string {
	switch ch {
	case consent.ChannelDigital:
		return "online"
	case consent.ChannelWritten:
		return "op papier"
	case consent.ChannelEmail:
		return "per e-mail"
	case consent.ChannelOral:
		return "mondeling (zwak bewijs)"
	}
	return string(ch)
}

func stateText(s consent.State) string {
	switch s {
	case consent.StateValid:
		return "geldt"
	case consent.StateNotYet:
		return "geldt nog niet"
	case consent.StateExpired:
		return "verlopen"
	case consent.StateWithdrawn:
		return "ingetrokken"
	case consent.StateRefused:
		return "geweigerd"
	}
	return string(s)
}

func (c *consentHandlers) consentViews(recs []consent.Record, fam consent.Family, n namer) []consentView {
	now := c.s.now()
	cfg := n.cfg // the pupil's region's rules
	var out []consentView
	for _, r := range recs {
		d := r.Data()
		v := consentView{ID: r.ID(), State: r.StateAt(now), Givers: n.givers(d.Givers), Channel: channelText(d.Channel), Version: d.FormVersion,
			From: d.ValidFrom.Dutch(), Refusal: d.Status == consent.StatusRefused}
		v.StateText = stateText(v.State)
		v.Document = linkDocument(r)
		var ps []string
		for _, p := range d.Purposes {
			if t, ok := cfg.Catalog.Purposes[p]; ok && t.Name != "" {
				p = t.Name
			}
			ps = append(ps, p)
		}
		v.Purpose = joinDutch(ps)
		for _, rc := range d.Recipients {
			v.To = append(v.To, n.recipient(rc))
		}
		for _, code := range d.Categories {
			name, _ := n.category(code)
			v.Data = append(v.Data, name)
		}
		if !d.ValidUntil.IsZero() {
			v.Until = d.ValidUntil.Dutch()
		}
		if w, ok := r.Withdrawal(); ok {
			v.Withdrawn = fmt.Sprintf("%s door %s", consent.Today(w.At).Dutch(), n.giver(w.By))
		}
		if v.State == consent.StateValid || v.State == consent.StateNotYet {
			_, err := consent.NewWithdrawal(r, n.self, now, n.self.String(), "", fam, cfg.Rules)
			v.MayRevoke = err == nil
		}
		out = append(out, v)
	}
	return out
}

// parentPage is /toestemmingen/kind/{id}: the requests for this child and the consents on file.
func (c *consentHandlers) parentPage(w http.ResponseWriter, r *http.Request) error {
	return c.renderParent(w, r, http.StatusOK, nil, "")
}

func (c *consentHandlers) renderParent(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, done string) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	self, ok := parentGiver(p)
	if !ok {
		return errNotFound
	}
	pup, err := c.child(ctx, p, id)
	if err != nil {
		return err
	}
	fam, err := c.d.Register.Family(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	n, err := c.namer(ctx, a.RegionID, id, self)
	if err != nil {
		return err
	}
	asks, err := c.d.Register.AsksOf(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("toestemmingsverzoeken van de leerling lezen: %w", err)
	}
	recs, err := c.d.Register.List(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("toestemmingen van de leerling lezen: %w", err)
	}
	// The parent reads the register about their own child: the right of access (AVG art. 15).
	rec := c.s.auditRecord(ctx, p, pup.Pseudonym, "toestemming", "inzage", parentAnswer, Facts{}, audit.AccessUI, "toestemmingen-ouder")
	if err := c.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
		return fmt.Errorf("auditregels schrijven: %w", err)
	}
	var open, closed []askView
	for _, x := range asks {
		text := ""
		if c.d.FormText != nil {
			if text, err = c.d.FormText(ctx, a.RegionID, x.Data().FormHash); err != nil {
				return fmt.Errorf("tekst van het formulier lezen: %w", err)
			}
		}
		v, err := c.askView(x, fam, n, pup.SchoolName, self, text)
		if err != nil {
			return err
		}
		if x.Status() == consent.AskOpen {
			open = append(open, v)
		} else {
			closed = append(closed, v)
		}
	}
	title := "Toestemmingen voor " + pup.FirstName + " " + pup.LastName
	zelf := self.Kind == consent.GiverPupil
	if zelf {
		title = "Mijn toestemmingen"
	}
	return c.s.renderPage(w, r, status, "toestemming_ouder", title, &consentParentPage{P: pup, Open: open, Afgerond: closed,
		Toestemmingen: c.consentViews(recs, fam, n), Klaar: done, Zelf: zelf}, errs)
}

// consentParentPage is the data of toestemming_ouder.html: the requests for a child (or, Zelf,
// for the pupil) and the consents on file.
type consentParentPage struct {
	View
	P              dossier.Pupil
	Open, Afgerond []askView
	Toestemmingen  []consentView
	Klaar          string // what was just done
	Zelf           bool   // the pupil reads their own
}

// answerSubmit is POST /toestemmingen/verzoek/{id}/antwoord (antwoord=ja|nee).
func (c *consentHandlers) answerSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	askID, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	self, ok := parentGiver(p)
	if !ok {
		return errNotFound
	}
	ask, err := c.d.Register.GetAsk(ctx, a.RegionID, askID)
	if errors.Is(err, consent.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("toestemmingsverzoek lezen: %w", err)
	}
	pupilID := ask.Data().PupilID
	pup, err := c.child(ctx, p, pupilID)
	if err != nil {
		return err
	}
	r.SetPathValue("id", itoa(pupilID))
	var yes bool
	switch r.PostFormValue("antwoord") {
	case "ja":
		yes = true
	case "nee":
	default:
		return c.renderParent(w, r, http.StatusUnprocessableEntity, map[string]string{"antwoord-" + itoa(askID): "Kies ja of nee."}, "")
	}
	base := c.s.auditRecord(ctx, p, pup.Pseudonym, "toestemming", ask.Data().Purpose, consentAnswer, Facts{}, audit.AccessUI, "toestemming-antwoord")
	after, _, err := c.svc.Answer(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "").WithBase(base), askID, self, yes)
	if errors.Is(err, consent.ErrInvalid) || errors.Is(err, consent.ErrWrongGiver) {
		return c.renderParent(w, r, http.StatusConflict, map[string]string{"antwoord-" + itoa(askID): userText(err)}, "")
	}
	if err != nil {
		return fmt.Errorf("antwoord op het verzoek vastleggen: %w", err)
	}
	done := "Uw antwoord is opgeslagen."
	if self.Kind == consent.GiverPupil {
		done = "Je antwoord is opgeslagen."
	}
	switch {
	case after.Status() == consent.AskGiven:
		done += " De toestemming geldt vanaf nu."
	case after.Status() == consent.AskRefused:
		done += " De school deelt deze gegevens niet."
	case yes:
		done += " De toestemming geldt pas als ook de anderen die moeten antwoorden ja zeggen."
	}
	return c.renderParent(w, r, http.StatusOK, nil, done)
}

// revokeSubmit is POST /toestemmingen/kind/{id}/intrekken (toestemming=<id>).
func (c *consentHandlers) revokeSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	pupilID, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	self, ok := parentGiver(p)
	if !ok {
		return errNotFound
	}
	pup, err := c.child(ctx, p, pupilID)
	if err != nil {
		return err
	}
	cid, ok := c.s.ids.decode(kindConsent, r.PostFormValue("toestemming")) // the public id
	if !ok {
		return badField("toestemming", "Kies de toestemming die u wilt intrekken.")
	}
	recd, err := c.d.Register.Get(ctx, a.RegionID, cid)
	if errors.Is(err, consent.ErrNotFound) || (err == nil && recd.Data().PupilID != pupilID) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("toestemming lezen: %w", err)
	}
	base := c.s.auditRecord(ctx, p, pup.Pseudonym, "toestemming", first(recd.Data().Purposes), consentAnswer, Facts{}, audit.AccessUI, "toestemming-intrekken")
	_, _, err = c.svc.WithdrawOwn(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "").WithBase(base), cid, self)
	if errors.Is(err, consent.ErrAlreadyWithdrawn) || errors.Is(err, consent.ErrInvalid) || errors.Is(err, consent.ErrWrongGiver) {
		return c.renderParent(w, r, http.StatusConflict, map[string]string{"intrekken-" + itoa(cid): userText(err)}, "")
	}
	if err != nil {
		return fmt.Errorf("eigen toestemming intrekken: %w", err)
	}
	return c.renderParent(w, r, http.StatusOK, nil, "De toestemming is ingetrokken. Vanaf nu deelt de school niets meer op basis van deze toestemming.")
}

// askSubmit is POST /toestemmingen/leerling/{id}/verzoek: the zorgcoördinator asks the parents
// (and the pupil where the rules say so) for consent online.
func (c *consentHandlers) askSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badField("", "Het formulier kon niet worden gelezen.")
	}
	f := r.PostForm
	purpose := strings.TrimSpace(f.Get("verzoek_doel"))
	pup, err := c.pupil(ctx, p, id)
	if err != nil {
		return err
	}
	// Refuse early (nothing rendered or kept) when the register may not be changed; the service
	// decides again and logs when the request is stored.
	if dec, _, err := c.registerDecision(ctx, p, policy.Record, purpose); err != nil {
		return err
	} else if !dec.Allowed {
		_, err := c.svc.Ask(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "toestemmingsverzoek"), consent.AskDraft{PupilID: id, Purpose: purpose})
		return consentErr(err)
	}
	errs := map[string]string{}
	var recips []consent.Recipient
	for _, s := range f["verzoek_ontvangers"] {
		rc, err := consent.ParseRecipient(s)
		if err != nil {
			errs["verzoek_ontvangers"] = userText(err)
			continue
		}
		recips = append(recips, rc)
	}
	birth, err := consent.ParseDate(pup.BirthDate)
	if err != nil {
		return err
	}
	fam, err := c.d.Register.Family(ctx, a.RegionID, id)
	if err != nil {
		return fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	cfg, err := c.d.Register.ConfigFor(ctx, a.RegionID)
	if err != nil {
		return fmt.Errorf("toestemmingsregels van de regio lezen: %w", err)
	}
	var form consent.Form
	if len(errs) == 0 {
		contact := p.DisplayName() + ", " + roleLabel(p.Role()) + ", " + p.Account.Email
		form, err = consent.RenderForm(consent.FormInput{Organisation: p.Account.OrgName, Contact: contact, PupilID: id, PupilName: pup.FirstName + " " + pup.LastName,
			BirthDate: birth, Guardians: fam.GezagCount(), Purpose: purpose, Date: consent.Today(c.s.now())}, cfg)
		if err != nil {
			errs["verzoek_doel"] = userText(err)
		}
	}
	if len(errs) == 0 && c.d.Forms != nil {
		if err := c.d.Forms.SaveConsentForm(ctx, a.RegionID, consent.FormRecord{Hash: form.Hash, Version: form.Version, PupilID: id, Purpose: purpose,
			Text: form.Text, HTML: string(form.HTML)}, c.s.now()); err != nil {
			return fmt.Errorf("getekend formulier opslaan: %w", err)
		}
	}
	if len(errs) == 0 {
		_, err = c.svc.Ask(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "toestemmingsverzoek"), consent.AskDraft{PupilID: id, Purpose: purpose, Recipients: recips,
			Categories: f["verzoek_categorieen"], FormVersion: form.Version, FormHash: form.Hash, AskedBy: recorder(p), AskedAt: c.s.now(), Note: f.Get("verzoek_toelichting")})
		switch {
		case errors.Is(err, consent.ErrInvalid) || errors.Is(err, consent.ErrUnknownPurpose):
			field := "verzoek_doel"
			if msg := err.Error(); strings.Contains(msg, "ontvanger") || strings.Contains(msg, "te geven") {
				field = "verzoek_ontvangers"
			} else if strings.Contains(msg, "categorie") || strings.Contains(msg, "te delen") {
				field = "verzoek_categorieen"
			} else if strings.Contains(msg, "toelichting") {
				field = "verzoek_toelichting"
			}
			errs[field] = userText(err)
		case err != nil:
			return consentErr(err)
		default:
			http.Redirect(w, r, "/toestemmingen/leerling/"+c.s.pid(kindPupil, id)+"?gevraagd=1#verzoeken", http.StatusSeeOther)
			return nil
		}
	}
	keep := map[string]string{}
	for k, v := range f {
		if k != "csrf" {
			keep[k] = strings.Join(v, ",")
		}
	}
	return c.renderPupil(w, r, http.StatusBadRequest, keep, errs, nil)
}

// schoolAsks are the requests shown on the zorgcoördinator's page, with what is missing, by name.
func (c *consentHandlers) schoolAsks(ctx context.Context, regionID, pupilID int64, school string) ([]askView, error) {
	if !c.d.Register.Asks() {
		return nil, nil
	}
	asks, err := c.d.Register.AsksOf(ctx, regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("toestemmingsverzoeken van de leerling lezen: %w", err)
	}
	fam, err := c.d.Register.Family(ctx, regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	n, err := c.namer(ctx, regionID, pupilID, consent.Giver{})
	if err != nil {
		return nil, err
	}
	var out []askView
	for _, a := range asks {
		v, err := c.askView(a, fam, n, school, consent.Giver{}, "")
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// toPupil rewrites a convenant text written for parents ("Hulp voor uw kind of uw gezin") to
// address the pupil who reads it on their own page ("Hulp voor jou of je gezin").
func toPupil(s string) string {
	return strings.NewReplacer("uw kind", "jou", "Uw kind", "Jij", "uw ", "je ", "Uw ", "Je ", " u ", " je ").Replace(s)
}
