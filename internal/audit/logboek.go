package audit

import (
	"fmt"
	"strconv"
)

// LogboekVersion names the version of the Logboek Dataverwerkingen standard (Logius, MinBZK) the
// export implements: the werkversie (editor's draft) after the 0.8.0 publication of 2024-12-13,
// in which operation_id became span_id, parent_operation_id became parent_span_id, status 0 is
// UNSET ("processed without an internal error", also for a refusal) and the attribute
// dpl.core.data_subject_id_type names the kind of data subject id. Every export names it in its
// resource (AttrStandard).
const LogboekVersion = "logboek-dataverwerkingen werkversie na 0.8.0 (Logius, 2024-12-13)"

// Logboek Dataverwerkingen status codes (werkversie: UNSET, OK, ERROR).
const (
	// StatusUnset: processed without an internal error; Grondslag uses it for a refusal, which is
	// a completed decision (outcome in AttrOutcome), as the standard does for client errors.
	StatusUnset = 0
	// StatusOK: explicitly successful; Grondslag uses it for an allowed processing.
	StatusOK = 1
	// StatusError: an internal error during the processing. Grondslag logs no processing that
	// failed (the transaction of data and log is rolled back together), so no record has it.
	StatusError = 2
)

// LogboekRecord is one record of the Dutch government standard Logboek Dataverwerkingen
// ("Component: Logboek", LogboekVersion), as `grondslag audit export --formaat logboek` writes it
// (one JSON object per line). Ids are lower-case hex, times unix milliseconds.
type LogboekRecord struct {
	TraceID          string            `json:"trace_id"`
	SpanID           string            `json:"span_id"`
	StatusCode       int               `json:"status_code"`
	Name             string            `json:"name"`
	StartTime        int64             `json:"start_time"`
	EndTime          int64             `json:"end_time"`
	ParentSpanID     string            `json:"parent_span_id,omitempty"`
	ForeignOperation *LogboekForeign   `json:"foreign_operation,omitempty"`
	Resource         *LogboekResource  `json:"resource,omitempty"`
	Attributes       map[string]string `json:"attributes"`
}

// LogboekForeign is the other party's operation in an exchange: the caller of an API request (its
// W3C traceparent), or the discloser of data the recipient's receipt record names.
type LogboekForeign struct {
	TraceID string `json:"trace_id"`
	SpanID  string `json:"span_id"`
	Entity  string `json:"entity"`
}

// LogboekResource names the system that processed.
type LogboekResource struct {
	Attributes map[string]string `json:"attributes"`
}

// Attribute keys of the records. dpl.core.* are the standard's; dpl.grondslag.* tie a record to
// Grondslag's verifiable audit log and state the decision (no personal data).
const (
	AttrProcessingActivity = "dpl.core.processing_activity_id"
	AttrDataSubject        = "dpl.core.data_subject_id"
	AttrDataSubjectType    = "dpl.core.data_subject_id_type"
	AttrController         = "dpl.grondslag.verwerkingsverantwoordelijke"
	AttrAction             = "dpl.grondslag.actie"
	AttrAuditIndex         = "dpl.grondslag.audit_index"
	AttrOutcome            = "dpl.grondslag.uitkomst"
	AttrReason             = "dpl.grondslag.reden"
	AttrFailure            = "dpl.grondslag.fout"
	AttrLegalGround        = "dpl.grondslag.grondslag"
	AttrRequest            = "dpl.grondslag.verzoek"
	// AttrStandard, in the resource, is LogboekVersion.
	AttrStandard = "dpl.grondslag.standaard"
)

// DataSubjectIDType is the dpl.core.data_subject_id_type of Grondslag's records: the id is the
// region's keyed HMAC-SHA256 of the pupil's pseudonym (itself a keyed HMAC of the BSN or other
// number), the same for every record of one pupil in one region and unreadable without the
// region's key (docs/audit.md, "Logboek Dataverwerkingen").
const DataSubjectIDType = "urn:grondslag:betrokkene:leerling:hmac-sha256-regio"

// OrganisationURI is the URI by which the log names an organisation of a region: a record's
// controller (AttrController) and the entity of a foreign operation between two parties.
func OrganisationURI(regionID, orgID int64) string {
	return fmt.Sprintf("urn:grondslag:regio:%d:organisatie:%d", regionID, orgID)
}

// LogboekOptions are what the export adds to the leaves.
type LogboekOptions struct {
	// Resource names the system (service.name, service.version, the region); AttrStandard is
	// added.
	Resource map[string]string
	// SubjectID turns a pupil's pseudonym into the keyed data subject id
	// (ident.RegionKeys.DataSubjectID). Required for leaves that name a pupil.
	SubjectID func(pseudonym string) string
}

// Logboek maps a leaf to its Logboek Dataverwerkingen record. The pupil appears only as the keyed
// data subject id, never as the pseudonym, BSN or name.
func (l Leaf) Logboek(o LogboekOptions) (LogboekRecord, error) {
	r := l.Entry.r
	rec := LogboekRecord{
		TraceID:    r.TraceID.String(),
		SpanID:     r.OperationID.String(),
		StatusCode: StatusOK,
		Name:       r.Name,
		StartTime:  r.Start.UnixMilli(),
		EndTime:    r.End.UnixMilli(),
		Attributes: map[string]string{
			AttrAuditIndex: strconv.FormatUint(l.Index, 10),
			AttrOutcome:    string(r.Outcome),
			AttrAction:     string(r.Action),
			AttrRequest:    r.RequestID,
		},
	}
	if r.Outcome == Denied {
		rec.StatusCode = StatusUnset
		rec.Attributes[AttrReason] = r.Reason
	}
	if r.Failure != "" {
		rec.StatusCode = StatusError
		rec.Attributes[AttrFailure] = r.Failure
	}
	if r.Actor.OrganisationID > 0 {
		rec.Attributes[AttrController] = OrganisationURI(l.RegionID, r.Actor.OrganisationID)
	}
	if !r.ParentOperationID.IsZero() {
		rec.ParentSpanID = r.ParentOperationID.String()
	}
	if f := r.Foreign; f != nil {
		rec.ForeignOperation = &LogboekForeign{TraceID: f.TraceID.String(), SpanID: f.OperationID.String(), Entity: f.Entity}
	}
	if r.ProcessingActivity != "" {
		rec.Attributes[AttrProcessingActivity] = r.ProcessingActivity
	}
	if r.LegalGround != "" {
		rec.Attributes[AttrLegalGround] = r.LegalGround
	}
	if r.Pupil != "" {
		if o.SubjectID == nil {
			return LogboekRecord{}, fmt.Errorf("regel %d noemt een leerling, maar de sleutel voor data_subject_id ontbreekt", l.Index)
		}
		rec.Attributes[AttrDataSubject] = o.SubjectID(r.Pupil)
		rec.Attributes[AttrDataSubjectType] = DataSubjectIDType
	}
	res := map[string]string{AttrStandard: LogboekVersion}
	for k, v := range o.Resource {
		res[k] = v
	}
	rec.Resource = &LogboekResource{Attributes: res}
	return rec, nil
}
