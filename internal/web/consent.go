package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// The consent register on the server (issue 6 on the server of issue 7): record a consent for a
// pupil, list a pupil's consents, withdraw one (the next decision sees it: the register reads the
// store on every decision), the printable toestemmingsformulier, and the consents expiring within
// 30 days. Keeping the register is itself processing: the policy decides (action vastleggen or
// lezen, category toestemming, under the purpose the convenant places the register in), and the
// audit entry of a change is written in the same transaction as the change when Seal is set.

// ToestemmingDeps are the collaborators of the consent pages.
type ToestemmingDeps struct {
	Register *consent.Register
	// Families gives a pupil's parents with gezag (for the givers of the form); *store.DB.
	Families interface {
		ConsentFamily(ctx context.Context, regionID, pupilID int64) (consent.Family, error)
	}
	// Expiring reads the candidates of /toestemmingen/verlopend in one query; *store.DB.
	Expiring ExpiringConsents
	// Seal returns the encrypter of a region's audit entries (the pupil's pseudonym is encrypted
	// into the entry). With it, the audit entry of a record or withdrawal is appended in the
	// store's transaction; without it, through the server's auditor right after.
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
	// Names gives parents' names (optional; without it parents show by number).
	Names ConsentNames
	// Orgs lists the region's organisations (optional; for names and the recipients to choose).
	Orgs func(ctx context.Context, regionID int64) ([]OrgRef, error)
	// Forms keeps the exact form text of an online request; FormText reads it back. Both are
	// needed for online consent requests (with a Register that keeps asks, consent.WithAsks).
	Forms    ConsentForms
	FormText func(ctx context.Context, regionID int64, hash string) (string, error)
}

// ScopeToestemmingenVastleggen is the API scope for recording and withdrawing consents.
const ScopeToestemmingenVastleggen = auth.ScopeToestemmingenVastleggen

var (
	consentRoles     = []string{auth.RoleZorgcoordinator}
	consentReadRoles = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleDirecteur}
)

type consentHandlers struct {
	s   *Server
	d   ToestemmingDeps
	svc *consent.Service // record and withdraw: the same use case as the CLI's
}

// MountToestemming adds the consent pages (/toestemmingen…) and API to the server.
func (s *Server) MountToestemming(d ToestemmingDeps) error {
	if d.Register == nil || d.Families == nil || d.Expiring == nil {
		return errors.New("web: MountToestemming vraagt Register, Families en Expiring")
	}
	svc, err := consent.NewService(consent.ServiceDeps{Register: d.Register, Decisions: s.d.Access, Log: s.d.Audit, Seal: d.Seal, Now: s.now})
	if err != nil {
		return err
	}
	c := &consentHandlers{s: s, d: d, svc: svc}
	s.page("GET /toestemmingen/leerling/{id}", s.requireUser(consentReadRoles, c.pupilPage))
	s.page("POST /toestemmingen/leerling/{id}", s.requireUser(consentRoles, c.recordSubmit))
	s.page("GET /toestemmingen/leerling/{id}/formulier", s.requireUser(consentRoles, c.formPage))
	s.page("GET /toestemmingen/leerling/{id}/formulier.pdf", s.requireUser(consentRoles, c.formPage))
	s.page("POST /toestemmingen/intrekking/{id}", s.requireUser(consentRoles, c.withdrawSubmit))
	s.page("GET /toestemmingen/leerling/{pupil}/bewijs/{id}", s.requireUser(consentReadRoles, c.documentPage))
	s.page("GET /toestemmingen/verlopend", s.requireUser(consentRoles, c.expiring))
	if d.Register.Asks() && d.Forms != nil {
		parent := []string{auth.RoleOuder, auth.RoleLeerling}
		s.page("GET /toestemmingen/kind/{id}", s.requireUser(parent, c.parentPage))
		s.page("POST /toestemmingen/verzoek/{id}/antwoord", s.requireUser(parent, c.answerSubmit))
		s.page("POST /toestemmingen/kind/{id}/intrekken", s.requireUser(parent, c.revokeSubmit))
		s.page("GET /toestemmingen/kind/{pupil}/bewijs/{id}", s.requireUser(parent, c.ownDocumentPage))
		s.page("POST /toestemmingen/leerling/{id}/verzoek", s.requireUser(consentRoles, c.askSubmit))
		s.onlineConsent = true
	}
	s.apiRoute("GET /api/v1/toestemmingen", s.apiAuth(consentReadRoles, auth.ScopeToestemmingenLezen, c.apiList))
	s.apiRoute("POST /api/v1/toestemmingen", s.apiAuth(consentRoles, ScopeToestemmingenVastleggen, c.apiRecord))
	s.apiRoute("POST /api/v1/toestemmingen/{id}/intrekking", s.apiAuth(consentRoles, ScopeToestemmingenVastleggen, c.apiWithdraw))
	s.apiRoute("GET /api/v1/toestemming-nodig", s.apiAuth(professionalRoles, auth.ScopeToestemmingenLezen, c.apiNeeded))
	s.documentToestemming()
	return nil
}

