package audit

import "time"

// Filter narrows the FG's search in a region's audit log (issue 15). Zero fields do not filter.
// To is exclusive.
type Filter struct {
	Pupil    string // pseudonym
	From, To time.Time
	UserID   int64
	OrgID    int64
	Outcome  string // Allowed or Denied
	Purpose  string
	Offset   int
	Limit    int // 0: all matches
}

// Matches reports whether r passes the filter's user, organisation, outcome and purpose (the
// fields inside a leaf; period and pupil are the caller's to check).
func (f Filter) Matches(r Record) bool {
	return (f.UserID == 0 || r.Actor.UserID == f.UserID) && (f.OrgID == 0 || r.Actor.OrganisationID == f.OrgID) &&
		(f.Outcome == "" || string(r.Outcome) == f.Outcome) && (f.Purpose == "" || r.Purpose == f.Purpose)
}

// StoredCheckpoint is a signed checkpoint as stored.
type StoredCheckpoint struct {
	ID   int64
	Size uint64
	Root []byte
	Time time.Time
	Note []byte // the signed note
}
