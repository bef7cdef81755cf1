package absence

import (
	"fmt"
	"slices"
)

// Evaluator applies the Rules on a Calendar. It is safe for concurrent use only through separate
// Evaluators (it reuses scratch space between pupils for speed).
type Evaluator struct {
	cal   *Calendar
	rules Rules
	days  []dayAgg
	recs  []rec
	reps  []report
	long  []longRun
	cdays []dayAgg
	rdays []dayAgg
	trig  []Signal
	// longSick are the long-sick triggers of one pupil (Rules.LongSickDays), beside trig.
	longSick []Signal
	sources  *[nKinds][2]string // per kind (kindIndex) and variant
	trigOut  []Signal           // one pupil's signals before sorting (EvaluateSpool)
	order    sigOrder
	// epochs are the rule versions by date (NewVersionedEvaluator); nil: rules apply always.
	epochs []ruleEpoch
}

// source returns the bron text of a rule (computed once per Evaluator).
func (e *Evaluator) source(k Kind, variant int) string { return e.sources[kindIndex(k)][variant] }

// report is one sick report for M@ZL: a run of consecutive sick school days.
type report struct {
	from, to Date
	lw       int32
}

// NewEvaluator checks the rules and returns an Evaluator.
func NewEvaluator(cal *Calendar, rules Rules) (*Evaluator, error) {
	if cal == nil {
		return nil, fmt.Errorf("%w: geen schoolkalender", ErrRules)
	}
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	e := &Evaluator{cal: cal, rules: rules, sources: new([nKinds][2]string)}
	for _, k := range Kinds() {
		for v := range 2 {
			e.sources[kindIndex(k)][v] = rules.sourceText(k, v)
		}
	}
	return e, nil
}

// Calendar returns the evaluator's calendar.
func (e *Evaluator) Calendar() *Calendar { return e.cal }

// Rules returns the evaluator's rules.
func (e *Evaluator) Rules() Rules { return e.rules }

// PupilInput is everything the rules consider for one pupil.
type PupilInput struct {
	Pupil         string
	Registrations []Registration // any order; rows of one day add up
	Exemptions    []Exemption    // vrijstellingen and leave: no absence counts inside them
	// CaseClosed are the days the gemeente closed a melding of this pupil (afgesloten): an
	// episode running then ends, and counting starts again after it.
	CaseClosed []Date
	// Birth is the date of birth (zero when unknown: every day then counts as compulsory).
	// With it, the duty on the day of each absence decides the signals: leerplicht and
	// kwalificatieplicht give the art. 21a signals, 18 to 23 without a startkwalificatie an RMC
	// signal (never an art. 21a melding), other days none.
	Birth Date
	Facts CompulsionFacts // the startkwalificatie (and 12 school years), if known
	AsOf  Date            // peildatum: registrations after it are not considered
}

// pupilCtx is what the rules need of a pupil besides the registrations.
type pupilCtx struct {
	ex     []Exemption
	closed []Date
	duty   duty
	asOf   Date
}

// Stats counts what an evaluation skipped, so that a report can say so.
type Stats struct {
	Rows         int // registrations read
	Pupils       int
	NotSchoolDay int // registrations on a weekend, holiday or free day: not counted
	ZeroHours    int // registrations of 0 hours: no absence
	AfterAsOf    int // registrations after the peildatum: not counted
	Exempt       int // registrations inside an exemption or leave: not counted
	Uncovered    int // registrations on dates whose holidays the calendar does not know
}

func (s *Stats) add(o Stats) {
	s.Rows += o.Rows
	s.Pupils += o.Pupils
	s.NotSchoolDay += o.NotSchoolDay
	s.ZeroHours += o.ZeroHours
	s.AfterAsOf += o.AfterAsOf
	s.Exempt += o.Exempt
	s.Uncovered += o.Uncovered
}

// Evaluate returns the signals of one pupil in canonical order. It fails (with *LineError values
// joined) when one day adds up to more than 24 hours.
func (e *Evaluator) Evaluate(in PupilInput) ([]Signal, Stats, error) {
	e.recs = e.recs[:0]
	for _, r := range in.Registrations {
		if r.Day < MinDate || r.Day > MaxDate {
			return nil, Stats{}, fmt.Errorf("%w: %s", ErrDate, r.Day)
		}
		e.recs = append(e.recs, rec{key: uint64(r.Day - MinDate), line: uint32(r.Line), hours: int16(r.Hours), reason: r.Reason})
	}
	slices.SortFunc(e.recs, func(a, b rec) int { return compareKey(a.key, b.key) })
	var out []Signal
	closed := slices.Clone(in.CaseClosed)
	slices.Sort(closed)
	pc := pupilCtx{ex: in.Exemptions, closed: closed, duty: newDuty(in.Birth, in.Facts), asOf: in.AsOf}
	st, errs := e.pupil(in.Pupil, e.recs, pc, func(s Signal) { out = append(out, s) })
	if len(errs) > 0 {
		return nil, st, joinLineErrors(errs)
	}
	SortSignals(out)
	return out, st, nil
}