// registerDecision decides whether the principal may act on the consent register, under the
// purpose the convenant places the register in: the first purpose of the convenant that allows
// it, preferring prefer (the consent's own purpose) when that one does.
func (c *consentHandlers) registerDecision(ctx context.Context, p *Principal, act policy.Action, prefer string) (access.Decision, string, error) {
	a := p.Actor()
	return c.svc.Decide(ctx, a.RegionID, policy.Actor{Party: a.Party, Role: a.Role}, act, prefer)
}

// change is who changes the register, for the consent service.
func (c *consentHandlers) change(ctx context.Context, p *Principal, pseudonym string, point audit.AccessPoint, name string) consent.Change {
	a := p.Actor()
	return consent.Change{RegionID: a.RegionID, Actor: policy.Actor{Party: a.Party, Role: a.Role},
		Base: c.s.auditRecord(ctx, p, pseudonym, "toestemming", "", Answer{}, Facts{}, point, name)}
}

// consentErr turns the service's refusal into a 403.
func consentErr(err error) error {
	var no *access.DeniedError
	if errors.As(err, &no) {
		return denied(no.Decision)
	}
	return err
}

// pupil checks the principal's relation with the pupil: a school keeps consents only for pupils
// enrolled there; anything else is 404.
func (c *consentHandlers) pupil(ctx context.Context, p *Principal, pupilID int64) (dossier.Pupil, error) {
	a := p.Actor()
	rels, err := c.s.d.Dossiers.PupilRelations(ctx, a, pupilID, c.s.today())
	if err != nil {
		return dossier.Pupil{}, fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	ok := false
	for _, k := range rels {
		ok = ok || k == dossier.RelEnrolled
	}
	if !ok {
		return dossier.Pupil{}, errNotFound
	}
	return c.s.d.Dossiers.DossierPupil(ctx, a.RegionID, pupilID, c.s.today(), dossier.Want{Contact: true})
}

// recorder is who records: the user, or the API client of an organisation.
func recorder(p *Principal) string {
	if p.Client != nil {
		return "api-client:" + itoa(p.Client.ID)
	}
	return "gebruiker:" + itoa(p.Account.ID)
}

// consentInput is a consent as entered in the form or the API.
type consentInput struct {
	Status, Purposes, Recipients, Categories, Givers []string
	Channel, HeardBy, FormVersion, FormHash          string
	// Discloser is the party whose disclosure the consent allows ("" the school; ggd, jeugdhulp).
	Discloser                            string
	Evidence, GivenAt, From, Until, Note string
	// Document is the uploaded signed form (checked by consent.NewDocument), or nil.
	Document *consent.Document
}

// consentField names the form field a consent error is about (consent.New returns Dutch
// messages that say what to mend; this ties them to a field).
func consentField(err error) string {
	if errors.Is(err, consent.ErrWrongGiver) {
		return "gevers"
	}
	msg := err.Error()
	for _, m := range []struct{ key, field string }{
		{"getekend formulier", "bestand"}, {"bewijsbestand", "bestand"}, {"geüploade formulier", "bestand"},
		{"verstrekker", "verstrekker"}, {"gever", "gevers"}, {"wie de toestemming gaf", "gevers"}, {"mondeling", "gehoord_door"}, {"bewijs", "bewijs"},
		{"formulier", "formulier_hash"}, {"ontvanger", "ontvangers"}, {"categorie", "categorieen"}, {"te delen", "categorieen"},
		{"vorm", "kanaal"}, {"kanaal", "kanaal"}, {"via ", "kanaal"}, {"geldig tot", "geldig_tot"}, {"maanden", "geldig_tot"},
		{"geldig vanaf", "geldig_van"}, {"begindatum", "geldig_van"}, {"doel", "doelen"}, {"status", "status"}, {"moment", "gegeven_op"},
	} {
		if strings.Contains(msg, m.key) {
			return m.field
		}
	}
	return "doelen"
}

// draft turns the input into a consent.Draft; parse errors are tied to fields.
func (c *consentHandlers) draft(p *Principal, pupilID int64, in consentInput) (consent.Draft, map[string]string) {
	errs := map[string]string{}
	d := consent.Draft{PupilID: pupilID, Status: consent.StatusGiven, Purposes: in.Purposes, Categories: in.Categories,
		Channel: consent.Channel(strings.TrimSpace(in.Channel)), HeardBy: in.HeardBy, FormVersion: strings.TrimSpace(in.FormVersion),
		FormHash: in.FormHash, EvidenceHash: strings.TrimSpace(in.Evidence), Document: in.Document, RecordedBy: recorder(p), Note: strings.TrimSpace(in.Note),
		Discloser: strings.TrimSpace(in.Discloser)}
	if len(in.Status) > 0 && in.Status[0] == string(consent.StatusRefused) {
		d.Status = consent.StatusRefused
	}
	for _, g := range in.Givers {
		giver, err := consent.ParseGiver(g)
		if err != nil {
			errs["gevers"] = strings.TrimPrefix(err.Error(), consent.ErrInvalid.Error()+": ")
			continue
		}
		d.Givers = append(d.Givers, giver)
	}
	for _, r := range in.Recipients {
		rc, err := consent.ParseRecipient(r)
		if err != nil {
			errs["ontvangers"] = strings.TrimPrefix(err.Error(), consent.ErrInvalid.Error()+": ")
			continue
		}
		d.Recipients = append(d.Recipients, rc)
	}
	d.GivenAt = c.s.now()
	if s := strings.TrimSpace(in.GivenAt); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, c.s.cfg.Location)
		if err != nil {
			errs["gegeven_op"] = "De datum van geven is geen geldige datum (JJJJ-MM-DD)."
		} else {
			d.GivenAt = t.Add(12 * time.Hour)
			if d.GivenAt.After(c.s.now()) {
				d.GivenAt = c.s.now()
			}
		}
	}
	parse := func(field, s string) consent.Date {
		if strings.TrimSpace(s) == "" {
			return consent.Date{}
		}
		day, err := consent.ParseDate(strings.TrimSpace(s))
		if err != nil {
			errs[field] = "Dit is geen geldige datum. Schrijf JJJJ-MM-DD."
		}
		return day
	}
	d.ValidFrom = parse("geldig_van", in.From)
	d.ValidUntil = parse("geldig_tot", in.Until)
	return d, errs
}

