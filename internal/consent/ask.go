package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A consent request (toestemmingsverzoek) is the online road to a consent, as Mitz does it in
// healthcare: the school asks once — one purpose, the recipients, the categories and the exact
// form text (version and hash) — and every person whose consent the age rules ask for answers
// for themselves, signed in. When the answers satisfy the rules of that day, the register records
// one consent with those persons as givers (channel digitaal-formulier, the form's version and
// hash, evidence = the hash of the answers); one "no" from a person whose consent counts records a
// refusal and closes the request. Withdrawal afterwards is the ordinary withdrawal of that
// consent (Register.Withdraw), effective on the next decision.

// AskStatus is where a request stands.
type AskStatus string

const (
	AskOpen    AskStatus = "open"      // waiting for answers
	AskGiven   AskStatus = "gegeven"   // the answers gave consent; ConsentID names the record
	AskRefused AskStatus = "geweigerd" // a person whose consent counts said no; ConsentID names the refusal
)

// AskDraft is a consent request as the school enters it; NewAsk checks it.
type AskDraft struct {
	PupilID    int64
	Purpose    string
	Recipients []Recipient
	Categories []string
	// FormVersion and FormHash identify the exact text shown (a stored Form).
	FormVersion string
	FormHash    string
	AskedBy     string // "gebruiker:<id>"
	AskedAt     time.Time
	// Note is an optional explanation from the school in plain words (no special-category content).
	Note string
}

// AskAnswer is one person's answer to a request.
type AskAnswer struct {
	Giver   Giver
	Yes     bool
	At      time.Time
	Channel Channel
}

// Ask is a stored consent request with its answers. Built by NewAsk or RestoreAsk.
type Ask struct {
	id        int64
	d         AskDraft
	answers   []AskAnswer
	status    AskStatus
	consentID int64
}

// ID is the request's id (0 before it is stored).
func (a Ask) ID() int64 { return a.id }

// WithID returns the request with its stored id.
func (a Ask) WithID(id int64) Ask { a.id = id; return a }

// Data returns a copy of the request's fields.
func (a Ask) Data() AskDraft {
	d := a.d
	d.Recipients = slices.Clone(d.Recipients)
	d.Categories = slices.Clone(d.Categories)
	return d
}

// Answers returns the answers given so far, oldest first.
func (a Ask) Answers() []AskAnswer { return slices.Clone(a.answers) }

// Status is the stored standing.
func (a Ask) Status() AskStatus { return a.status }

// ConsentID is the consent (or refusal) record the answers led to; 0 while open.
func (a Ask) ConsentID() int64 { return a.consentID }

// RestoreAsk rebuilds a request read back from storage (for Repository implementations only).
func RestoreAsk(id int64, d AskDraft, answers []AskAnswer, status AskStatus, consentID int64) Ask {
	return Ask{id: id, d: d, answers: slices.Clone(answers), status: status, consentID: consentID}
}

// NewAsk validates a request against the configuration: a known purpose that needs consent,
// recipients and categories the convenant asks consent for under that purpose, the form that is
// shown, who asks and when. The refusals wrap ErrInvalid and say in Dutch what to mend.
func NewAsk(d AskDraft, cfg Config) (Ask, error) {
	if d.PupilID <= 0 {
		return Ask{}, invalid("leerling ontbreekt")
	}
	rule, ok := cfg.Rules.Rule(d.Purpose)
	if _, known := cfg.Catalog.Purposes[d.Purpose]; !ok || !known {
		return Ask{}, invalid("onbekend doel %q; het convenant kent: %s", d.Purpose, strings.Join(cfg.Rules.Purposes(), ", "))
	}
	if !rule.ConsentRequired {
		return Ask{}, invalid("voor doel %s wordt geen toestemming gevraagd: %s", d.Purpose, rule.Ground)
	}
	if !rule.allowsChannel(ChannelDigital) {
		return Ask{}, invalid("voor doel %s staat het convenant toestemming via een digitaal formulier niet toe", d.Purpose)
	}
	d.Categories = dedupe(d.Categories)
	d.Recipients = dedupeRecipients(d.Recipients)
	if len(d.Recipients) == 0 {
		return Ask{}, invalid("noem ten minste één ontvanger")
	}
	for _, r := range d.Recipients {
		if _, ok := cfg.Catalog.Parties[r.Party]; !ok {
			return Ask{}, invalid("onbekende ontvanger %q", r.Party)
		}
	}
	if len(d.Categories) == 0 {
		return Ask{}, invalid("noem ten minste één categorie gegevens")
	}
	for _, c := range d.Categories {
		if _, ok := cfg.Catalog.Categories[c]; !ok {
			return Ask{}, invalid("onbekende categorie %q", c)
		}
	}
	if err := checkScope(Draft{Purposes: []string{d.Purpose}, Recipients: d.Recipients, Categories: d.Categories}, cfg.Catalog); err != nil {
		return Ask{}, err
	}
	d.FormHash = strings.ToLower(strings.TrimSpace(d.FormHash))
	if strings.TrimSpace(d.FormVersion) == "" || !hexSHA256(d.FormHash) {
		return Ask{}, invalid("noem de versie en de hash van het toestemmingsformulier dat wordt voorgelegd")
	}
	if strings.TrimSpace(d.AskedBy) == "" || d.AskedAt.IsZero() {
		return Ask{}, invalid("vermeld wie het verzoek doet en wanneer")
	}
	d.Note = strings.TrimSpace(d.Note)
	if len(d.Note) > 1000 {
		return Ask{}, invalid("de toelichting is te lang (hoogstens 1000 tekens)")
	}
	return Ask{d: d, status: AskOpen}, nil
}

