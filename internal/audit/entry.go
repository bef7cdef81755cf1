package audit

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"
)

// Action is what was done (or asked) with the data. The values are the Dutch codes stored in
// the log.
type Action string

const (
	ActionRead    Action = "lezen"
	ActionCreate  Action = "aanmaken"
	ActionUpdate  Action = "wijzigen"
	ActionDelete  Action = "verwijderen"
	ActionShare   Action = "delen"     // provided to another party
	ActionReceive Action = "ontvangen" // received from another party
	ActionExport  Action = "exporteren"
	ActionImport  Action = "importeren"
	ActionDestroy Action = "vernietigen" // retention purge, crypto-shredding
)

var actions = []Action{ActionRead, ActionCreate, ActionUpdate, ActionDelete, ActionShare, ActionReceive, ActionExport, ActionImport, ActionDestroy}

// Outcome is the decision: allowed or denied.
type Outcome string

const (
	Allowed Outcome = "toegestaan"
	Denied  Outcome = "geweigerd"
)

// AccessPoint is where the access came in (NEN 7513 "toegangspunt").
type AccessPoint string

const (
	AccessAPI AccessPoint = "api"
	AccessUI  AccessPoint = "ui"
	AccessCLI AccessPoint = "cli"
	AccessJob AccessPoint = "job"
)

// Actor is who acted: a professional user with their organisation, a parent (ouder, e.g. for
// inzage), or an API client (a system of a party, with its organisation) — exactly one of
// UserID, ParentID and ClientID — and the role they acted in. A job (access point "job") may act
// without any of them.
type Actor struct {
	UserID   int64
	ParentID int64
	ClientID int64
	// Self is the pupil acting on their own data (signed in with a pupil account: consent from
	// 16, or from 12 for JGZ/jeugdhulp; inzage from 16). The entry's pupil is the actor.
	Self           bool
	OrganisationID int64
	Role           string
}

// ForeignOperation names the other party's operation in an exchange across organisations
// (Logboek Dataverwerkingen foreign_operation): its trace and operation id, and the URI of the
// other party (entity).
type ForeignOperation struct {
	TraceID     TraceID
	OperationID OperationID
	Entity      string
}

// Record holds the fields of an entry as the caller fills them in. NewEntry checks it.
type Record struct {
	Time       time.Time // when the decision was taken; stored in milliseconds
	Actor      Actor
	OnBehalfOf int64 // user id of the responsible user acted for; 0 if none

	Pupil       string   // the pupil's pseudonym (never a BSN, name or content); "" if the access concerns no single pupil
	Categories  []string // data categories (codes from the convenant); stored sorted, without duplicates
	Action      Action
	Purpose     string // purpose code from the convenant
	LegalGround string // e.g. "avg-6-1-e"; the policy's legal ground code
	Article     string // convenant article, e.g. "art. 5 lid 2"
	// ConvenantVersion is the hash (hex) of the convenant version the decision was taken under.
	ConvenantVersion string
	ConsentID        int64  // consent record relied on; 0 if none
	Melding          string // DUO verzuimmelding number relied on; "" if none
	Emergency        bool   // emergency access (NEN 7513 "noodtoegang")

	Outcome Outcome
	Reason  string // reason code; required when denied
	// Failure is a code (e.g. "duo-afgewezen") when an allowed processing failed: the other party
	// refused or the exchange broke off. The Logboek record then has status_code 2 (ERROR) and the
	// code in dpl.grondslag.fout. Only with Outcome Allowed; "" for a processing that succeeded.
	Failure string

	AccessPoint AccessPoint
	RequestID   string // links the sender's and receiver's entries of one exchange

	// Logboek Dataverwerkingen.
	TraceID           TraceID
	OperationID       OperationID
	ParentOperationID OperationID // zero if none
	Foreign           *ForeignOperation
	Name              string    // name of the operation
	Start, End        time.Time // zero: both equal Time
	// ProcessingActivity is the URI of the activity in the verwerkingsregister (AVG art. 30)
	// (dpl.core.processing_activity_id). Required when the outcome is allowed.
	ProcessingActivity string
}

// Encrypter encrypts a value with authenticated encryption (AEAD). The region's data key
// (internal/ident key ring) supplies it; additionalData is bound to the ciphertext.
type Encrypter interface {
	Encrypt(plaintext, additionalData []byte) ([]byte, error)
}

// EncryptFunc adapts a function to Encrypter.
type EncryptFunc func(plaintext, additionalData []byte) ([]byte, error)

