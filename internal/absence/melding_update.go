package absence

import (
	"errors"

	"github.com/grondslag/grondslag/internal/audit"
)

// A melding covers its episode; while the absence continues the refresh updates the open melding
// (hours, days, the end date once the pupil is back). When the episode of a melding of beginnend
// verzuim (overig verzuim) reaches 16 hours in 4 lesweken, the law asks for the statutory melding
// (Leerplichtwet 1969 art. 21a): the melding's type is raised to 16-uur-in-4-lesweken within the
// same episode — still one melding per episode. Every such update is a disclosure by the school to
// leerplicht and gets its audit entry in the refresh's transaction (MeldingUpdateTrail).

// UpgradeArticle is the ground of raising a melding's type.
const UpgradeArticle = "Leerplichtwet 1969 art. 21a (16 uur ongeoorloofd verzuim in 4 lesweken: wettelijke melding)"

// UpgradeMeldingType returns the type an open melding of type current must have when its episode
// is now of kind k; ok is true when that is a change the law asks for. Only beginnend verzuim is
// raised (to the statutory 16-hour melding, also when the episode already became long-term
// absence: that stage passed 16 hours); every other type stays as reported.
func UpgradeMeldingType(current MeldingType, k Kind) (MeldingType, bool) {
	if current == MeldingStarting && (k == Kind16Hours || k == KindLongTerm) {
		return Melding16Hours, true
	}
	return current, false
}

// MeldingUpdate is one change a refresh makes to an open melding.
type MeldingUpdate struct {
	PupilID   int64
	MeldingID int64
	Pseudonym string
	From, To  MeldingType // the type before and after (equal unless raised)
	// Gemeente is the organisation of the pupil's gemeente (woongemeente; 0: unknown), whose
	// leerplicht receives the update: it logs its own receipt.
	Gemeente int64
}

// Upgraded says whether the type was raised.
func (u MeldingUpdate) Upgraded() bool { return u.From != u.To }

// MeldingUpdateTrail returns the audit entries of one melding update; the repository calls it
// inside the refresh's transaction before writing. ErrSkipMeldingUpdate leaves the melding as it
// was (the signal is still refreshed).
type MeldingUpdateTrail func(u MeldingUpdate) ([]audit.Entry, error)

// ErrSkipMeldingUpdate is returned by a MeldingUpdateTrail whose actor may not update the melding.
var ErrSkipMeldingUpdate = errors.New("de melding wordt niet bijgewerkt: het convenant staat dit niet toe")