// record validates and stores a consent with its audit entry.
func (c *consentHandlers) record(ctx context.Context, p *Principal, pupilID int64, in consentInput, point audit.AccessPoint) (consent.Record, map[string]string, error) {
	pup, err := c.pupil(ctx, p, pupilID)
	if err != nil {
		return consent.Record{}, nil, err
	}
	d, errs := c.draft(p, pupilID, in)
	if len(errs) > 0 {
		// Bad input is answered before the policy is asked (nothing is recorded either way).
		return consent.Record{}, errs, nil
	}
	out, err := c.svc.Record(ctx, c.change(ctx, p, pup.Pseudonym, point, "toestemming-vastleggen"), d)
	if errors.Is(err, consent.ErrInvalid) || errors.Is(err, consent.ErrWrongGiver) || errors.Is(err, consent.ErrUnknownPurpose) {
		return consent.Record{}, map[string]string{consentField(err): userText(err)}, nil
	}
	if err != nil {
		return consent.Record{}, nil, consentErr(err)
	}
	return out, nil, nil
}

func userText(err error) string {
	s := err.Error()
	for _, p := range []error{consent.ErrInvalid, consent.ErrWrongGiver} {
		s = strings.TrimPrefix(s, p.Error()+": ")
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// withdraw withdraws consent id on behalf of by; it returns the shares that rested on it.
func (c *consentHandlers) withdraw(ctx context.Context, p *Principal, id int64, by, note string, point audit.AccessPoint) (consent.Record, []consent.Use, error) {
	a := p.Actor()
	rec0, err := c.d.Register.Get(ctx, a.RegionID, id)
	if errors.Is(err, consent.ErrNotFound) {
		return rec0, nil, errNotFound
	}
	if err != nil {
		return rec0, nil, fmt.Errorf("toestemming lezen: %w", err)
	}
	pup, err := c.pupil(ctx, p, rec0.Data().PupilID)
	if err != nil {
		return rec0, nil, err
	}
	g, err := consent.ParseGiver(by)
	if err != nil {
		return rec0, nil, badField("namens", "Kies namens wie de toestemming wordt ingetrokken.")
	}
	_, uses, err := c.svc.Withdraw(ctx, c.change(ctx, p, pup.Pseudonym, point, "toestemming-intrekken"), id, g, time.Time{}, recorder(p), note)
	switch {
	case errors.Is(err, consent.ErrAlreadyWithdrawn):
		return rec0, nil, &Error{Status: http.StatusConflict, Title: "Al ingetrokken", Detail: userText(err), Field: "namens", Err: err}
	case errors.Is(err, consent.ErrInvalid), errors.Is(err, consent.ErrWrongGiver):
		return rec0, nil, &Error{Status: http.StatusUnprocessableEntity, Title: "Intrekken niet mogelijk", Detail: userText(err), Field: "namens", Err: err}
	case err != nil:
		return rec0, nil, consentErr(err)
	}
	return rec0, uses, nil
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// consentRow is a consent as the pages show it.
type consentRow struct {
	ID         int64
	State      consent.State
	Status     consent.Status
	Purposes   string
	Recipients string
	Categories string
	Givers     string
	Channel    consent.Channel
	Weak       bool
	From       string
	Until      string
	Withdrawn  string
	Withdraw   []string // givers who may withdraw (giver codes)
	// WithdrawNames are the names of Withdraw, in the same order.
	WithdrawNames []string
	// Document is the signed form kept as proof, if any.
	Document *documentLink
}

func (c *consentHandlers) rows(recs []consent.Record, n namer) []consentRow {
	now := c.s.now()
	var out []consentRow
	for _, r := range recs {
		d := r.Data()
		row := consentRow{ID: r.ID(), State: r.StateAt(now), Status: d.Status, Purposes: strings.Join(d.Purposes, ", "), Categories: strings.Join(d.Categories, ", "),
			Channel: d.Channel, Weak: d.Channel.WeakEvidence(), From: d.ValidFrom.String()}
		var rs, gs []string
		for _, x := range d.Recipients {
			rs = append(rs, x.String())
		}
		var names []string
		for _, g := range d.Givers {
			gs = append(gs, g.String())
			names = append(names, n.giver(g))
		}
		row.Recipients, row.Givers, row.Withdraw = strings.Join(rs, ", "), joinDutch(names), gs
		row.WithdrawNames = names
		row.Document = linkDocument(r)
		if !d.ValidUntil.IsZero() {
			row.Until = d.ValidUntil.String()
		}
		if w, ok := r.Withdrawal(); ok {
			row.Withdrawn = w.At.In(c.s.cfg.Location).Format("02-01-2006 15:04") + " namens " + n.giver(w.By)
		}
		out = append(out, row)
	}
	return out
}

// list reads a pupil's consents, decided and audited.
func (c *consentHandlers) list(ctx context.Context, p *Principal, pupilID int64, point audit.AccessPoint) (dossier.Pupil, []consent.Record, error) {
	a := p.Actor()
	pup, err := c.pupil(ctx, p, pupilID)
	if err != nil {
		return pup, nil, err
	}
	dec, purpose, err := c.registerDecision(ctx, p, policy.Read, "")
	if err != nil {
		return pup, nil, err
	}
	if err := c.s.d.Audit.Append(ctx, a.RegionID, c.s.decisionRecord(ctx, p, pup.Pseudonym, []string{"toestemming"}, purpose, audit.ActionRead, dec, "", point, "toestemmingen-lezen")); err != nil {
		return pup, nil, fmt.Errorf("auditregels schrijven: %w", err)
	}
	if !dec.Allowed {
		return pup, nil, denied(dec)
	}
	recs, err := c.d.Register.List(ctx, a.RegionID, pupilID)
	return pup, recs, err
}

func (c *consentHandlers) pupilPage(w http.ResponseWriter, r *http.Request) error {
	return c.renderPupil(w, r, http.StatusOK, nil, nil, nil)
}

// consentPupilPage is the data of toestemming_leerling.html: a pupil's consents and the forms to
// record, ask and withdraw one.
type consentPupilPage struct {
	View
	P              dossier.Pupil
	Toestemmingen  []consentRow
	In             map[string]string // the record form (as posted, or its defaults)
	Ouders         []guardianOption  // the parents with gezag, who can give or withdraw
	Doelen         []string          // the purposes of the consent rules
	Verstrekkers   []Code            // parties whose own disclosure asks its own consent
	Formulieren    []Code            // purposes with a printable consent form
	Vocab          Vocabulary
	Kanalen        []consent.Channel
	MagVastleggen  bool // the user may record and ask (the zorgcoördinator)
	Verzoeken      []askView
	MaxBestand     string // the largest signed form accepted, in words
	Online         bool   // parents can answer online
	Uitnodigen     bool   // the pupil can be invited to the pupils' portal
	Uitgenodigd    bool   // the invitation was just sent
	Gevraagd       bool   // the request was just sent
	OntvangerKeuze []Code
	// After a withdrawal: the consent withdrawn and the disclosures that rested on it.
	Ingetrokken    int64
	Verstrekkingen []consent.Use
}

// guardianOption is a parent with gezag as a choice of the consent forms.
type guardianOption struct{ Code, Naam string }

// withdrawn is what the pupil's page says after a withdrawal.
type withdrawn struct {
	id   int64
	uses []consent.Use
}

func (c *consentHandlers) renderPupil(w http.ResponseWriter, r *http.Request, status int, in map[string]string, errs map[string]string, after *withdrawn) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	pup, recs, err := c.list(r.Context(), p, id, audit.AccessUI)
	if err != nil {
		return err
	}
	if in == nil {
		in = map[string]string{"kanaal": string(consent.ChannelWritten), "formulier_versie": consent.FormVersion}
	}
	cfg, err := c.d.Register.ConfigFor(r.Context(), p.Actor().RegionID)
	if err != nil {
		return fmt.Errorf("toestemmingsregels van de regio lezen: %w", err)
	}
	fam, err := c.d.Families.ConsentFamily(r.Context(), p.Actor().RegionID, id)
	if err != nil {
		return fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	n, err := c.namer(r.Context(), p.Actor().RegionID, id, consent.Giver{})
	if err != nil {
		return err
	}
	var guardians []guardianOption
	for _, g := range fam.Guardians {
		if g.Gezag {
			guardians = append(guardians, guardianOption{Code: "ouder:" + itoa(g.ParentID), Naam: n.giver(consent.ParentGiver(g.ParentID)) + ", ouder met gezag"})
		}
	}
	asks, err := c.schoolAsks(r.Context(), p.Actor().RegionID, id, "")
	if err != nil {
		return err
	}
	data := &consentPupilPage{P: pup, Toestemmingen: c.rows(recs, n), In: in, Ouders: guardians, Doelen: cfg.Rules.Purposes(),
		Verstrekkers: disclosers(c.s.vocabOf(p), cfg.Rules),
		Formulieren:  c.formPurposes(p, cfg, pup, fam.GezagCount()),
		Vocab:        c.s.vocabOf(p), Kanalen: consent.Channels, MagVastleggen: p.Role() == auth.RoleZorgcoordinator,
		Verzoeken: asks, MaxBestand: sizeText(consent.MaxDocumentSize), Online: c.s.onlineConsent, Uitnodigen: c.s.portal.Pupils != nil && p.Role() == auth.RoleZorgcoordinator, Uitgenodigd: r.URL.Query().Get("uitgenodigd") != "", OntvangerKeuze: n.choices(c.s.vocabOf(p).Parties), Gevraagd: r.URL.Query().Get("gevraagd") != ""}
	if after != nil {
		data.Ingetrokken, data.Verstrekkingen = after.id, after.uses
	}
	return c.s.renderPage(w, r, status, "toestemming_leerling", "Toestemmingen van "+pup.FirstName+" "+pup.LastName, data, errs)
}

func (c *consentHandlers) recordSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badField("", "Het formulier kon niet worden gelezen.")
	}
	f := r.PostForm
	doc, docErr := uploadedDocument(r, "bestand")
	in := consentInput{Status: f["status"], Purposes: f["doelen"], Recipients: f["ontvangers"], Categories: f["categorieen"], Givers: f["gevers"],
		Channel: f.Get("kanaal"), HeardBy: f.Get("gehoord_door"), FormVersion: f.Get("formulier_versie"), FormHash: f.Get("formulier_hash"),
		Evidence: f.Get("bewijs"), GivenAt: f.Get("gegeven_op"), From: f.Get("geldig_van"), Until: f.Get("geldig_tot"), Note: f.Get("notitie"),
		Discloser: f.Get("verstrekker")}
	if strings.TrimSpace(in.Evidence) != "" && len(strings.TrimSpace(in.Evidence)) != 64 {
		// The form lets the user paste the text of the evidence (e.g. the e-mail); keep only its hash.
		sum := sha256.Sum256([]byte(in.Evidence))
		in.Evidence = hex.EncodeToString(sum[:])
	}
	in.Document = doc
	var errs map[string]string
	if docErr != "" {
		errs = map[string]string{"bestand": docErr}
	} else if _, errs, err = c.record(r.Context(), p, id, in, audit.AccessUI); err != nil {
		return err
	}
	if len(errs) > 0 {
		keep := map[string]string{}
		for k, v := range f {
			if k != "csrf" {
				keep[k] = strings.Join(v, ",")
			}
		}
		return c.renderPupil(w, r, http.StatusBadRequest, keep, errs, nil)
	}
	http.Redirect(w, r, "/toestemmingen/leerling/"+c.s.pid(kindPupil, id)+"?vastgelegd=1", http.StatusSeeOther)
	return nil
}

func (c *consentHandlers) withdrawSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rec, uses, err := c.withdraw(r.Context(), p, id, r.PostFormValue("namens"), strings.TrimSpace(r.PostFormValue("notitie")), audit.AccessUI)
	var e *Error
	if errors.As(err, &e) && e.Field != "" && rec.ID() != 0 {
		r.SetPathValue("id", itoa(rec.Data().PupilID))
		return c.renderPupil(w, r, e.Status, nil, map[string]string{"namens-" + itoa(id): e.Detail}, nil)
	}
	if err != nil {
		return err
	}
	r.SetPathValue("id", itoa(rec.Data().PupilID))
	return c.renderPupil(w, r, http.StatusOK, nil, nil, &withdrawn{id: id, uses: uses})
}

