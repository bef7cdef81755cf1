package absence

// Episodes: the rules' thresholds decide when absence becomes a signal; episodes decide how many
// signals there are. One spell of absence of one kind is one episode with one signal that grows
// while the absence continues, and ends when the pupil is back at school (Rules.ReturnDays school
// days without that absence) or the gemeente closed the case. Absence after the end starts a new
// episode, and counting towards a threshold starts again from zero (the law asks for a new
// melding only when 16 hours are reached again after the pupil was back: DOMAIN.md, "Absence
// reporting").

// Duties a pupil can be under on a day, decided from the date of birth and the startkwalificatie.
const (
	dutyCompulsory uint8 = iota // leerplicht or kwalificatieplicht (or birth date unknown)
	dutyRMC                     // 18 to 23 without startkwalificatie: RMC, no art. 21a
	dutyNone                    // not compulsory: too young, or a startkwalificatie / 23 or older
)

// duty holds one pupil's boundaries, computed once.
type duty struct {
	known                        bool
	start, lpEnd, kwEnd, rmcFrom Date
	rmcEnd                       Date
}

func newDuty(birth Date, f CompulsionFacts) duty {
	if birth == 0 {
		return duty{}
	}
	u := duty{known: true, start: CompulsionStart(birth), lpEnd: LeerplichtEnd(birth, f),
		kwEnd: addYears(birth, 18) - 1, rmcFrom: addYears(birth, 18), rmcEnd: addYears(birth, 23) - 1}
	if sk := f.Startkwalificatie; sk != 0 {
		u.kwEnd = min(u.kwEnd, sk-1)
		u.rmcEnd = min(u.rmcEnd, sk-1)
	}
	return u
}

// on returns the duty on day d: leerplicht (art. 3, 4) up to LeerplichtEnd, kwalificatieplicht
// (art. 4a) until 18 or the startkwalificatie, then RMC until 23 or the startkwalificatie.
func (u duty) on(d Date) uint8 {
	switch {
	case !u.known:
		return dutyCompulsory
	case d < u.start:
		return dutyNone
	case d <= u.lpEnd || d <= u.kwEnd:
		return dutyCompulsory
	case d >= u.rmcFrom && d <= u.rmcEnd:
		return dutyRMC
	}
	return dutyNone
}

// back reports whether the pupil was at school for ReturnDays consecutive school days after last
// and before d (d itself not counted).
func (e *Evaluator) back(last, d Date) bool {
	if d > MaxDate+1 {
		return e.backSlow(last, d)
	}
	from := max(last+1, MinDate)
	if d <= from {
		return false
	}
	return e.cal.schoolDaysIn(from, d) >= int32(e.rules.ReturnDays)
}

// backSlow is back by walking the school days (for d after MaxDate+1, where NextSchoolDay
// answers MaxDate+1 for every day).
func (e *Evaluator) backSlow(last, d Date) bool {
	x := last + 1
	for range e.rules.ReturnDays {
		x = e.cal.NextSchoolDay(x)
		if x >= d {
			return false
		}
		x++
	}
	return true
}

// returnDay is the first school day after last: the day the pupil was back.
func (e *Evaluator) returnDay(last Date) Date { return e.cal.NextSchoolDay(last + 1) }

// longRun is a run of whole days of unauthorised absence through LongWeeks complete lesweken.
type longRun struct {
	from, last Date // from: the day the run qualified (end of its LongWeeks-th complete week)
	priority   bool
}

// longRuns returns the runs that make langdurig relatief verzuim: whole days on every school day
// of LongWeeks consecutive complete lesweken (Kamerbrief thuiszitters 2016).
func (e *Evaluator) longRuns(days []dayAgg, out []longRun) []longRun {
	out = out[:0]
	e.runs(days, func(a *dayAgg) bool { return a.whole(a.unauth) }, func(run []dayAgg) {
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
		lr := longRun{last: last.day, priority: last.day > first.day.AddMonths(e.rules.PriorityMonths)}
		for _, a := range run {
			if a.lw == startWeek+int32(e.rules.LongWeeks)-1 {
				lr.from = a.day
			}
		}
		out = append(out, lr)
	})
	return out
}

