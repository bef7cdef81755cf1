// Package notice tells parents (and the pupil from 16) when data about the pupil went to another
// organisation without their consent, on a legal ground (AVG art. 13 and 14; seed 003: "ouders
// moeten hiervan op de hoogte worden gebracht maar je hebt er geen toestemming voor nodig").
//
// The source is the audit trail, not a second bookkeeping: every allowed access is an entry.
// An entry is a provision to tell about when it is allowed, relied on no consent, rests on a
// ground other than consent or the data subject's own access (avg-6-1-a, avg-15), was made by a
// person or system of an organisation that is not one of the pupil's own schools (another
// controller received the data), and is a read, a share, a receipt or an export. A day's
// provisions are sent together, one message per person per pupil per day, in plain Dutch (B1):
// what, to whom, why, on which ground. The message never names a special category of data (AVG
// art. 9) — it says that extra protected data was shared and that the parent can see which by
// signing in.
//
// Where telling would harm the child (meldcode / Veilig Thuis, Wet verplichte meldcode), the
// school records a hold with a reason and a date to tell later (AVG art. 23 with UAVG art. 41);
// held provisions are sent on the first batch on or after that date, and the hold is kept.
//
// The package holds the rules and the wording; storage (Source, Log) and sending (Mailer) are
// interfaces it declares, implemented by internal/store and internal/mail.
package notice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
)

// ErrInvalid marks input the notices refuse; the message says why, in Dutch.
var ErrInvalid = errors.New("ongeldige invoer voor kennisgeving")

// Provision is one access by another organisation, as the parents are told about it.
type Provision struct {
	At           time.Time
	Pupil        string // pseudonym
	Organisation string // the receiving organisation's name
	Purpose      string // the purpose in words
	Ground       string // the legal ground in words
	Categories   []Category
}

// Category is a kind of data, by its name for parents.
type Category struct {
	Name    string
	Special bool // AVG art. 9 or 10: never named in a message
}

// Tellable reports whether an audit record is a provision the parents must be told about:
// allowed, without consent, not on consent or the data subject's own access, by an organisation
// other than the pupil's own schools, and a read, share, receipt or export.
func Tellable(r audit.Record, ownOrgs []int64) bool {
	if r.Outcome != audit.Allowed || r.ConsentID != 0 || r.Pupil == "" {
		return false
	}
	switch r.LegalGround {
	case "", "avg-6-1-a", "avg-15":
		return false
	}
	if r.Actor.ParentID != 0 || r.Actor.OrganisationID == 0 || slices.Contains(ownOrgs, r.Actor.OrganisationID) {
		return false
	}
	switch r.Action {
	case audit.ActionRead, audit.ActionShare, audit.ActionReceive, audit.ActionExport:
		return true
	}
	return false
}

// Person is someone who receives notices about a pupil: a parent with gezag, or the pupil from 16.
type Person struct {
	Name  string
	Email string
	Pupil bool // the pupil itself (the message speaks to "je")
}

// PupilInfo is what a batch needs to know of a pupil.
type PupilInfo struct {
	ID        int64
	Pseudonym string
	FirstName string
	BirthDate civil.Date
	// OwnOrgs are the organisations whose own access is no provision (the pupil's schools).
	OwnOrgs []int64
	// Guardians are the parents with gezag and an e-mail address.
	Guardians []Person
	// Self is the pupil's own address, if the pupil has an account.
	Self *Person
	// Hold is the latest hold (meldcode), if any.
	Hold *Hold
}

// Hold postpones telling: a reason (never sent) and the first day on which telling is allowed.
type Hold struct {
	Reason string
	Until  civil.Date
	By     string
}

