package audit

import "strings"

// AliasPrefix starts a per-pupil audit alias (internal/envelope, Key.AuditAlias): the value an
// entry about a pupil carries in its leerling field instead of the region's pseudonym when the
// store keeps pupil keys. A region pseudonym never contains '-'.
const AliasPrefix = "al-"

// IsAlias reports whether a pupil value is a per-pupil audit alias rather than a pseudonym.
func IsAlias(pupil string) bool { return strings.HasPrefix(pupil, AliasPrefix) }

// WithPupil returns a copy of e about pupil (the pupil's audit alias replacing its pseudonym),
// the data subject id encrypted anew with enc. The copy is validated like any new entry.
func (e Entry) WithPupil(pupil string, enc Encrypter) (Entry, error) {
	r := e.Record()
	r.Pupil = pupil
	return NewEntry(r, enc)
}