// stages names the kind of each stage of an unauthorised-absence episode; "" means the stage
// raises no signal of its own in that track.
type stages struct{ starting, sixteen, long Kind }

var (
	stagesCompulsory = stages{KindStarting, Kind16Hours, KindLongTerm}
	stagesRMC        = stages{"", KindRMC, KindRMC}
)

// unauthorisedTrack turns one pupil's unauthorised absence (days sorted, all of one duty) into
// episodes: beginnend verzuim (StartingDays days in StartingWeeks lesweken), which grows into the
// art. 21a episode (Threshold16 hours in Weeks16 lesweken), which grows into langdurig relatief
// verzuim. closed are the days the gemeente closed a case (sorted).
//
// Counting towards 16 hours starts again only after an episode that reached 16 hours ended (or a
// case was closed): the law counts 16 hours in any 4 lesweken, and asks for a new melding only
// when they are reached again after the pupil was back. An episode that stayed beginnend verzuim
// and ended is therefore held back while its days are still in the 16-hour window: when the
// window reaches 16 hours with them, that episode is reopened and grows into the 16-hour one
// (one episode, not two overlapping ones).
func (e *Evaluator) unauthorisedTrack(pupil string, days []dayAgg, st stages, closed []Date, asOf Date, dutyEnd func(Date) Date, emit func(Signal)) {
	e.long = e.longRuns(days, e.long)
	long := e.long
	li := 0
	var ep, held Signal
	open, holding := false, false
	level := 0 // 1 beginnend, 2 sixteen, 3 long
	reset16, resetB := Date(-1<<30), Date(-1<<30)
	ci := 0
	i16, ib := 0, 0
	var sum16 Hours
	nb := 0
	finish := func(ended Date, why EndReason) {
		ep.Ended, ep.EndReason = ended, why
		emit(ep)
		open, level = false, 0
	}
	release := func() {
		if holding {
			emit(held)
			holding = false
		}
	}
	setStage := func(l int, k Kind, d Date) {
		if k == "" || l <= level {
			return
		}
		level = l
		ep.Kind, ep.Source, ep.Reached = k, e.source(k, 0), d
	}
	addDays := func(from, to int, after Date) {
		for k := from; k <= to; k++ {
			if days[k].unauth > 0 && days[k].day > after {
				ep.Hours += days[k].unauth
				if days[k].whole(days[k].unauth) {
					ep.Days++
				}
			}
		}
	}
	for j := range days {
		dj := &days[j]
		if dj.unauth == 0 {
			continue
		}
		// A case closed before this day ends the episode; counting starts again after it.
		for ci < len(closed) && closed[ci] < dj.day {
			if open && closed[ci] >= ep.From {
				finish(closed[ci], EndClosed)
			}
			release()
			reset16, resetB = max(reset16, closed[ci]), max(resetB, closed[ci])
			ci++
		}
		if open && e.back(ep.To, dj.day) {
			resetB = ep.To
			if level >= 2 {
				reset16 = ep.To
				finish(e.returnDay(ep.To), EndBack)
			} else {
				release()
				ep.Ended, ep.EndReason = e.returnDay(ep.To), EndBack
				held, holding, open, level = ep, true, false, 0
			}
		}
		// The windows count days after their last reset only.
		sum16 += dj.unauth
		for i16 <= j && (days[i16].lw <= dj.lw-int32(e.rules.Weeks16) || days[i16].day <= reset16) {
			sum16 -= days[i16].unauth
			i16++
		}
		if holding && days[i16].day > held.To {
			release() // its days left the 16-hour window: it stays ended
		}
		nb++
		for ib <= j && (days[ib].lw <= dj.lw-int32(e.rules.StartingWeeks) || days[ib].day <= resetB) {
			if days[ib].unauth > 0 {
				nb--
			}
			ib++
		}
		for li < len(long) && long[li].last < dj.day {
			li++
		}
		inLong := li < len(long) && long[li].from <= dj.day
		if open {
			ep.To = dj.day
			ep.Hours += dj.unauth
			if dj.whole(dj.unauth) {
				ep.Days++
			}
		} else {
			sixteen := sum16 >= e.rules.Threshold16 && st.sixteen != ""
			switch {
			case sixteen && holding:
				// The 16 hours include days of the held episode: it was not over.
				ep, holding = held, false
				ep.Ended, ep.EndReason = 0, ""
				prev := ep.To
				ep.To = dj.day
				for k := i16; k <= j; k++ {
					if days[k].day > prev {
						addDays(k, k, prev)
					}
				}
				open, level = true, 1
			case sixteen, nb >= e.rules.StartingDays && st.starting != "", inLong && st.long != "":
				// A new episode starts when a threshold is reached: from the first day of its
				// window.
				release()
				from, after := j, resetB
				switch {
				case sixteen:
					from, after = i16, reset16
				case nb >= e.rules.StartingDays && st.starting != "":
					from = ib
				}
				ep = Signal{Pupil: pupil, From: dj.day, To: dj.day}
				for k := from; k <= j; k++ {
					if days[k].unauth > 0 && days[k].day > after && days[k].day < ep.From {
						ep.From = days[k].day
					}
				}
				addDays(from, j, after)
				open = true
			default:
				continue
			}
		}
		if nb >= e.rules.StartingDays {
			setStage(1, st.starting, dj.day)
		}
		if sum16 >= e.rules.Threshold16 {
			setStage(2, st.sixteen, dj.day)
		}
		if inLong {
			setStage(3, st.long, dj.day)
			ep.Priority = ep.Priority || long[li].priority
		}
		if level == 0 { // only stages this track does not signal: no episode
			open = false
		}
	}
	release()
	if !open {
		return
	}
	for ci < len(closed) && closed[ci] <= asOf {
		if closed[ci] >= ep.From {
			finish(closed[ci], EndClosed)
			return
		}
		ci++
	}
	if end := dutyEnd(ep.To); end != 0 && end <= asOf && !e.back(ep.To, end) {
		finish(end, EndDuty)
		return
	}
	if e.back(ep.To, asOf+1) {
		finish(e.returnDay(ep.To), EndBack)
		return
	}
	emit(ep)
}