// AskProgress is what a request still needs on a day, by the rules of that day.
type AskProgress struct {
	Requirement Requirement
	// Expected are the persons whose answer counts today: the pupil when their consent is
	// needed, every parent with gezag while the parents' consent is needed.
	Expected []Giver
	// Latest is each person's latest answer.
	Latest map[Giver]AskAnswer
	// Waiting are the expected persons whose "yes" is still needed (with ParentsOne: every
	// parent with gezag while none of them said yes — any one of them will do).
	Waiting []Giver
	// AnyOneParent is true when Waiting lists parents of whom one is enough.
	AnyOneParent bool
	// Complete is true when the yes-answers satisfy the requirement.
	Complete bool
	// Refusal is the first "no" of an expected person, if any.
	Refusal *AskAnswer
	// Missing says in Dutch whose consent is missing ("" when complete).
	Missing string
}

// Progress computes the request's standing at now for the family as it is now (who has gezag,
// the pupil's age on the Dutch calendar day of now).
func (a Ask) Progress(fam Family, rules *Rules, now time.Time) (AskProgress, error) {
	q, err := rules.Needed(fam.BirthDate, Today(now), a.d.Purpose, fam.GezagCount())
	if err != nil {
		return AskProgress{}, err
	}
	p := AskProgress{Requirement: q, Latest: map[Giver]AskAnswer{}}
	for _, ans := range a.answers {
		p.Latest[ans.Giver] = ans
	}
	if q.Pupil {
		p.Expected = append(p.Expected, PupilGiver())
	}
	var gezag []Giver
	if q.Parents != ParentsNone {
		for _, g := range fam.Guardians {
			if g.Gezag {
				gezag = append(gezag, ParentGiver(g.ParentID))
			}
		}
		p.Expected = append(p.Expected, gezag...)
	}
	yes := func(g Giver) bool { ans, ok := p.Latest[g]; return ok && ans.Yes }
	for _, g := range p.Expected {
		if ans, ok := p.Latest[g]; ok && !ans.Yes && p.Refusal == nil {
			cp := ans
			p.Refusal = &cp
		}
	}
	if q.Pupil && !yes(PupilGiver()) {
		p.Waiting = append(p.Waiting, PupilGiver())
	}
	switch q.Parents {
	case ParentsAll:
		for _, g := range gezag {
			if !yes(g) {
				p.Waiting = append(p.Waiting, g)
			}
		}
	case ParentsOne:
		if !slices.ContainsFunc(gezag, yes) {
			p.Waiting = append(p.Waiting, gezag...)
			p.AnyOneParent = len(gezag) > 1
		}
	}
	p.Missing = missingGivers(q, fam, yes)
	p.Complete = p.Missing == "" && q.Needed()
	return p, nil
}

