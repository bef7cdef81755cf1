package audit

import (
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/policy"
)

// ApplyDecision copies what the policy decided into the record: the outcome (with the reason
// code "ontbreekt-<what>" when denied), the legal ground as a short code, the convenant article
// and version, the consent relied on, and the processing activity (the URI of the decision's
// activity in the verwerkingsregister). Only internal/access calls it (access.Decision.Record,
// which passes the resolved URI), so the log records decisions one way.
func (r *Record) ApplyDecision(d policy.Decision, activityURI string) {
	r.LegalGround = d.GroundCode()
	r.Article = d.Article
	r.ConvenantVersion = strings.TrimPrefix(d.ConvenantVersion, "sha256:")
	r.ProcessingActivity = activityURI
	if id, err := strconv.ParseInt(d.ConsentID, 10, 64); err == nil && d.ConsentID != "" {
		r.ConsentID = id
	}
	if d.Allowed {
		r.Outcome, r.Reason = Allowed, ""
		return
	}
	missing := d.Missing
	if missing == "" {
		missing = "regel"
	}
	r.Outcome, r.Reason = Denied, "ontbreekt-"+missing
}

// PerPupil builds the entries of one operation about several pupils from base: first base's own
// entry (naming no pupil), then one entry per pupil with the same decision and operation context,
// each with its own operation id and base's as parent (Logboek Dataverwerkingen: one record per
// data subject, each a child operation of the known one, which is itself a record so that every
// parent_span_id names a record; NEN 7513 logs per subject). Used for bulk processing such as a
// school's absence import.
func PerPupil(base Record, pseudonyms []string, enc Encrypter) ([]Entry, error) {
	out := make([]Entry, 0, 1+len(pseudonyms))
	base.Pupil = ""
	if base.OperationID.IsZero() {
		base.OperationID = NewOperationID()
	}
	own, err := NewEntry(base, enc)
	if err != nil {
		return nil, err
	}
	out = append(out, own)
	for _, p := range pseudonyms {
		r := base
		r.Pupil = p
		r.OperationID = NewOperationID()
		r.ParentOperationID = base.OperationID
		e, err := NewEntry(r, enc)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