// formPurposes are the purposes for which a consent form can be printed for this pupil today:
// the convenant names recipients and data for the purpose, and consent is needed (issue 15: the
// page linked a form for signalering, which needs no consent, and that link answered 400).
func (c *consentHandlers) formPurposes(p *Principal, cfg consent.Config, pup dossier.Pupil, guardians int) []Code {
	birth, err := consent.ParseDate(pup.BirthDate)
	if err != nil {
		return nil
	}
	today := consent.Today(c.s.now())
	var out []Code
	for _, pc := range c.s.vocabOf(p).Purposes {
		scope, ok := cfg.Catalog.Scopes[pc.Code]
		if !ok || len(scope.Recipients) == 0 || len(scope.Categories) == 0 {
			continue
		}
		if q, err := cfg.Rules.Needed(birth, today, pc.Code, guardians); err != nil || !q.Needed() {
			continue
		}
		out = append(out, pc)
	}
	return out
}

func (c *consentHandlers) formPage(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	purpose := r.URL.Query().Get("doel")
	pup, err := c.pupil(r.Context(), p, id)
	if err != nil {
		return err
	}
	// The form names the pupil: identification data under the register's purpose.
	dec, regPurpose, err := c.registerDecision(r.Context(), p, policy.Record, purpose)
	if err != nil {
		return err
	}
	f, err := c.s.pupilFacts(r.Context(), p, id, regPurpose)
	if err != nil {
		return err
	}
	ident, err := c.s.decideWith(r.Context(), p, f, policy.Read, "identificatie", regPurpose, policy.Actor{})
	if err != nil {
		return err
	}
	if !ident.Allowed {
		dec = ident
	}
	if err := c.s.d.Audit.Append(r.Context(), p.Actor().RegionID, c.s.decisionRecord(r.Context(), p, pup.Pseudonym, []string{"identificatie", "toestemming"}, regPurpose, audit.ActionRead, dec, "", audit.AccessUI, "toestemmingsformulier")); err != nil {
		return fmt.Errorf("auditregels schrijven: %w", err)
	}
	if !dec.Allowed {
		return denied(dec)
	}
	birth, err := consent.ParseDate(pup.BirthDate)
	if err != nil {
		return err
	}
	fam, err := c.d.Families.ConsentFamily(r.Context(), p.Actor().RegionID, id)
	if err != nil {
		return fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	cfg, err := c.d.Register.ConfigFor(r.Context(), p.Actor().RegionID)
	if err != nil {
		return fmt.Errorf("toestemmingsregels van de regio lezen: %w", err)
	}
	gez := fam.GezagCount()
	contact := p.DisplayName() + ", " + roleLabel(p.Role()) + ", " + p.Account.Email
	form, err := consent.RenderForm(consent.FormInput{Organisation: p.Account.OrgName, Contact: contact, PupilID: id, PupilName: pup.FirstName + " " + pup.LastName,
		BirthDate: birth, Guardians: gez, Purpose: purpose, Date: consent.Today(c.s.now())}, cfg)
	if err != nil {
		if errors.Is(err, consent.ErrInvalid) || errors.Is(err, consent.ErrUnknownPurpose) {
			return &Error{Status: http.StatusBadRequest, Title: "Geen formulier", Detail: userText(err), Field: "doel", Err: err}
		}
		return fmt.Errorf("toestemmingsformulier maken: %w", err)
	}
	// Keep the exact wording, so that the kenmerk printed on the returned paper finds it back.
	if c.d.Forms != nil {
		if err := c.d.Forms.SaveConsentForm(r.Context(), p.Actor().RegionID, consent.FormRecord{Hash: form.Hash, Version: form.Version, PupilID: id, Purpose: purpose,
			Text: form.Text, HTML: string(form.HTML)}, c.s.now()); err != nil {
			return fmt.Errorf("getekend formulier opslaan: %w", err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		doc, err := form.PDF()
		if err != nil {
			return fmt.Errorf("pdf maken: %w", err)
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="toestemmingsformulier-%s-%s.pdf"`, purpose, form.Ref()))
		_, err = w.Write(doc)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write(form.HTML)
	return err
}

// disclosers are the parties, besides the school, whose disclosure asks its own consent (the
// jeugdarts, the jeugdhulpverlener), labelled with the rule's source.
func disclosers(v Vocabulary, rules *consent.Rules) []Code {
	var out []Code
	for _, party := range rules.Disclosers() {
		label := Label(v.Parties, party)
		for _, purpose := range rules.Purposes() {
			if r, ok := rules.OwnRule(purpose, party); ok {
				label += " (" + r.Source + ")"
				break
			}
		}
		out = append(out, Code{Code: party, Label: label})
	}
	return out
}