// CheckAnswer reports whether g may answer the request at instant at: the request is open and
// g is a person whose answer counts today.
func (a Ask) CheckAnswer(g Giver, fam Family, rules *Rules, at time.Time) error {
	if a.status != AskOpen {
		return invalid("dit verzoek is al afgerond (%s)", a.status)
	}
	p, err := a.Progress(fam, rules, at)
	if err != nil {
		return err
	}
	if !slices.Contains(p.Expected, g) {
		switch g.Kind {
		case GiverPupil:
			return fmt.Errorf("%w: de leerling is %d jaar; voor doel %s beslissen nu de ouders met gezag", ErrWrongGiver, p.Requirement.Age, a.d.Purpose)
		default:
			if p.Requirement.Parents == ParentsNone {
				return fmt.Errorf("%w: de leerling is %d jaar en beslist voor doel %s zelf", ErrWrongGiver, p.Requirement.Age, a.d.Purpose)
			}
			return fmt.Errorf("%w: u heeft geen gezag over deze leerling", ErrWrongGiver)
		}
	}
	return nil
}

// WithAnswer returns the request with ans added.
func (a Ask) WithAnswer(ans AskAnswer) Ask {
	a.answers = append(slices.Clone(a.answers), ans)
	return a
}

// Evidence is the SHA-256 (hex) of the canonical text of the request and its answers: what the
// consent record stores as its evidence for an online consent.
func (a Ask) Evidence() string {
	var b strings.Builder
	fmt.Fprintf(&b, "toestemmingsverzoek %d\nleerling %d\ndoel %s\nformulier %s %s\n", a.id, a.d.PupilID, a.d.Purpose, a.d.FormVersion, a.d.FormHash)
	for _, r := range a.d.Recipients {
		fmt.Fprintf(&b, "ontvanger %s\n", r)
	}
	for _, c := range a.d.Categories {
		fmt.Fprintf(&b, "categorie %s\n", c)
	}
	for _, ans := range a.answers {
		word := "nee"
		if ans.Yes {
			word = "ja"
		}
		fmt.Fprintf(&b, "antwoord %s %s %s %s\n", ans.Giver, word, strconv.FormatInt(ans.At.UnixMilli(), 10), ans.Channel)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Outcome returns the record the request's answers lead to at instant at, if any: a consent
// when the yes-answers satisfy today's rules, a refusal when an expected person said no, or nil
// while answers are missing. recordedBy names who records (the last person who answered).
func (a Ask) Outcome(fam Family, cfg Config, at time.Time, recordedBy string) (*Draft, AskStatus, error) {
	p, err := a.Progress(fam, cfg.Rules, at)
	if err != nil {
		return nil, AskOpen, err
	}
	d := Draft{PupilID: a.d.PupilID, Purposes: []string{a.d.Purpose}, Recipients: a.d.Recipients, Categories: a.d.Categories,
		Channel: ChannelDigital, FormVersion: a.d.FormVersion, FormHash: a.d.FormHash, EvidenceHash: a.Evidence(),
		GivenAt: at, RecordedBy: recordedBy, Note: fmt.Sprintf("online gegeven op toestemmingsverzoek %d", a.id)}
	switch {
	case p.Refusal != nil:
		d.Status = StatusRefused
		d.Givers = []Giver{p.Refusal.Giver}
		d.Note = fmt.Sprintf("online geweigerd op toestemmingsverzoek %d", a.id)
		return &d, AskRefused, nil
	case p.Complete:
		d.Status = StatusGiven
		d.ValidFrom = Today(at)
		for _, g := range p.Expected {
			if ans, ok := p.Latest[g]; ok && ans.Yes {
				d.Givers = append(d.Givers, g)
			}
		}
		return &d, AskGiven, nil
	}
	return nil, AskOpen, nil
}

// AskRepository stores consent requests (the store implements it beside Repository).
type AskRepository interface {
	InsertAsk(ctx context.Context, regionID int64, a Ask, trail AuditFunc) (int64, error)
	AskByID(ctx context.Context, regionID, id int64) (Ask, error)
	AsksOfPupil(ctx context.Context, regionID, pupilID int64) ([]Ask, error)
	// SaveAskAnswer stores ans for request askID and, when outcome is not nil, the consent or
	// refusal record it leads to and the request's new status — all in one transaction with the
	// audit entries trail builds (for the new record's id, or 0). It refuses (ErrInvalid) when the
	// request is no longer open, and returns ErrAskChanged when the request no longer has seen
	// answers (another answer came in meanwhile). It returns the new record's id (0 without one).
	SaveAskAnswer(ctx context.Context, regionID, askID int64, seen int, ans AskAnswer, outcome *Record, status AskStatus, trail AuditFunc) (int64, error)
}

// WithAsks returns a register that also keeps consent requests in repo.
func (r *Register) WithAsks(repo AskRepository) *Register {
	cp := *r
	cp.asks = repo
	return &cp
}

// Asks reports whether the register keeps consent requests.
func (r *Register) Asks() bool { return r.asks != nil }

// NewAsk validates and stores a consent request, with the audit entries trail builds.
func (r *Register) NewAsk(ctx context.Context, regionID int64, d AskDraft, trail AuditFunc) (Ask, error) {
	if r.asks == nil {
		return Ask{}, errNoAsks
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Ask{}, err
	}
	a, err := NewAsk(d, cfg)
	if err != nil {
		return Ask{}, err
	}
	if _, err := r.repo.ConsentFamily(ctx, regionID, d.PupilID); err != nil {
		return Ask{}, err
	}
	id, err := r.asks.InsertAsk(ctx, regionID, a, trail)
	if err != nil {
		return Ask{}, fmt.Errorf("toestemmingsverzoek opslaan: %w", err)
	}
	r.log.InfoContext(ctx, "toestemmingsverzoek gedaan", "regio", regionID, "verzoek", id)
	return a.WithID(id), nil
}

// AsksOf lists a pupil's consent requests, newest first.
func (r *Register) AsksOf(ctx context.Context, regionID, pupilID int64) ([]Ask, error) {
	if r.asks == nil {
		return nil, nil
	}
	return r.asks.AsksOfPupil(ctx, regionID, pupilID)
}

// GetAsk returns one request.
func (r *Register) GetAsk(ctx context.Context, regionID, id int64) (Ask, error) {
	if r.asks == nil {
		return Ask{}, errNoAsks
	}
	return r.asks.AskByID(ctx, regionID, id)
}

// Family returns the pupil's family as stored now.
func (r *Register) Family(ctx context.Context, regionID, pupilID int64) (Family, error) {
	return r.repo.ConsentFamily(ctx, regionID, pupilID)
}

// Answer records giver's answer (yes or no, online) to request askID at instant at. When the
// answers now satisfy the rules of that day, the consent is recorded in the same transaction (and
// covers the next decision); a "no" records a refusal. It returns the request as stored after the
// answer and the record made, if any.
func (r *Register) Answer(ctx context.Context, regionID, askID int64, giver Giver, yes bool, at time.Time, trail AuditFunc) (Ask, *Record, error) {
	if r.asks == nil {
		return Ask{}, nil, errNoAsks
	}
	for attempt := 0; ; attempt++ {
		a, rec, err := r.answerOnce(ctx, regionID, askID, giver, yes, at, trail)
		if errors.Is(err, ErrAskChanged) && attempt < 3 {
			continue // another person answered at the same moment: decide again on all answers
		}
		return a, rec, err
	}
}

// ErrAskChanged is returned by SaveAskAnswer when another answer was stored meanwhile.
var ErrAskChanged = errors.New("toestemmingsverzoek is intussen gewijzigd")

func (r *Register) answerOnce(ctx context.Context, regionID, askID int64, giver Giver, yes bool, at time.Time, trail AuditFunc) (Ask, *Record, error) {
	a, err := r.asks.AskByID(ctx, regionID, askID)
	if err != nil {
		return Ask{}, nil, err
	}
	seen := len(a.answers)
	fam, err := r.repo.ConsentFamily(ctx, regionID, a.d.PupilID)
	if err != nil {
		return Ask{}, nil, err
	}
	cfg, err := r.ConfigFor(ctx, regionID)
	if err != nil {
		return Ask{}, nil, err
	}
	if err := a.CheckAnswer(giver, fam, cfg.Rules, at); err != nil {
		return Ask{}, nil, err
	}
	ans := AskAnswer{Giver: giver, Yes: yes, At: at, Channel: ChannelDigital}
	a = a.WithAnswer(ans)
	draft, status, err := a.Outcome(fam, cfg, at, giver.String())
	if err != nil {
		return Ask{}, nil, err
	}
	var rec *Record
	if draft != nil {
		x, err := New(*draft, fam, cfg)
		if err != nil {
			return Ask{}, nil, err
		}
		rec = &x
	}
	id, err := r.asks.SaveAskAnswer(ctx, regionID, askID, seen, ans, rec, status, trail)
	if err != nil {
		return Ask{}, nil, err
	}
	a.status = status
	if rec != nil {
		x := rec.WithID(id)
		rec = &x
		a.consentID = id
	}
	r.log.InfoContext(ctx, "toestemmingsverzoek beantwoord", "regio", regionID, "verzoek", askID, "status", status)
	return a, rec, nil
}

var errNoAsks = fmt.Errorf("%w: dit register houdt geen toestemmingsverzoeken bij", ErrInvalid)
