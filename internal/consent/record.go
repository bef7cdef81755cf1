package consent

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Channel is how a consent was given.
type Channel string

const (
	ChannelWritten Channel = "schriftelijk"
	ChannelEmail   Channel = "e-mail"
	ChannelDigital Channel = "digitaal-formulier"
	// ChannelOral is allowed but weak evidence (seed 003: "liever niet"); it needs a note of who
	// heard it.
	ChannelOral Channel = "mondeling"
)

// Channels lists every channel.
var Channels = []Channel{ChannelWritten, ChannelEmail, ChannelDigital, ChannelOral}

func (c Channel) valid() bool { return slices.Contains(Channels, c) }

// WeakEvidence reports whether a consent through this channel is weak evidence.
func (c Channel) WeakEvidence() bool { return c == ChannelOral }

func channelList() string {
	s := make([]string, len(Channels))
	for i, c := range Channels {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Status is what the person said: consent given or refused. Withdrawal is recorded on the record.
type Status string

const (
	StatusGiven   Status = "gegeven"
	StatusRefused Status = "geweigerd"
)

// State is a record's standing on a given instant.
type State string

const (
	StateValid     State = "geldig"
	StateNotYet    State = "nog-niet-geldig"
	StateExpired   State = "verlopen"
	StateWithdrawn State = "ingetrokken"
	StateRefused   State = "geweigerd"
)

// GiverKind says whether a consent came from a parent or from the pupil.
type GiverKind string

const (
	GiverParent GiverKind = "ouder"
	GiverPupil  GiverKind = "leerling"
)

// Giver is a person who gave (or refused, or withdrew) consent: the pupil, or a parent by id.
type Giver struct {
	Kind     GiverKind
	ParentID int64
}

// PupilGiver is the pupil.
func PupilGiver() Giver { return Giver{Kind: GiverPupil} }

// ParentGiver is the parent with id.
func ParentGiver(id int64) Giver { return Giver{Kind: GiverParent, ParentID: id} }

// String is the stored form: "leerling" or "ouder:<id>".
func (g Giver) String() string {
	if g.Kind == GiverParent {
		return "ouder:" + strconv.FormatInt(g.ParentID, 10)
	}
	return string(g.Kind)
}

// ParseGiver reads "leerling" or "ouder:<id>".
func ParseGiver(s string) (Giver, error) {
	s = strings.TrimSpace(s)
	if s == string(GiverPupil) {
		return PupilGiver(), nil
	}
	if rest, ok := strings.CutPrefix(s, "ouder:"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err == nil && id > 0 {
			return ParentGiver(id), nil
		}
	}
	return Giver{}, fmt.Errorf("%w: gever %q: gebruik \"leerling\" of \"ouder:<id>\"", ErrInvalid, s)
}

// Recipient is a party that may receive the data, optionally narrowed to one organisation.
type Recipient struct {
	Party          string
	OrganisationID int64 // 0: any organisation of the party
}

// covers reports whether this recipient includes a disclosure to party/org.
func (r Recipient) covers(party string, org int64) bool {
	return r.Party == party && (r.OrganisationID == 0 || r.OrganisationID == org)
}

func (r Recipient) String() string {
	if r.OrganisationID == 0 {
		return r.Party
	}
	return r.Party + ":" + strconv.FormatInt(r.OrganisationID, 10)
}

// ParseRecipient reads "party" or "party:<organisation id>".
func ParseRecipient(s string) (Recipient, error) {
	party, org, hasOrg := strings.Cut(strings.TrimSpace(s), ":")
	r := Recipient{Party: party}
	if hasOrg {
		id, err := strconv.ParseInt(org, 10, 64)
		if err != nil || id <= 0 {
			return Recipient{}, fmt.Errorf("%w: ontvanger %q: gebruik \"partij\" of \"partij:<organisatie-id>\"", ErrInvalid, s)
		}
		r.OrganisationID = id
	}
	return r, nil
}

// Guardian is a parent linked to the pupil, with or without gezag.
type Guardian struct {
	ParentID int64
	Gezag    bool
}

// Family is what the rules need to know of a pupil: the birth date and who has gezag now.
type Family struct {
	PupilID   int64
	BirthDate Date
	Guardians []Guardian
}

// GezagCount is the number of parents with gezag.
func (f Family) GezagCount() int {
	n := 0
	for _, g := range f.Guardians {
		if g.Gezag {
			n++
		}
	}
	return n
}

func (f Family) guardian(id int64) (Guardian, bool) {
	for _, g := range f.Guardians {
		if g.ParentID == id {
			return g, true
		}
	}
	return Guardian{}, false
}

// Sentinel errors of records.
var (
	// ErrInvalid marks a consent that cannot be recorded; the message says why, in Dutch.
	ErrInvalid = errors.New("ongeldige toestemming")
	// ErrWrongGiver marks a consent given (or withdrawn) by a person whose consent is not the
	// one the rules ask for.
	ErrWrongGiver = errors.New("toestemming niet van de juiste personen")
	// ErrNotFound is returned by a Repository for an unknown consent or pupil in the region.
	ErrNotFound = errors.New("toestemming niet gevonden")
	// ErrAlreadyWithdrawn is returned when withdrawing twice.
	ErrAlreadyWithdrawn = errors.New("toestemming is al ingetrokken")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Draft is a consent (or refusal) as the zorgcoördinator enters it; New checks it.
type Draft struct {
	PupilID int64
	Status  Status // gegeven or geweigerd
	Givers  []Giver
	// Discloser is the party whose disclosure the consent allows, when the law asks another
	// person's consent for it than for the school's: "ggd" (the jeugdarts, BW 7:457 and 7:465:
	// from 12 the child itself) or "jeugdhulp" (Jeugdwet 7.3.11). "" is the school's disclosure
	// (AVG art. 8, UAVG art. 5: the parents up to 16). Whose consent counts is checked for it,
	// and the consent covers only that party's disclosures.
	Discloser  string
	Purposes   []string
	Recipients []Recipient
	Categories []string
	Channel    Channel
	// HeardBy is, for an oral consent, who heard it (name and function). Required for mondeling.
	HeardBy string
	// FormVersion and FormHash identify the exact text shown to the person (see Form).
	FormVersion string
	FormHash    string
	// EvidenceHash is the SHA-256 (hex) of the signed form, e-mail or digital submission.
	// Required for every channel except mondeling.
	EvidenceHash string
	// Document is the signed form (scan or photo) kept as proof, made by NewDocument; its hash
	// becomes EvidenceHash. On a record read back it carries type and size only (no bytes).
	Document   *Document
	GivenAt    time.Time // when the person said yes or no
	ValidFrom  Date
	ValidUntil Date // zero: until withdrawn (only where the rule sets no maximum)
	RecordedBy string
	Note       string
}

// Withdrawal is the withdrawal of a consent: when, by whom, recorded by whom.
type Withdrawal struct {
	ConsentID  int64
	At         time.Time
	By         Giver
	RecordedBy string
	Note       string
}

// Record is a consent or refusal in the register. It is only built by New (or by Restore from
// the repository) and cannot be invalid.
type Record struct {
	id int64
	d  Draft
	w  *Withdrawal
}

// Data returns a copy of the record's fields.
func (r Record) Data() Draft {
	d := r.d
	d.Givers = slices.Clone(d.Givers)
	d.Purposes = slices.Clone(d.Purposes)
	d.Recipients = slices.Clone(d.Recipients)
	d.Categories = slices.Clone(d.Categories)
	if d.Document != nil {
		doc := *d.Document // the bytes are shared: nobody writes them
		d.Document = &doc
	}
	return d
}

// ID is the register's id (0 before it is stored).
func (r Record) ID() int64 { return r.id }

// WithID returns the record with its stored id.
func (r Record) WithID(id int64) Record { r.id = id; return r }

// Withdrawal returns the withdrawal, if any.
func (r Record) Withdrawal() (Withdrawal, bool) {
	if r.w == nil {
		return Withdrawal{}, false
	}
	return *r.w, true
}

// Restore rebuilds a record read back from the repository. It is for Repository implementations
// only: the record was validated by New when it was stored.
func Restore(id int64, d Draft, w *Withdrawal) Record {
	if w != nil {
		cp := *w
		w = &cp
	}
	return Record{id: id, d: d, w: w}
}

// hexSHA256 reports whether s is a SHA-256 digest in hex.
func hexSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}

// New validates a draft against the pupil's family (who has gezag) and the configuration, and
// returns the record. Every refusal wraps ErrInvalid or ErrWrongGiver and says in Dutch what to
// mend; nothing about a refused draft is kept.
func New(d Draft, fam Family, cfg Config) (Record, error) {
	if d.PupilID == 0 || d.PupilID != fam.PupilID {
		return Record{}, invalid("leerling ontbreekt of hoort niet bij de gegevens van de ouders")
	}
	if d.Status != StatusGiven && d.Status != StatusRefused {
		return Record{}, invalid("status moet %q of %q zijn, niet %q", StatusGiven, StatusRefused, d.Status)
	}
	d.Purposes = dedupe(d.Purposes)
	d.Categories = dedupe(d.Categories)
	d.Recipients = dedupeRecipients(d.Recipients)
	if len(d.Purposes) == 0 {
		return Record{}, invalid("noem ten minste één doel")
	}
	var rules []Rule
	for _, p := range d.Purposes {
		rule, ok := cfg.Rules.Rule(p)
		if _, known := cfg.Catalog.Purposes[p]; !ok || !known {
			return Record{}, invalid("onbekend doel %q; het convenant kent: %s", p, strings.Join(cfg.Rules.Purposes(), ", "))
		}
		if !rule.ConsentRequired {
			return Record{}, invalid("voor doel %s wordt geen toestemming gevraagd: %s. Leg hiervoor geen toestemming vast", p, rule.Ground)
		}
		rules = append(rules, rule)
	}
	d.Discloser = strings.TrimSpace(d.Discloser)
	if d.Discloser != "" {
		if _, ok := cfg.Catalog.Parties[d.Discloser]; !ok {
			return Record{}, invalid("onbekende verstrekker %q; het convenant kent: %s", d.Discloser, strings.Join(keys(cfg.Catalog.Parties), ", "))
		}
		for _, p := range d.Purposes {
			if _, own := cfg.Rules.OwnRule(p, d.Discloser); !own {
				return Record{}, invalid("voor doel %s kent het convenant geen eigen toestemmingsregel voor verstrekking door %s; laat de verstrekker leeg (de school)", p, d.Discloser)
			}
		}
	}
	if len(d.Recipients) == 0 {
		return Record{}, invalid("noem ten minste één ontvanger")
	}
	for _, r := range d.Recipients {
		if _, ok := cfg.Catalog.Parties[r.Party]; !ok {
			return Record{}, invalid("onbekende ontvanger %q; het convenant kent: %s", r.Party, strings.Join(keys(cfg.Catalog.Parties), ", "))
		}
	}
	if len(d.Categories) == 0 {
		return Record{}, invalid("noem ten minste één categorie gegevens")
	}
	for _, c := range d.Categories {
		if _, ok := cfg.Catalog.Categories[c]; !ok {
			return Record{}, invalid("onbekende categorie %q; het convenant kent: %s", c, strings.Join(keys(cfg.Catalog.Categories), ", "))
		}
	}
	if err := checkScope(d, cfg.Catalog); err != nil {
		return Record{}, err
	}
	if !d.Channel.valid() {
		return Record{}, invalid("onbekende vorm %q; kies uit %s", d.Channel, channelList())
	}
	for _, rule := range rules {
		if !rule.allowsChannel(d.Channel) {
			return Record{}, invalid("voor doel %s staat het convenant toestemming via %s niet toe", rule.Purpose, d.Channel)
		}
	}
	d.HeardBy = strings.TrimSpace(d.HeardBy)
	if d.Channel == ChannelOral && d.HeardBy == "" {
		return Record{}, invalid("mondelinge toestemming is zwak bewijs: noteer wie haar heeft gehoord (naam en functie)")
	}
	d.EvidenceHash = strings.ToLower(strings.TrimSpace(d.EvidenceHash))
	if d.Document != nil {
		if d.Channel == ChannelOral {
			return Record{}, invalid("bij mondelinge toestemming hoort geen getekend formulier; kies de vorm schriftelijk")
		}
		if d.Document.SHA256 == "" || d.Document.MediaType == "" || int64(len(d.Document.Bytes)) != d.Document.Size {
			return Record{}, invalid("het bewijsbestand is niet gecontroleerd; lever het opnieuw aan")
		}
		if d.EvidenceHash != "" && d.EvidenceHash != d.Document.SHA256 {
			return Record{}, invalid("de opgegeven bewijs-hash hoort niet bij het geüploade formulier; laat het hash-veld leeg")
		}
		d.EvidenceHash = d.Document.SHA256
	}
	if d.EvidenceHash != "" && !hexSHA256(d.EvidenceHash) {
		return Record{}, invalid("bewijs moet een SHA-256-hash zijn (64 hexadecimale tekens)")
	}
	if d.Channel != ChannelOral && d.EvidenceHash == "" {
		return Record{}, invalid("bij toestemming via %s hoort bewijs: de hash van het getekende formulier, de e-mail of de inzending", d.Channel)
	}
	d.FormHash = strings.ToLower(strings.TrimSpace(d.FormHash))
	if strings.TrimSpace(d.FormVersion) == "" || !hexSHA256(d.FormHash) {
		return Record{}, invalid("noem de versie en de hash van het toestemmingsformulier dat is voorgelegd")
	}
	if d.GivenAt.IsZero() {
		return Record{}, invalid("het moment van geven of weigeren ontbreekt")
	}
	if strings.TrimSpace(d.RecordedBy) == "" {
		return Record{}, invalid("vermeld wie de toestemming vastlegt")
	}
	givenOn := Today(d.GivenAt)
	if d.Status == StatusRefused && d.ValidFrom.IsZero() {
		d.ValidFrom = givenOn // a refusal holds from the day it was said
	}
	if d.ValidFrom.IsZero() {
		return Record{}, invalid("de begindatum (geldig vanaf) ontbreekt")
	}
	if d.ValidFrom.Before(givenOn) {
		return Record{}, invalid("geldig vanaf %s ligt vóór de dag waarop de toestemming is gegeven (%s)", d.ValidFrom, givenOn)
	}
	if !d.ValidUntil.IsZero() && d.ValidUntil.Before(d.ValidFrom) {
		return Record{}, invalid("geldig tot %s ligt vóór geldig vanaf %s", d.ValidUntil, d.ValidFrom)
	}
	if d.Status == StatusGiven {
		for _, rule := range rules {
			if rule.ValidMonths == 0 {
				continue
			}
			limit := addMonths(d.ValidFrom, rule.ValidMonths).AddDays(-1)
			if d.ValidUntil.IsZero() {
				d.ValidUntil = limit
			}
			if d.ValidUntil.After(limit) {
				return Record{}, invalid("toestemming voor doel %s geldt volgens het convenant hoogstens %d maanden (tot en met %s)", rule.Purpose, rule.ValidMonths, limit)
			}
		}
	}
	if err := checkGivers(d, fam, cfg.Rules, givenOn); err != nil {
		return Record{}, err
	}
	return Record{d: d}, nil
}

// checkScope refuses a recipient or category that none of the record's purposes asks consent
// for: a consent may cover less than the form asked, never more. A purpose without a known scope
// does not narrow.
func checkScope(d Draft, cat Catalog) error {
	in := func(pick func(Scope) []string, code string) bool {
		for _, p := range d.Purposes {
			s, ok := cat.Scopes[p]
			if !ok || slices.Contains(pick(s), code) {
				return true
			}
		}
		return false
	}
	for _, r := range d.Recipients {
		if !in(func(s Scope) []string { return s.Recipients }, r.Party) {
			return invalid("voor doel %s vraagt het convenant geen toestemming om gegevens aan %s te geven", strings.Join(d.Purposes, ", "), r.Party)
		}
	}
	for _, c := range d.Categories {
		if !in(func(s Scope) []string { return s.Categories }, c) {
			return invalid("voor doel %s vraagt het convenant geen toestemming om %s te delen", strings.Join(d.Purposes, ", "), c)
		}
	}
	return nil
}

// checkGivers applies the who-must-consent rules on the day the consent was given.
func checkGivers(d Draft, fam Family, rules *Rules, on Date) error {
	if len(d.Givers) == 0 {
		return invalid("noem wie de toestemming gaf: de leerling en/of de ouder(s) met gezag")
	}
	seen := map[Giver]bool{}
	for _, g := range d.Givers {
		if seen[g] {
			return invalid("gever %s staat er twee keer", g)
		}
		seen[g] = true
		switch g.Kind {
		case GiverPupil:
		case GiverParent:
			gd, ok := fam.guardian(g.ParentID)
			if !ok {
				return fmt.Errorf("%w: ouder %d is niet als ouder van deze leerling bekend", ErrWrongGiver, g.ParentID)
			}
			if !gd.Gezag {
				return fmt.Errorf("%w: ouder %d heeft geen gezag over deze leerling en kan geen toestemming geven of weigeren", ErrWrongGiver, g.ParentID)
			}
		default:
			return invalid("onbekende soort gever %q", g.Kind)
		}
	}
	age := AgeOn(fam.BirthDate, on)
	for _, p := range d.Purposes {
		q, err := rules.NeededFor(fam.BirthDate, on, p, d.Discloser, fam.GezagCount())
		if err != nil {
			return err
		}
		rule, _ := rules.RuleFor(p, d.Discloser)
		if seen[PupilGiver()] && !q.Pupil {
			return fmt.Errorf("%w: de leerling is %d jaar; voor doel %s beslissen tot %d jaar de ouders met gezag, de leerling kan nog niet zelf toestemmen of weigeren",
				ErrWrongGiver, age, p, rule.PupilAlsoFrom)
		}
		if q.Parents == ParentsNone {
			for g := range seen {
				if g.Kind == GiverParent {
					return fmt.Errorf("%w: de leerling is %d jaar en beslist voor doel %s zelf; de ouders geven geen toestemming meer", ErrWrongGiver, age, p)
				}
			}
		}
		if d.Status == StatusRefused {
			continue // one refusing person whose consent is needed suffices
		}
		if missing := missingGivers(q, fam, func(g Giver) bool { return seen[g] }); missing != "" {
			return fmt.Errorf("%w: %s (%s)", ErrWrongGiver, missing, q.Reason)
		}
	}
	return nil
}

// missingGivers names, in Dutch, whose consent is still missing for requirement q when has tells
// which persons consented; "" when nobody is missing.
func missingGivers(q Requirement, fam Family, has func(Giver) bool) string {
	var parts []string
	if q.Pupil && !has(PupilGiver()) {
		parts = append(parts, fmt.Sprintf("van de leerling zelf (%d jaar)", q.Age))
	}
	var withGezag, given []int64
	for _, g := range fam.Guardians {
		if g.Gezag {
			withGezag = append(withGezag, g.ParentID)
			if has(ParentGiver(g.ParentID)) {
				given = append(given, g.ParentID)
			}
		}
	}
	switch q.Parents {
	case ParentsOne:
		if len(given) == 0 {
			if len(withGezag) == 0 {
				parts = append(parts, "van degene met gezag (er is geen ouder met gezag vastgelegd)")
			} else {
				parts = append(parts, "van een ouder met gezag")
			}
		}
	case ParentsAll:
		if len(given) < len(withGezag) {
			switch {
			case len(withGezag) == 2 && len(given) == 0:
				parts = append(parts, "van beide gezaghebbende ouders")
			default:
				var ids []string
				for _, id := range withGezag {
					if !slices.Contains(given, id) {
						ids = append(ids, "ouder "+strconv.FormatInt(id, 10))
					}
				}
				parts = append(parts, "van de andere gezaghebbende ouder ("+strings.Join(ids, ", ")+")")
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "toestemming " + strings.Join(parts, " en ") + " voor doel " + q.Purpose + " ontbreekt"
}

// StateAt is the record's standing at instant now: withdrawn from the instant of withdrawal,
// valid from ValidFrom through ValidUntil inclusive (Dutch calendar days), expired after.
func (r Record) StateAt(now time.Time) State {
	if r.d.Status == StatusRefused {
		return StateRefused
	}
	if r.w != nil && !now.Before(r.w.At) {
		return StateWithdrawn
	}
	today := Today(now)
	if today.Before(r.d.ValidFrom) {
		return StateNotYet
	}
	if !r.d.ValidUntil.IsZero() && today.After(r.d.ValidUntil) {
		return StateExpired
	}
	return StateValid
}

// hasGiver reports whether g is among the record's givers.
func (r Record) hasGiver(g Giver) bool { return slices.Contains(r.d.Givers, g) }

// disclosedBy reports whether the record covers a disclosure by party: a consent for one
// party's disclosure (the jeugdarts') does not carry another's; a consent without a discloser
// is the school's and covers any disclosure whose givers satisfy the rules (Cover checks them).
func (r Record) disclosedBy(party string) bool { return r.d.Discloser == "" || r.d.Discloser == party }

// scopeCovers reports whether the record names the purpose, recipient and category.
func (r Record) scopeCovers(purpose, party string, org int64, category string) bool {
	if !slices.Contains(r.d.Purposes, purpose) || !slices.Contains(r.d.Categories, category) {
		return false
	}
	for _, rc := range r.d.Recipients {
		if rc.covers(party, org) {
			return true
		}
	}
	return false
}

// NewWithdrawal checks that by may withdraw record r at instant at: any person whose consent was
// required — one of the givers, the pupil once their own consent counts, or a parent with gezag
// while the parents' consent counts.
func NewWithdrawal(r Record, by Giver, at time.Time, recordedBy, note string, fam Family, rules *Rules) (Withdrawal, error) {
	if r.d.Status != StatusGiven {
		return Withdrawal{}, invalid("een weigering kan niet worden ingetrokken; leg een nieuwe toestemming vast")
	}
	if r.w != nil {
		return Withdrawal{}, fmt.Errorf("%w op %s", ErrAlreadyWithdrawn, r.w.At.In(amsterdam).Format("2006-01-02 15:04"))
	}
	if at.IsZero() {
		return Withdrawal{}, invalid("het moment van intrekken ontbreekt")
	}
	if strings.TrimSpace(recordedBy) == "" {
		return Withdrawal{}, invalid("vermeld wie de intrekking vastlegt")
	}
	allowed := r.hasGiver(by)
	if !allowed {
		on := Today(at)
		for _, p := range r.d.Purposes {
			q, err := rules.NeededFor(fam.BirthDate, on, p, r.d.Discloser, fam.GezagCount())
			if err != nil {
				return Withdrawal{}, err
			}
			switch by.Kind {
			case GiverPupil:
				allowed = allowed || q.Pupil
			case GiverParent:
				g, ok := fam.guardian(by.ParentID)
				allowed = allowed || (ok && g.Gezag && q.Parents != ParentsNone)
			}
		}
	}
	if !allowed {
		return Withdrawal{}, fmt.Errorf("%w: %s gaf deze toestemming niet en zijn of haar toestemming is er ook niet voor nodig; alleen wie moest toestemmen kan intrekken", ErrWrongGiver, by)
	}
	return Withdrawal{ConsentID: r.id, At: at, By: by, RecordedBy: recordedBy, Note: note}, nil
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func dedupeRecipients(in []Recipient) []Recipient {
	var out []Recipient
	for _, r := range in {
		r.Party = strings.TrimSpace(r.Party)
		if r.Party != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// addMonths adds n calendar months; a day that does not exist in the target month becomes the
// month's last day (31 January + 1 month = 28/29 February).
func addMonths(d Date, n int) Date {
	m := int(d.Month) - 1 + n
	y := d.Year + m/12
	m = m%12 + 1
	last := time.Date(y, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}