// Encrypt calls f.
func (f EncryptFunc) Encrypt(p, ad []byte) ([]byte, error) { return f(p, ad) }

// SubjectAAD is the additional data bound to the encrypted data subject id.
const SubjectAAD = "grondslag/audit/data_subject_id"

// Entry is one validated audit entry. Build it with NewEntry; the zero Entry is not valid.
type Entry struct {
	r       Record
	subject []byte // encrypted data subject id (the pupil's pseudonym); nil if no pupil
}

// ErrInvalidEntry is wrapped by every validation error of NewEntry and DecodeLeaf.
var ErrInvalidEntry = errors.New("ongeldige auditregel")

// NewEntry checks r and returns the entry. When r names a pupil, enc encrypts the pupil's
// pseudonym into the entry's data subject id (Logboek dpl.core.data_subject_id).
func NewEntry(r Record, enc Encrypter) (Entry, error) {
	r = normalise(r)
	if err := validate(r); err != nil {
		return Entry{}, err
	}
	var subject []byte
	if r.Pupil != "" {
		if enc == nil {
			return Entry{}, fmt.Errorf("%w: versleuteling van data_subject_id ontbreekt", ErrInvalidEntry)
		}
		c, err := enc.Encrypt([]byte(r.Pupil), []byte(SubjectAAD))
		if err != nil {
			return Entry{}, fmt.Errorf("data_subject_id versleutelen: %w", err)
		}
		if len(c) == 0 {
			return Entry{}, fmt.Errorf("%w: lege versleutelde data_subject_id", ErrInvalidEntry)
		}
		subject = c
	}
	return Entry{r: r, subject: subject}, nil
}

func normalise(r Record) Record {
	r.Time = r.Time.Truncate(time.Millisecond)
	if r.Start.IsZero() {
		r.Start = r.Time
	}
	if r.End.IsZero() {
		r.End = r.Time
	}
	r.Start = r.Start.Truncate(time.Millisecond)
	r.End = r.End.Truncate(time.Millisecond)
	if len(r.Categories) > 0 {
		c := slices.Clone(r.Categories)
		slices.Sort(c)
		r.Categories = slices.Compact(c)
	}
	if r.Foreign != nil {
		f := *r.Foreign
		r.Foreign = &f
	}
	return r
}

// Record returns a copy of the entry's fields.
func (e Entry) Record() Record {
	r := e.r
	r.Categories = slices.Clone(r.Categories)
	if r.Foreign != nil {
		f := *r.Foreign
		r.Foreign = &f
	}
	return r
}

// DataSubjectID returns a copy of the encrypted data subject id (nil if the entry names no pupil).
func (e Entry) DataSubjectID() []byte { return slices.Clone(e.subject) }

// Pupil returns the pupil's pseudonym ("" if none).
func (e Entry) Pupil() string { return e.r.Pupil }

// Time returns the time of the entry.
func (e Entry) Time() time.Time { return e.r.Time }

// IsZero reports whether e is the zero Entry (never valid).
func (e Entry) IsZero() bool { return e.r.Time.IsZero() }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidEntry}, args...)...)
}