// mergeEpisodes makes episodes of a rule's triggers (sorted by From): an episode starts with a
// trigger and grows with every later day of the same absence (hours > 0) and every later trigger
// until the pupil was back (ReturnDays school days without it). Hours and whole days are counted
// over the episode's period from days.
func (e *Evaluator) mergeEpisodes(trig []Signal, days []dayAgg, asOf Date, hours func(*dayAgg) Hours, emit func(Signal)) {
	ti, di := 0, 0
	for ti < len(trig) {
		cur := trig[ti]
		cur.Reached = cur.To
		ti++
		for {
			grew := false
			for ti < len(trig) && (trig[ti].From <= cur.To || !e.back(cur.To, trig[ti].From)) {
				cur.To = max(cur.To, trig[ti].To)
				ti++
				grew = true
			}
			for di < len(days) && days[di].day <= cur.To {
				di++
			}
			for di < len(days) && (hours(&days[di]) == 0 || !e.back(cur.To, days[di].day)) {
				if hours(&days[di]) > 0 {
					cur.To = days[di].day
					grew = true
				}
				di++
				if ti < len(trig) && trig[ti].From <= cur.To {
					break
				}
			}
			if !grew {
				break
			}
		}
		cur.Hours, cur.Days = 0, 0
		for k := range days {
			if d := days[k].day; d >= cur.From && d <= cur.To {
				h := hours(&days[k])
				cur.Hours += h
				if h > 0 && days[k].whole(h) {
					cur.Days++
				}
			}
		}
		if e.back(cur.To, asOf+1) {
			cur.Ended, cur.EndReason = e.returnDay(cur.To), EndBack
		}
		emit(cur)
	}
}
