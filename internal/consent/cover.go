package consent

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Request is what a policy decision asks of the register: may data of category about this pupil
// go to this recipient for this purpose, on consent, at instant Now?
type Request struct {
	PupilID        int64
	Purpose        string
	Party          string // recipient party code
	OrganisationID int64  // recipient organisation; 0 if not known
	Category       string
	Now            time.Time
	// Discloser is the party that discloses (school, ggd, jeugdhulp, …; "" when unknown): the
	// WGBO ages of the jeugdarts and the jeugdhulpverlener differ from the school's, so whose
	// consent counts depends on it (Rules.NeededFor; BW 7:457 and 7:465, Jeugdwet 7.3.11).
	Discloser string
}

// Coverage is the register's answer.
type Coverage struct {
	// Covered is true when a consent covers the request; ConsentID names it.
	Covered   bool
	ConsentID int64
	// Requirement is whose consent the rules ask today.
	Requirement Requirement
	// Missing says in Dutch what is missing when not covered, e.g. "toestemming van beide
	// gezaghebbende ouders voor doel jeugdhulp ontbreekt".
	Missing string
}

// ConsentRef is the consent id as the policy context carries it ("" when not covered).
func (c Coverage) ConsentRef() string {
	if !c.Covered {
		return ""
	}
	return strconv.FormatInt(c.ConsentID, 10)
}

// Cover decides whether one of records (all records of the pupil) covers req, using the rules on
// the Dutch calendar day of req.Now and the gezag the family has now. A consent covers when it is
// given, valid at Now (not withdrawn, within its dates), names the purpose, the recipient and the
// category, its givers satisfy today's requirement, and no person whose consent is needed has
// refused it for that purpose afterwards. The newest covering consent wins.
func Cover(req Request, fam Family, records []Record, cfg Config) (Coverage, error) {
	if req.PupilID != fam.PupilID {
		return Coverage{}, fmt.Errorf("%w: leerling van de vraag en van de gezinsgegevens verschillen", ErrInvalidRequest)
	}
	today := Today(req.Now)
	q, err := cfg.Rules.NeededFor(fam.BirthDate, today, req.Purpose, req.Discloser, fam.GezagCount())
	if err != nil {
		return Coverage{}, err
	}
	cov := Coverage{Requirement: q}
	if !q.Needed() {
		rule, _ := cfg.Rules.Rule(req.Purpose)
		cov.Missing = fmt.Sprintf("voor doel %s wordt geen toestemming gevraagd (%s); een toestemming kan deze verstrekking niet dragen", req.Purpose, rule.Ground)
		return cov, nil
	}
	sorted := append([]Record(nil), records...)
	sort.Slice(sorted, func(i, j int) bool {
		if !sorted[i].d.GivenAt.Equal(sorted[j].d.GivenAt) {
			return sorted[i].d.GivenAt.After(sorted[j].d.GivenAt)
		}
		return sorted[i].id > sorted[j].id
	})
	var notes []string
	var bestMissing string
	for _, r := range sorted {
		if r.d.PupilID != req.PupilID || r.d.Status != StatusGiven || !r.scopeCovers(req.Purpose, req.Party, req.OrganisationID, req.Category) ||
			!r.disclosedBy(req.Discloser) {
			continue
		}
		switch st := r.StateAt(req.Now); st {
		case StateWithdrawn:
			notes = append(notes, fmt.Sprintf("toestemming %d is ingetrokken op %s", r.id, Today(r.w.At).Dutch()))
			continue
		case StateExpired:
			notes = append(notes, fmt.Sprintf("toestemming %d is verlopen na %s", r.id, r.d.ValidUntil.Dutch()))
			continue
		case StateNotYet:
			notes = append(notes, fmt.Sprintf("toestemming %d geldt pas vanaf %s", r.id, r.d.ValidFrom.Dutch()))
			continue
		}
		if ref := refusedAfter(r, sorted, req.Purpose, q, fam); ref != nil {
			notes = append(notes, fmt.Sprintf("%s weigerde op %s (vastlegging %d)", describeGivers(ref.d.Givers), Today(ref.d.GivenAt).Dutch(), ref.id))
			continue
		}
		missing := missingGivers(q, fam, r.hasGiver)
		if missing == "" {
			cov.Covered, cov.ConsentID = true, r.id
			return cov, nil
		}
		if bestMissing == "" {
			bestMissing = missing + fmt.Sprintf(" (toestemming %d is niet meer genoeg: de leerling is nu %d jaar)", r.id, q.Age)
		}
	}
	if bestMissing != "" {
		cov.Missing = bestMissing
	} else {
		cov.Missing = missingGivers(q, fam, func(Giver) bool { return false }) +
			fmt.Sprintf(" (geen geldige toestemming voor ontvanger %s en categorie %s)", req.Party, req.Category)
	}
	if len(notes) > 0 {
		cov.Missing += "; " + strings.Join(notes, "; ")
	}
	return cov, nil
}