func compareKey(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rec is a registration packed for sorting: key is pupil<<32 | (day - MinDate).
type rec struct {
	key    uint64
	line   uint32
	hours  int16
	reason Reason
}

func (r rec) day() Date { return Date(uint32(r.key)) + MinDate }

// dayAgg is one school day of one pupil with its registrations added up.
type dayAgg struct {
	day      Date
	lw       int32
	unauth   Hours // ongeoorloofd (+ te-laat)
	ongeoorl Hours // ongeoorloofd only
	sick     Hours // ziek and ziek-vermoedelijk-ongeoorloofd
	suspect  Hours // ziek-vermoedelijk-ongeoorloofd
	sickRep  bool
	suspRep  bool
	duty     uint8
	contig   bool  // the previous day of the slice is the school day before this one
	lesson   Hours // the lesson time of this weekday: at least this much absence is a whole day
	total    Hours
}

// whole reports whether h hours on this day are a whole day.
func (a *dayAgg) whole(h Hours) bool { return h >= a.lesson }

// pupil evaluates one pupil's records, sorted by day.
func (e *Evaluator) pupil(pupil string, recs []rec, pc pupilCtx, emit func(Signal)) (Stats, []*LineError) {
	if e.epochs != nil {
		return e.pupilEpochs(pupil, recs, pc, emit)
	}
	st := Stats{Rows: len(recs), Pupils: 1}
	var errs []*LineError
	days := e.days[:0]
	ex := pc.ex
	mixed := false
	for _, r := range recs {
		d := r.day()
		switch {
		case d > pc.asOf:
			st.AfterAsOf++
			continue
		case r.hours == 0:
			st.ZeroHours++ // a row of 0 hours is no absence
			continue
		case !e.cal.IsSchoolDay(d):
			st.NotSchoolDay++
			continue
		case len(ex) > 0 && covered(ex, d):
			st.Exempt++
			continue
		}
		if !e.cal.Covers(d) {
			st.Uncovered++
		}
		if n := len(days); n == 0 || days[n-1].day != d {
			lw, _ := e.cal.Lesweek(d)
			du := pc.duty.on(d)
			if du != dutyCompulsory {
				mixed = true
			}
			contig := n > 0 && e.cal.NextSchoolDay(days[n-1].day+1) == d
			days = append(days, dayAgg{day: d, lw: int32(lw), duty: du, contig: contig, lesson: e.rules.LessonHours[d.Weekday()]})
		}
		a := &days[len(days)-1]
		h := Hours(r.hours)
		if a.total+h > MaxHoursPerDay {
			errs = append(errs, &LineError{Line: int(r.line), Msg: fmt.Sprintf("leerling %s heeft op %s samen meer dan 24 uur verzuim", pupil, d)})
			continue
		}
		a.total += h
		switch {
		case r.reason.countsAsUnauthorised(e.rules.LateCounts):
			a.unauth += h
			if r.reason == Unauthorised {
				a.ongeoorl += h
			}
		case r.reason.isSick():
			a.sick += h
			a.sickRep = true
			if r.reason == SickSuspect {
				a.suspect += h
				a.suspRep = true
			}
		}
	}
	e.days = days
	if len(errs) > 0 {
		return st, errs
	}
	if len(days) == 0 {
		return st, nil
	}
	// The leerplicht rules see the days under leerplicht or kwalificatieplicht; the RMC rule the
	// days of 18 to 23 without startkwalificatie; M@ZL every school day.
	cdays := days
	var rdays []dayAgg
	if mixed {
		cdays, rdays = e.cdays[:0], e.rdays[:0]
		for _, a := range days {
			switch a.duty {
			case dutyCompulsory:
				a.contig = len(cdays) > 0 && e.cal.NextSchoolDay(cdays[len(cdays)-1].day+1) == a.day
				cdays = append(cdays, a)
			case dutyRMC:
				a.contig = len(rdays) > 0 && e.cal.NextSchoolDay(rdays[len(rdays)-1].day+1) == a.day
				rdays = append(rdays, a)
			}
		}
		e.cdays, e.rdays = cdays, rdays
	}
	u := pc.duty
	compEnd := func(Date) Date {
		if !u.known {
			return 0
		}
		return max(u.lpEnd, u.kwEnd) + 1
	}
	rmcEnd := func(Date) Date {
		if !u.known {
			return 0
		}
		return u.rmcEnd + 1
	}
	if len(cdays) > 0 {
		e.unauthorisedTrack(pupil, cdays, stagesCompulsory, pc.closed, pc.asOf, compEnd, emit)
		e.ruleLuxury(pupil, cdays, pc.asOf, emit)
		e.ruleSickSuspect(pupil, cdays, pc.asOf, emit)
	}
	if len(rdays) > 0 {
		e.unauthorisedTrack(pupil, rdays, stagesRMC, pc.closed, pc.asOf, rmcEnd, emit)
	}
	e.ruleMAZL(pupil, days, pc.asOf, emit)
	return st, nil
}

// runs calls fn for every maximal run of consecutive school days (in days) that satisfy in.
func (e *Evaluator) runs(days []dayAgg, in func(*dayAgg) bool, fn func(run []dayAgg)) {
	start := -1
	for j := range days {
		ok := in(&days[j])
		if ok && start >= 0 && !days[j].contig {
			fn(days[start:j])
			start = -1
		}
		if ok && start < 0 {
			start = j
		}
		if !ok && start >= 0 {
			fn(days[start:j])
			start = -1
		}
	}
	if start >= 0 {
		fn(days[start:])
	}
}

// ruleLuxury is vermoedelijk luxe verzuim: a run of school days with ongeoorloofd absence that
// starts on the first school day after, or ends on the last school day before, a weekday without
// lessons (holiday, public holiday or free day). Each such run is one episode.
func (e *Evaluator) ruleLuxury(pupil string, days []dayAgg, asOf Date, emit func(Signal)) {
	e.runs(days, func(a *dayAgg) bool { return a.ongeoorl > 0 }, func(run []dayAgg) {
		first, last := run[0], run[len(run)-1]
		if !e.cal.afterBreak(first.day) && !e.cal.beforeBreak(last.day) {
			return
		}
		s := Signal{Pupil: pupil, Kind: KindLuxury, From: first.day, To: last.day, Reached: last.day, Source: e.source(KindLuxury, 0)}
		for _, a := range run {
			s.Hours += a.ongeoorl
			if a.whole(a.ongeoorl) {
				s.Days++
			}
		}
		if e.back(s.To, asOf+1) {
			s.Ended, s.EndReason = e.returnDay(s.To), EndBack
		}
		emit(s)
	})
}

// ruleMAZL is the M@ZL sick-absence signal for the jeugdarts: MAZLReports sick reports (a run of
// consecutive sick days is one report) within MAZLWeeks lesweken, or the MAZLConsecutive-th
// consecutive school day sick. Triggers before the pupil was back make one episode. In the same
// pass, where the region reports long sick absence to leerplicht (Rules.LongSickDays), the
// LongSickDays-th consecutive school day sick opens a KindLongSick episode.
func (e *Evaluator) ruleMAZL(pupil string, days []dayAgg, asOf Date, emit func(Signal)) {
	reps := e.reps[:0]
	trig := e.trig[:0]
	long := e.longSick[:0]
	e.runs(days, func(a *dayAgg) bool { return a.sickRep }, func(run []dayAgg) {
		r := report{from: run[0].day, to: run[len(run)-1].day, lw: run[0].lw}
		if n := e.rules.MAZLConsecutive; len(run) >= n {
			trig = append(trig, Signal{Pupil: pupil, Kind: KindMAZL, From: r.from, To: run[n-1].day, Source: e.source(KindMAZL, 1)})
		}
		if n := e.rules.LongSickDays; n > 0 && len(run) >= n {
			long = append(long, Signal{Pupil: pupil, Kind: KindLongSick, From: r.from, To: run[n-1].day, Source: e.source(KindLongSick, 0)})
		}
		reps = append(reps, r)
	})
	start := 0
	for j := range reps {
		for start <= j && reps[start].lw <= reps[j].lw-int32(e.rules.MAZLWeeks) {
			start++
		}
		if j-start+1 >= e.rules.MAZLReports {
			// Of the report that completes the count, only its first day has happened at the
			// moment of the signal.
			trig = append(trig, Signal{Pupil: pupil, Kind: KindMAZL, From: reps[start].from, To: reps[j].from, Source: e.source(KindMAZL, 0)})
			start = j + 1
		}
	}
	e.reps = reps
	slices.SortFunc(trig, func(a, b Signal) int { return compareKey(uint64(a.From), uint64(b.From)) })
	e.trig = trig
	e.mergeEpisodes(trig, days, asOf, func(a *dayAgg) Hours { return a.sick }, emit)
	e.longSick = long
	if len(long) > 0 {
		e.mergeEpisodes(long, days, asOf, func(a *dayAgg) Hours { return a.sick }, emit)
	}
}

// ruleSickSuspect signals sick reports the school marked as suspected unlawful, to be reported as
// overig verzuim; reports before the pupil was back make one episode.
func (e *Evaluator) ruleSickSuspect(pupil string, days []dayAgg, asOf Date, emit func(Signal)) {
	trig := e.trig[:0]
	e.runs(days, func(a *dayAgg) bool { return a.suspRep }, func(run []dayAgg) {
		trig = append(trig, Signal{Pupil: pupil, Kind: KindSickSuspect, From: run[0].day, To: run[len(run)-1].day, Source: e.source(KindSickSuspect, 0)})
	})
	e.trig = trig
	e.mergeEpisodes(trig, days, asOf, func(a *dayAgg) Hours { return a.suspect }, emit)
}
