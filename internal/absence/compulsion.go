package absence

import "time"

// Compulsion is the kind of compulsory education a young person is under on a date.
type Compulsion int

const (
	// NotCompulsory: too young, or past the kwalificatieplicht.
	NotCompulsory Compulsion = iota
	// Leerplicht (Leerplichtwet 1969 art. 3).
	Leerplicht
	// Kwalificatieplicht (art. 4a): after the leerplicht, until 18 or a startkwalificatie.
	Kwalificatieplicht
)

func (c Compulsion) String() string {
	switch c {
	case Leerplicht:
		return "leerplichtig"
	case Kwalificatieplicht:
		return "kwalificatieplichtig"
	}
	return "niet leerplichtig"
}

// CompulsionFacts are what is known beyond the birth date.
type CompulsionFacts struct {
	// TwelveYearsCompleted is a date in the school year in which the pupil completed 12 full
	// school years; zero when unknown or not yet.
	TwelveYearsCompleted Date
	// Startkwalificatie is the date the pupil obtained a startkwalificatie (havo, vwo or mbo
	// level 2); zero when none.
	Startkwalificatie Date
}

// CompulsionStart returns the day leerplicht starts: the first day of the month after the child
// turns 5 (art. 3 says the first school day of that month; no school day lies between the two).
func CompulsionStart(birth Date) Date {
	y, m, _ := birth.Civil()
	return NewDate(y+5, m, 1).AddMonths(1)
}

// LeerplichtEnd returns the last day of leerplicht: the end (31 July) of the school year in which
// the pupil turned 16, or of the school year in which 12 full school years were completed,
// whichever comes first (art. 3 and 4).
func LeerplichtEnd(birth Date, f CompulsionFacts) Date {
	end := SchoolYearEnd(addYears(birth, 16))
	if f.TwelveYearsCompleted != 0 {
		end = min(end, SchoolYearEnd(f.TwelveYearsCompleted))
	}
	return end
}

// CompulsionAt returns the compulsion on date on: leerplicht from CompulsionStart to
// LeerplichtEnd, then kwalificatieplicht until the day before the 18th birthday or the day of a
// startkwalificatie (art. 4a/4b).
func CompulsionAt(birth, on Date, f CompulsionFacts) Compulsion {
	switch {
	case on < CompulsionStart(birth):
		return NotCompulsory
	case on <= LeerplichtEnd(birth, f):
		return Leerplicht
	case on < addYears(birth, 18) && (f.Startkwalificatie == 0 || on < f.Startkwalificatie):
		return Kwalificatieplicht
	}
	return NotCompulsory
}

// Leerplichtig reports whether someone born on birth is under leerplicht or kwalificatieplicht on
// date on, knowing nothing beyond the birth date.
func Leerplichtig(birth, on Date) bool {
	return CompulsionAt(birth, on, CompulsionFacts{}) != NotCompulsory
}

// addYears returns the same date n years later; 29 February becomes 1 March in a common year
// (someone born on 29 February turns a year older on 1 March).
func addYears(d Date, n int) Date {
	y, m, dd := d.Civil()
	if m == time.February && dd == 29 && !isLeap(y+n) {
		return NewDate(y+n, time.March, 1)
	}
	return NewDate(y+n, m, dd)
}

// Enrolment is a period of enrolment at a school (To zero while current).
type Enrolment struct {
	From, To Date
}

func (e Enrolment) covers(d Date) bool { return d >= e.From && (e.To == 0 || d <= e.To) }

// AbsoluteInput is what the absoluut-verzuim rule needs of one young person.
type AbsoluteInput struct {
	Pupil      string
	Birth      Date
	Facts      CompulsionFacts
	Enrolments []Enrolment
	Exemptions []Exemption
	AsOf       Date
}

// AbsoluteAbsence returns the absoluut-verzuim signal for a young person under leerplicht or
// kwalificatieplicht on the peildatum who is not enrolled and not exempt; ok is false otherwise.
// The signal runs from the later of the start of compulsion and the day after the last
// enrolment, to the peildatum; Days counts the school days in it.
func (e *Evaluator) AbsoluteAbsence(in AbsoluteInput) (Signal, bool) {
	if CompulsionAt(in.Birth, in.AsOf, in.Facts) == NotCompulsory {
		return Signal{}, false
	}
	for _, en := range in.Enrolments {
		if en.covers(in.AsOf) {
			return Signal{}, false
		}
	}
	if covered(in.Exemptions, in.AsOf) {
		return Signal{}, false
	}
	from := CompulsionStart(in.Birth)
	for _, en := range in.Enrolments {
		if en.To != 0 && en.To < in.AsOf && en.To+1 > from {
			from = en.To + 1
		}
	}
	for _, ex := range in.Exemptions {
		if ex.To != 0 && ex.To < in.AsOf && ex.To+1 > from {
			from = ex.To + 1
		}
	}
	s := Signal{Pupil: in.Pupil, Kind: KindAbsolute, From: from, To: in.AsOf,
		Days: e.cal.SchoolDaysBetween(from, in.AsOf), Source: e.source(KindAbsolute, 0)}
	s.Priority = in.AsOf > from.AddMonths(e.rules.PriorityMonths)
	return s, true
}
