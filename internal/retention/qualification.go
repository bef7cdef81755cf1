package retention

import "time"

// QualificationEnd returns the day the kwalificatieplicht has ended (the start event
// einde-kwalificatieplicht): the 18th birthday, or the day a startkwalificatie was obtained when
// that comes first (Leerplichtwet 1969 art. 4a lid 1 and art. 4b; VNG Selectielijst 2020, 12.1.4
// keeps the kwalificatieplicht file 2 years after that end). Someone born on 29 February turns 18
// on 1 March in a common year — the later reading, so a file is never destroyed too early — as
// internal/absence counts ages. A zero birth date gives a zero time (not known: nothing is due).
func QualificationEnd(birth, startkwalificatie time.Time) time.Time {
	if birth.IsZero() {
		return time.Time{}
	}
	end := AddYears(birth, 18)
	if sk := Day(startkwalificatie); !sk.IsZero() && sk.Before(end) {
		end = sk
	}
	return end
}

// AddYears returns the same calendar date n years later; 29 February becomes 1 March in a common
// year (the birthday of someone born on a leap day, as internal/absence counts it).
func AddYears(t time.Time, n int) time.Time {
	y, m, d := Day(t).Date()
	if m == time.February && d == 29 && daysIn(y+n, time.February) == 28 {
		return time.Date(y+n, time.March, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y+n, m, d, 0, 0, 0, 0, time.UTC)
}