// refusedAfter returns a refusal recorded after consent r for purpose by a person whose consent is
// needed today, or nil.
func refusedAfter(r Record, all []Record, purpose string, q Requirement, fam Family) *Record {
	for i := range all {
		x := &all[i]
		if x.d.Status != StatusRefused || !x.d.GivenAt.After(r.d.GivenAt) {
			continue
		}
		found := false
		for _, p := range x.d.Purposes {
			found = found || p == purpose
		}
		if !found {
			continue
		}
		for _, g := range x.d.Givers {
			if g.Kind == GiverPupil && q.Pupil {
				return x
			}
			if gd, ok := fam.guardian(g.ParentID); g.Kind == GiverParent && ok && gd.Gezag && q.Parents != ParentsNone {
				return x
			}
		}
	}
	return nil
}

func describeGivers(gs []Giver) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		if g.Kind == GiverPupil {
			s[i] = "de leerling"
		} else {
			s[i] = "ouder " + strconv.FormatInt(g.ParentID, 10)
		}
	}
	return strings.Join(s, " en ")
}

// Reminder is a consent that stops covering within the reminder window, and why.
type Reminder struct {
	Consent Record
	// EndsAfter is the last day the consent covers.
	EndsAfter Date
	// Reason: "verloopt" (its end date) or "leeftijd" (the pupil reaches an age at which other
	// consent is needed).
	Reason string
	Detail string
}

// Expiring lists the consents among records that are valid at now and stop covering within days
// days (inclusive): because their end date comes, or because the pupil reaches the age at which
// their own consent is needed (12) or only theirs counts (16) and the record lacks it. families
// gives each pupil's family by pupil id. Sorted by the last covering day.
func Expiring(records []Record, families map[int64]Family, now time.Time, days int, rules *Rules) []Reminder {
	today := Today(now)
	horizon := today.AddDays(days)
	var out []Reminder
	for _, r := range records {
		if r.StateAt(now) != StateValid {
			continue
		}
		var rem *Reminder
		consider := func(end Date, reason, detail string) {
			if end.Before(today) || end.After(horizon) {
				return
			}
			if rem == nil || end.Before(rem.EndsAfter) {
				rem = &Reminder{Consent: r, EndsAfter: end, Reason: reason, Detail: detail}
			}
		}
		if !r.d.ValidUntil.IsZero() {
			consider(r.d.ValidUntil, "verloopt", fmt.Sprintf("geldig tot en met %s", r.d.ValidUntil.Dutch()))
		}
		if fam, ok := families[r.d.PupilID]; ok {
			for _, p := range r.d.Purposes {
				rule, ok := rules.Rule(p)
				if !ok || !rule.ConsentRequired {
					continue
				}
				for _, age := range []int{rule.PupilAlsoFrom, rule.PupilAloneFrom} {
					bday := birthday(fam.BirthDate, age)
					if !bday.After(today) {
						continue
					}
					q, err := rules.Needed(fam.BirthDate, bday, p, fam.GezagCount())
					if err != nil || missingGivers(q, fam, r.hasGiver) == "" {
						continue
					}
					consider(bday.AddDays(-1), "leeftijd", fmt.Sprintf("de leerling wordt %d op %s; dan is voor doel %s de toestemming van de leerling zelf nodig", age, bday.Dutch(), p))
				}
			}
		}
		if rem != nil {
			out = append(out, *rem)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].EndsAfter.Compare(out[j].EndsAfter); c != 0 {
			return c < 0
		}
		return out[i].Consent.id < out[j].Consent.id
	})
	return out
}

// birthday is the first day on which someone born on birth is age years old (29 February births
// in a year without it: 1 March, as AgeOn counts).
func birthday(birth Date, age int) Date {
	y := birth.Year + age
	d := Date{Year: y, Month: birth.Month, Day: birth.Day}
	if birth.Month == time.February && birth.Day == 29 && !isLeap(y) {
		d = Date{Year: y, Month: time.March, Day: 1}
	}
	return d
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