// Recipients are the persons to tell about a pupil on day: the parents with gezag until the
// pupil is 18 (gezag ends, BW 1:233), and the pupil from 16 when it has an address.
func (p PupilInfo) Recipients(day civil.Date) []Person {
	age := civil.AgeOn(p.BirthDate, day)
	var out []Person
	if age < 18 {
		out = append(out, p.Guardians...)
	}
	if age >= 16 && p.Self != nil && p.Self.Email != "" {
		s := *p.Self
		s.Pupil = true
		out = append(out, s)
	}
	return out
}

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Compose writes the message to one person about one pupil's provisions of day, in B1 Dutch.
// portal is the address where the parent signs in to see the details.
func Compose(to Person, pupil PupilInfo, day civil.Date, provs []Provision, portal string) Message {
	you, your, want, see := "u", "uw kind "+pupil.FirstName, "Wilt u", "ziet u als u inlogt"
	if to.Pupil {
		you, your, want, see = "je", "jou", "Wil je", "zie je als je inlogt"
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if to.Pupil {
		w("Beste %s,", firstWord(to.Name))
	} else {
		w("Beste %s,", to.Name)
	}
	w("")
	groups := group(provs, see)
	orgs := map[string]bool{}
	for _, g := range groups {
		orgs[g.org] = true
	}
	other := "een andere organisatie"
	if len(orgs) > 1 {
		other = fmt.Sprintf("%d andere organisaties", len(orgs))
	}
	w("Op %s zijn gegevens over %s gedeeld met %s. Daarvoor was geen toestemming nodig: de wet staat het toe. Wij vertellen het %s wel, zodat %s weet wie gegevens over %s heeft.", day.Dutch(), your, other, you, you, your)
	w("")
	for _, g := range groups {
		w("- Aan: %s", g.org)
		w("  Waarom: %s", g.purpose)
		w("  Wat: %s", g.what)
		w("  Op grond van: %s", g.ground)
		w("")
	}
	w("%s precies zien welke gegevens het waren? Log in op %s. Daar staat ook wie de gegevens heeft bekeken.", want, portal)
	w("Klopt er iets niet, of %s bezwaar maken? Neem contact op met de school of met de organisatie die de gegevens kreeg. %s mag ook een klacht indienen bij de Autoriteit Persoonsgegevens.", strings.ToLower(want[:1])+want[1:], capital(you))
	w("")
	w("Dit bericht is automatisch verstuurd door Grondslag. %s kunt er niet op antwoorden.", capital(you))
	subject := "Gegevens van " + pupil.FirstName + " zijn gedeeld"
	if to.Pupil {
		subject = "Je gegevens zijn gedeeld"
	}
	return Message{To: to.Email, Subject: subject, Body: b.String()}
}

type provGroup struct{ org, purpose, ground, what string }

// group merges the day's provisions per organisation, purpose and ground; special categories are
// never named.
func group(provs []Provision, see string) []provGroup {
	type key struct{ org, purpose, ground string }
	cats := map[key][]string{}
	special := map[key]bool{}
	var order []key
	for _, p := range provs {
		k := key{p.Organisation, p.Purpose, p.Ground}
		if _, ok := cats[k]; !ok {
			order = append(order, k)
			cats[k] = nil
		}
		for _, c := range p.Categories {
			if c.Special {
				special[k] = true
			} else if !slices.Contains(cats[k], c.Name) {
				cats[k] = append(cats[k], c.Name)
			}
		}
	}
	out := make([]provGroup, 0, len(order))
	for _, k := range order {
		names := cats[k]
		sort.Strings(names)
		if special[k] {
			names = append(names, "extra beschermde gegevens (welke, "+see+")")
		}
		what := strings.Join(names, ", ")
		if what == "" {
			what = "gegevens"
		}
		out = append(out, provGroup{k.org, k.purpose, k.ground, what})
	}
	return out
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Source gives a batch its input (internal/store implements it).
type Source interface {
	// Candidates returns the audit records of the region with a pupil, made on day (Dutch
	// calendar day), and — for held pupils — still unsent records of earlier days.
	NoticeRecords(ctx context.Context, regionID int64, from, to time.Time) ([]audit.Record, error)
	// Pupils returns what the batch needs of the pupils with these pseudonyms on day.
	NoticePupils(ctx context.Context, regionID int64, pseudonyms []string, day civil.Date) (map[string]PupilInfo, error)
	// OrgName returns an organisation's name.
	OrgName(ctx context.Context, regionID, orgID int64) (string, error)
}

// Vocabulary turns the convenant's codes into the words parents read.
type Vocabulary struct {
	Purposes   map[string]string   // purpose code → name
	Categories map[string]Category // category code → name and whether it is special
}

// groundText says a legal ground in plain words.
var groundText = map[string]string{
	"avg-6-1-b": "een overeenkomst (AVG artikel 6 lid 1 sub b)",
	"avg-6-1-c": "een wettelijke plicht (AVG artikel 6 lid 1 sub c)",
	"avg-6-1-d": "het beschermen van een vitaal belang (AVG artikel 6 lid 1 sub d)",
	"avg-6-1-e": "een taak van algemeen belang die de wet geeft (AVG artikel 6 lid 1 sub e)",
	"avg-6-1-f": "een gerechtvaardigd belang (AVG artikel 6 lid 1 sub f)",
}

// Describe turns an audit record and the receiving organisation's name into a Provision.
func (v Vocabulary) Describe(r audit.Record, org string) Provision {
	p := Provision{At: r.Time, Pupil: r.Pupil, Organisation: org, Purpose: v.Purposes[r.Purpose], Ground: groundText[r.LegalGround]}
	if p.Purpose == "" {
		p.Purpose = r.Purpose
	}
	if p.Ground == "" {
		p.Ground = "de wet (" + r.LegalGround + ")"
	}
	if r.Article != "" {
		p.Ground += ", afgesproken in het privacyconvenant van de regio (" + r.Article + ")"
	}
	for _, c := range r.Categories {
		cat, ok := v.Categories[c]
		if !ok {
			cat = Category{Name: c}
		}
		p.Categories = append(p.Categories, cat)
	}
	return p
}

// Log remembers what was sent and what is held (internal/store implements it).
type Log interface {
	// Sent reports whether the notice of pupil's day was already sent to email.
	NoticeSent(ctx context.Context, regionID int64, pseudonym string, day civil.Date, email string) (bool, error)
	// MarkSent records that it was sent now (with the number of provisions).
	MarkNoticeSent(ctx context.Context, regionID int64, pseudonym string, day civil.Date, email string, n int, now time.Time) error
	// Held records that a pupil's day was held back by a hold (reason stays with the hold).
	NoticeHeld(ctx context.Context, regionID int64, pseudonym string, day civil.Date, until civil.Date, now time.Time) error
	// HeldDays returns the days held for the region whose hold ends on or before day and that
	// were not yet sent.
	HeldNoticeDays(ctx context.Context, regionID int64, day civil.Date) (map[string][]civil.Date, error)
}

// Mailer sends one message (internal/mail implements it over SMTP).
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Result counts what a batch did.
type Result struct {
	Pupils   int // pupils with provisions on the day
	Messages int // messages sent
	Held     int // pupils whose notice was held back
	Skipped  int // pupils without anyone to tell (no address)
}

// Batch sends the notices of day for a region: every tellable provision of that day, grouped
// per pupil, one message per recipient; pupils under a hold are recorded as held; held days whose
// hold has ended are sent now. A message already sent (same pupil, day and address) is not sent
// again, so a batch may be rerun after a failure.
func Batch(ctx context.Context, src Source, vocab Vocabulary, log Log, mail Mailer, regionID int64, day civil.Date, portal string, now time.Time) (Result, error) {
	var res Result
	days := map[civil.Date]bool{day: true}
	held, err := log.HeldNoticeDays(ctx, regionID, day)
	if err != nil {
		return res, err
	}
	for _, ds := range held {
		for _, d := range ds {
			days[d] = true
		}
	}
	var order []civil.Date
	for d := range days {
		order = append(order, d)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Before(order[j]) })
	for _, d := range order {
		only := map[string]bool(nil)
		if d != day {
			only = map[string]bool{}
			for ps, ds := range held {
				if slices.Contains(ds, d) {
					only[ps] = true
				}
			}
		}
		r, err := batchDay(ctx, src, vocab, log, mail, regionID, d, day, only, portal, now)
		res.Pupils += r.Pupils
		res.Messages += r.Messages
		res.Held += r.Held
		res.Skipped += r.Skipped
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func batchDay(ctx context.Context, src Source, vocab Vocabulary, log Log, mail Mailer, regionID int64, d, today civil.Date, only map[string]bool, portal string, now time.Time) (Result, error) {
	var res Result
	from := dayStart(d)
	to := dayStart(d.AddDays(1))
	recs, err := src.NoticeRecords(ctx, regionID, from, to)
	if err != nil {
		return res, err
	}
	byPupil := map[string][]audit.Record{}
	var pseudonyms []string
	for _, r := range recs {
		if only != nil && !only[r.Pupil] {
			continue
		}
		if _, ok := byPupil[r.Pupil]; !ok {
			pseudonyms = append(pseudonyms, r.Pupil)
		}
		byPupil[r.Pupil] = append(byPupil[r.Pupil], r)
	}
	if len(pseudonyms) == 0 {
		return res, nil
	}
	sort.Strings(pseudonyms)
	infos, err := src.NoticePupils(ctx, regionID, pseudonyms, today)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, ps := range pseudonyms {
		info, ok := infos[ps]
		if !ok {
			continue // erased meanwhile: nobody to tell
		}
		var provs []Provision
		for _, r := range byPupil[ps] {
			if !Tellable(r, info.OwnOrgs) {
				continue
			}
			org, err := src.OrgName(ctx, regionID, r.Actor.OrganisationID)
			if err != nil {
				return res, err
			}
			provs = append(provs, vocab.Describe(r, org))
		}
		if len(provs) == 0 {
			continue
		}
		res.Pupils++
		if info.Hold != nil && today.Before(info.Hold.Until) {
			if err := log.NoticeHeld(ctx, regionID, ps, d, info.Hold.Until, now); err != nil {
				return res, err
			}
			res.Held++
			continue
		}
		people := info.Recipients(today)
		if len(people) == 0 {
			res.Skipped++
			continue
		}
		for _, to := range people {
			sent, err := log.NoticeSent(ctx, regionID, ps, d, to.Email)
			if err != nil {
				return res, err
			}
			if sent {
				continue
			}
			if err := mail.Send(ctx, Compose(to, info, d, provs, portal)); err != nil {
				errs = append(errs, fmt.Errorf("kennisgeving niet verstuurd: %w", err))
				continue
			}
			if err := log.MarkNoticeSent(ctx, regionID, ps, d, to.Email, len(provs), now); err != nil {
				return res, err
			}
			res.Messages++
		}
	}
	return res, errors.Join(errs...)
}

// dayStart is midnight in Dutch time at the start of day d.
func dayStart(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, civil.Amsterdam)
}
