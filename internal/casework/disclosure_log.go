package casework

import (
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// Each party is its own controller (AVG art. 4.7; DOMAIN.md, "Separate controllers"): what one
// participant learns from another's record is a disclosure, logged twice — the discloser's
// provision under its own activity and the recipient's receipt under its receiving activity,
// linked by trace context (Logboek Dataverwerkingen foreign_operation), never one record under
// the other's activity.

// disclosed reports whether v is an allowed disclosure by another organisation than the
// actor's: then disclosureRecords logs both sides.
func (v Verdict) disclosed(op Op) bool {
	return v.Allowed() && v.Decision.Allowed && v.DiscloserOrg > 0 && v.Decision.RecipientActivityURI != "" &&
		op.Actor.Professional() && v.DiscloserOrg != op.Actor.OrganisationID
}

// disclosureRecords returns the discloser's provision and the actor's receipt of disclosure v,
// the receipt a child of parent (the actor's own record of the same operation) in the actor's
// trace, the provision in a trace of the discloser's own (nobody at the discloser acted now:
// access point job, the discloser's organisation and role).
func (s *Service) disclosureRecords(regionID int64, op Op, c *Case, v Verdict, parent audit.Record, name string, now time.Time) []audit.Record {
	share := s.auditRecord(op, c, v, audit.ActionShare, name+"-verstrekking", now)
	share.Actor = audit.Actor{OrganisationID: v.DiscloserOrg, Role: v.DiscloserRole}
	share.AccessPoint, share.Foreign = audit.AccessJob, nil
	share.TraceID, share.OperationID, share.ParentOperationID = audit.NewTraceID(), audit.NewOperationID(), audit.OperationID{}
	share.RequestID = "casus-" + share.OperationID.String()
	share.Name = name + "-verstrekking"

	receipt := s.auditRecord(op, c, v, audit.ActionReceive, name+"-ontvangst", now)
	receipt.TraceID, receipt.OperationID, receipt.ParentOperationID = parent.TraceID, audit.NewOperationID(), parent.OperationID
	receipt.ProcessingActivity = v.Decision.RecipientActivityURI
	receipt.Foreign = &audit.ForeignOperation{TraceID: share.TraceID, OperationID: share.OperationID, Entity: audit.OrganisationURI(regionID, v.DiscloserOrg)}
	return []audit.Record{share, receipt}
}

// recordsOf returns the actor's record of verdict v (action, name) and, when v is a disclosure by
// another organisation, the two sides of it; the actor's own record then names the actor's
// receiving activity, not the discloser's.
func (s *Service) recordsOf(regionID int64, op Op, c *Case, v Verdict, action audit.Action, name string, now time.Time) []audit.Record {
	rec := s.auditRecord(op, c, v, action, name, now)
	if !v.disclosed(op) {
		return []audit.Record{rec}
	}
	rec.ProcessingActivity = v.Decision.RecipientActivityURI
	return append([]audit.Record{rec}, s.disclosureRecords(regionID, op, c, v, rec, name, now)...)
}

// entriesOf is recordsOf as checked entries.
func (s *Service) entriesOf(regionID int64, op Op, c *Case, v Verdict, action audit.Action, name string, now time.Time) ([]audit.Entry, error) {
	var out []audit.Entry
	for _, r := range s.recordsOf(regionID, op, c, v, action, name, now) {
		e, err := audit.NewEntry(r, s.enc)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
