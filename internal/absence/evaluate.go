package absence

import (
	"fmt"
	"slices"
)

// Evaluator applies the Rules on a Calendar. It is safe for concurrent use only through separate
// Evaluators (it reuses scratch space between pupils for speed).
type Evaluator struct {
	cal     *Calendar
	rules   Rules
	days    []dayAgg
	recs    []rec
	reps    []report
	sources map[sourceKey]string
}

type sourceKey struct {
	kind    Kind
	variant int
}

// source returns the bron text of a rule (computed once per Evaluator).
func (e *Evaluator) source(k Kind, variant int) string { return e.sources[sourceKey{k, variant}] }

// report is one sick report for M@ZL: a run of consecutive sick school days.
type report struct {
	from, to Date
	lw       int32
	hours    Hours
	whole    int
	first    Hours // sick hours of its first day
	firstWh  bool
}

// NewEvaluator checks the rules and returns an Evaluator.
func NewEvaluator(cal *Calendar, rules Rules) (*Evaluator, error) {
	if cal == nil {
		return nil, fmt.Errorf("%w: geen schoolkalender", ErrRules)
	}
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	e := &Evaluator{cal: cal, rules: rules, sources: map[sourceKey]string{}}
	for _, k := range Kinds() {
		for v := range 2 {
			e.sources[sourceKey{k, v}] = rules.sourceText(k, v)
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
	// MeldingDates are the end dates of earlier art. 21a meldingen for this pupil: counting the
	// 16 hours starts again after each (the evaluator also restarts after each signal it emits,
	// since the law requires the melding without delay).
	MeldingDates []Date
	AsOf         Date // peildatum: registrations after it are not considered
}

// Stats counts what an evaluation skipped, so that a report can say so.
type Stats struct {
	Rows         int // registrations read
	Pupils       int
	NotSchoolDay int // registrations on a weekend, holiday or free day: not counted
	AfterAsOf    int // registrations after the peildatum: not counted
	Exempt       int // registrations inside an exemption or leave: not counted
	Uncovered    int // registrations on dates whose holidays the calendar does not know
}

func (s *Stats) add(o Stats) {
	s.Rows += o.Rows
	s.Pupils += o.Pupils
	s.NotSchoolDay += o.NotSchoolDay
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
	st, errs := e.pupil(in.Pupil, e.recs, in.Exemptions, in.MeldingDates, in.AsOf, func(s Signal) { out = append(out, s) })
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
	incident bool  // an unauthorised registration, even of 0 hours
	sickRep  bool
	suspRep  bool
	total    Hours
}

// pupil evaluates one pupil's records, sorted by day.
func (e *Evaluator) pupil(pupil string, recs []rec, ex []Exemption, meldingen []Date, asOf Date, emit func(Signal)) (Stats, []*LineError) {
	st := Stats{Rows: len(recs), Pupils: 1}
	var errs []*LineError
	days := e.days[:0]
	for _, r := range recs {
		d := r.day()
		switch {
		case d > asOf:
			st.AfterAsOf++
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
			days = append(days, dayAgg{day: d, lw: int32(lw)})
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
			a.incident = true
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
	resets := e.rule16(pupil, days, meldingen, emit)
	e.ruleStarting(pupil, days, resets, emit)
	e.ruleLongTerm(pupil, days, emit)
	e.ruleLuxury(pupil, days, emit)
	e.ruleMAZL(pupil, days, emit)
	e.ruleSickSuspect(pupil, days, emit)
	return st, nil
}

func (e *Evaluator) whole(d Date, h Hours) bool { return h >= e.rules.LessonHours[d.Weekday()] }

// rule16 is Leerplichtwet art. 21a: Threshold16 unauthorised hours within Weeks16 consecutive
// lesweken. Counting starts again after each signal and after each known melding. It returns the
// days after which counting restarted (for beginnend verzuim).
func (e *Evaluator) rule16(pupil string, days []dayAgg, meldingen []Date, emit func(Signal)) []Date {
	var resets []Date
	reset := Date(-1 << 30)
	mi := 0
	i := 0
	var sum Hours
	for j := range days {
		dj := &days[j]
		for mi < len(meldingen) && meldingen[mi] < dj.day {
			reset = max(reset, meldingen[mi])
			resets = append(resets, meldingen[mi])
			mi++
		}
		sum += dj.unauth
		for i <= j && (days[i].lw <= dj.lw-int32(e.rules.Weeks16) || days[i].day <= reset) {
			sum -= days[i].unauth
			i++
		}
		if dj.unauth > 0 && sum >= e.rules.Threshold16 {
			s := Signal{Pupil: pupil, Kind: Kind16Hours, To: dj.day, Hours: sum, Source: e.source(Kind16Hours, 0)}
			for k := i; k <= j; k++ {
				if days[k].unauth > 0 {
					if s.From == 0 {
						s.From = days[k].day
					}
					if e.whole(days[k].day, days[k].unauth) {
						s.Days++
					}
				}
			}
			emit(s)
			reset = dj.day
			resets = append(resets, dj.day)
			i, sum = j+1, 0
		}
	}
	return resets
}

// ruleStarting is beginnend verzuim: StartingDays days with unauthorised absence within
// StartingWeeks lesweken, below the art. 21a threshold. Counting starts again after each signal
// and after each art. 21a signal or melding.
func (e *Evaluator) ruleStarting(pupil string, days []dayAgg, resets []Date, emit func(Signal)) {
	reset := Date(-1 << 30)
	ri := 0
	i := 0
	n := 0
	var sum Hours
	for j := range days {
		dj := &days[j]
		for ri < len(resets) && resets[ri] < dj.day {
			reset = max(reset, resets[ri])
			ri++
		}
		if dj.incident {
			n++
			sum += dj.unauth
		}
		for i <= j && (days[i].lw <= dj.lw-int32(e.rules.StartingWeeks) || days[i].day <= reset) {
			if days[i].incident {
				n--
				sum -= days[i].unauth
			}
			i++
		}
		if !dj.incident || n < e.rules.StartingDays {
			continue
		}
		// Reaching the art. 21a threshold in the same window is the stronger signal.
		if ri < len(resets) && resets[ri] == dj.day {
			continue
		}
		s := Signal{Pupil: pupil, Kind: KindStarting, To: dj.day, Hours: sum, Source: e.source(KindStarting, 0)}
		for k := i; k <= j; k++ {
			if days[k].incident {
				if s.From == 0 {
					s.From = days[k].day
				}
				if e.whole(days[k].day, days[k].unauth) {
					s.Days++
				}
			}
		}
		emit(s)
		reset = dj.day
		i, n, sum = j+1, 0, 0
	}
}

// runs calls fn for every maximal run of consecutive school days (in days) that satisfy in.
func (e *Evaluator) runs(days []dayAgg, in func(*dayAgg) bool, fn func(run []dayAgg)) {
	start := -1
	for j := range days {
		ok := in(&days[j])
		if ok && start >= 0 && e.cal.NextSchoolDay(days[j-1].day+1) != days[j].day {
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

// ruleLongTerm is langdurig relatief verzuim (thuiszitter): whole days of unauthorised absence on
// every school day of LongWeeks consecutive complete lesweken. The signal covers the whole run up
// to the peildatum; Priority is set when the run lasts longer than PriorityMonths.
func (e *Evaluator) ruleLongTerm(pupil string, days []dayAgg, emit func(Signal)) {
	e.runs(days, func(a *dayAgg) bool { return e.whole(a.day, a.unauth) }, func(run []dayAgg) {
		first, last := run[0], run[len(run)-1]
		startWeek := first.lw
		if e.cal.prevSchoolDayWeek(first.day) == first.lw {
			startWeek++ // the run began mid-week: that week is not complete
		}
		endWeek := last.lw
		if nx := e.cal.NextSchoolDay(last.day + 1); nx <= MaxDate {
			if lw, _ := e.cal.Lesweek(nx); int32(lw) == last.lw {
				endWeek-- // the last week is not complete (yet)
			}
		}
		if int(endWeek-startWeek+1) < e.rules.LongWeeks {
			return
		}
		s := Signal{Pupil: pupil, Kind: KindLongTerm, From: first.day, To: last.day, Days: len(run), Source: e.source(KindLongTerm, 0)}
		for _, a := range run {
			s.Hours += a.unauth
		}
		s.Priority = last.day > first.day.AddMonths(e.rules.PriorityMonths)
		emit(s)
	})
}

// ruleLuxury is vermoedelijk luxe verzuim: a run of school days with ongeoorloofd absence that
// starts on the first school day after, or ends on the last school day before, a weekday without
// lessons (holiday, public holiday or free day).
func (e *Evaluator) ruleLuxury(pupil string, days []dayAgg, emit func(Signal)) {
	e.runs(days, func(a *dayAgg) bool { return a.ongeoorl > 0 }, func(run []dayAgg) {
		first, last := run[0], run[len(run)-1]
		if !e.cal.afterBreak(first.day) && !e.cal.beforeBreak(last.day) {
			return
		}
		s := Signal{Pupil: pupil, Kind: KindLuxury, From: first.day, To: last.day, Source: e.source(KindLuxury, 0)}
		for _, a := range run {
			s.Hours += a.ongeoorl
			if e.whole(a.day, a.ongeoorl) {
				s.Days++
			}
		}
		emit(s)
	})
}

// ruleMAZL is the M@ZL sick-absence signal for the jeugdarts: MAZLReports sick reports (a run of
// consecutive sick days is one report) within MAZLWeeks lesweken, or the MAZLConsecutive-th
// consecutive school day sick.
func (e *Evaluator) ruleMAZL(pupil string, days []dayAgg, emit func(Signal)) {
	reps := e.reps[:0]
	e.runs(days, func(a *dayAgg) bool { return a.sickRep }, func(run []dayAgg) {
		r := report{from: run[0].day, to: run[len(run)-1].day, lw: run[0].lw, first: run[0].sick, firstWh: e.whole(run[0].day, run[0].sick)}
		for k, a := range run {
			r.hours += a.sick
			if e.whole(a.day, a.sick) {
				r.whole++
			}
			if k+1 == e.rules.MAZLConsecutive {
				emit(Signal{Pupil: pupil, Kind: KindMAZL, From: r.from, To: a.day, Hours: r.hours, Days: r.whole, Source: e.source(KindMAZL, 1)})
			}
		}
		reps = append(reps, r)
	})
	start := 0
	for j := range reps {
		for start <= j && reps[start].lw <= reps[j].lw-int32(e.rules.MAZLWeeks) {
			start++
		}
		if j-start+1 >= e.rules.MAZLReports {
			s := Signal{Pupil: pupil, Kind: KindMAZL, From: reps[start].from, To: reps[j].from, Source: e.source(KindMAZL, 0)}
			for k := start; k < j; k++ {
				s.Hours += reps[k].hours
				s.Days += reps[k].whole
			}
			// Of the report that completes the count, only its first day has happened at the
			// moment of the signal.
			s.Hours += reps[j].first
			if reps[j].firstWh {
				s.Days++
			}
			emit(s)
			start = j + 1
		}
	}
	e.reps = reps
}

// ruleSickSuspect signals sick reports the school marked as suspected unlawful: one signal per
// run of such days, to be reported as overig verzuim.
func (e *Evaluator) ruleSickSuspect(pupil string, days []dayAgg, emit func(Signal)) {
	e.runs(days, func(a *dayAgg) bool { return a.suspRep }, func(run []dayAgg) {
		s := Signal{Pupil: pupil, Kind: KindSickSuspect, From: run[0].day, To: run[len(run)-1].day, Source: e.source(KindSickSuspect, 0)}
		for _, a := range run {
			s.Hours += a.suspect
			if e.whole(a.day, a.suspect) {
				s.Days++
			}
		}
		emit(s)
	})
}