// validate checks every field. Messages are Dutch: they reach developers and, through errors,
// operators.
func validate(r Record) error {
	if r.Time.IsZero() || r.Time.UnixMilli() <= 0 {
		return invalid("tijd ontbreekt")
	}
	if r.End.Before(r.Start) {
		return invalid("eindtijd ligt voor begintijd")
	}
	switch r.AccessPoint {
	case AccessAPI, AccessUI, AccessCLI, AccessJob:
	default:
		return invalid("onbekend toegangspunt %q (api, ui, cli of job)", r.AccessPoint)
	}
	a := r.Actor
	if a.UserID < 0 || a.ParentID < 0 || a.ClientID < 0 || a.OrganisationID < 0 || r.OnBehalfOf < 0 || r.ConsentID < 0 {
		return invalid("negatief id")
	}
	actors := 0
	for _, id := range []int64{a.UserID, a.ParentID, a.ClientID} {
		if id > 0 {
			actors++
		}
	}
	if a.Self {
		actors++
		if r.Pupil == "" {
			return invalid("de leerling handelt zelf, maar de regel noemt geen leerling")
		}
	}
	if actors > 1 {
		return invalid("een regel heeft één handelende partij: gebruiker, ouder, leerling of API-client")
	}
	if actors == 0 && r.AccessPoint != AccessJob {
		return invalid("gebruiker ontbreekt (of ouder of API-client)")
	}
	if (a.UserID > 0 || a.ClientID > 0) && a.OrganisationID == 0 {
		return invalid("organisatie ontbreekt")
	}
	if err := checkCode("rol", r.Actor.Role, true); err != nil {
		return err
	}
	if r.Pupil != "" && !isPseudonym(r.Pupil) {
		return invalid("leerling moet een pseudoniem zijn (16 tot 128 tekens: letters, cijfers, - _ =), geen BSN of naam")
	}
	for _, c := range r.Categories {
		if err := checkCode("categorie", c, true); err != nil {
			return err
		}
	}
	if !slices.Contains(actions, r.Action) {
		return invalid("onbekende actie %q", r.Action)
	}
	switch r.Outcome {
	case Allowed:
		if r.Purpose == "" {
			return invalid("doel ontbreekt bij een toegestane verwerking")
		}
		if r.LegalGround == "" {
			return invalid("grondslag ontbreekt bij een toegestane verwerking")
		}
		if r.ProcessingActivity == "" {
			return invalid("verwerkingsactiviteit ontbreekt bij een toegestane verwerking")
		}
	case Denied:
		if r.Reason == "" {
			return invalid("reden ontbreekt bij een weigering")
		}
		if r.Failure != "" {
			return invalid("een geweigerde verwerking is niet mislukt: fout hoort bij een toegestane verwerking")
		}
	default:
		return invalid("onbekende uitkomst %q (toegestaan of geweigerd)", r.Outcome)
	}
	for _, f := range []struct {
		name, v string
	}{{"doel", r.Purpose}, {"grondslag", r.LegalGround}, {"reden", r.Reason}, {"melding", r.Melding}, {"fout", r.Failure}} {
		if err := checkCode(f.name, f.v, false); err != nil {
			return err
		}
	}
	if err := checkText("artikel", r.Article, 200); err != nil {
		return err
	}
	if err := checkText("naam", r.Name, 200); err != nil {
		return err
	}
	if r.Name == "" {
		return invalid("naam van de verwerking ontbreekt")
	}
	if r.ConvenantVersion != "" && !isLowerHex(r.ConvenantVersion, 8, 128) {
		return invalid("convenantversie moet een hash in kleine hexadecimale tekens zijn")
	}
	if !isRequestID(r.RequestID) {
		return invalid("verzoek-id ontbreekt of bevat andere tekens dan letters, cijfers en . _ : -")
	}
	if r.TraceID.IsZero() {
		return invalid("trace_id ontbreekt")
	}
	if r.OperationID.IsZero() {
		return invalid("operation_id ontbreekt")
	}
	if r.Foreign != nil {
		if r.Foreign.TraceID.IsZero() || r.Foreign.OperationID.IsZero() {
			return invalid("foreign_operation zonder trace_id of operation_id")
		}
		if err := checkURI("foreign_operation.entity", r.Foreign.Entity); err != nil {
			return err
		}
	}
	if r.ProcessingActivity != "" {
		if err := checkURI("verwerkingsactiviteit", r.ProcessingActivity); err != nil {
			return err
		}
	}
	return nil
}

// checkCode accepts a code: 1–100 characters from a-z, 0-9 and . _ : / -, starting with a
// letter or digit.
func checkCode(name, s string, required bool) error {
	if s == "" {
		if required {
			return invalid("%s ontbreekt", name)
		}
		return nil
	}
	if len(s) > 100 {
		return invalid("%s is langer dan 100 tekens", name)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-')
		if !ok {
			return invalid("%s %q is geen code (kleine letters, cijfers en . _ : / -)", name, s)
		}
	}
	return nil
}

// checkText accepts free text without control characters (and without U+2028/U+2029, so that
// the canonical JSON encoding equals RFC 8785's).
func checkText(name, s string, max int) error {
	if len(s) > max {
		return invalid("%s is langer dan %d bytes", name, max)
	}
	if !utf8.ValidString(s) {
		return invalid("%s is geen geldige UTF-8", name)
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 {
			return invalid("%s bevat een stuurteken", name)
		}
	}
	return nil
}

func checkURI(name, s string) error {
	if err := checkText(name, s, 500); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return invalid("%s %q is geen absolute URI", name, s)
	}
	return nil
}

func isPseudonym(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	digits := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_', c == '=':
			digits = false
		default:
			return false
		}
	}
	return !digits
}

func isLowerHex(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}
