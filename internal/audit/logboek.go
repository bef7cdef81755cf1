package audit

import (
	"encoding/base64"
	"strconv"
)

// Logboek Dataverwerkingen status codes.
const (
	StatusUnknown = 0
	StatusOK      = 1
	StatusError   = 2
)

// LogboekRecord is one record of the Dutch government standard Logboek Dataverwerkingen
// (MinBZK/Logius, "Component: Logboek"), as `grondslag audit export --formaat logboek` writes it
// (one JSON object per line). Ids are lower-case hex, times unix milliseconds.
type LogboekRecord struct {
	TraceID           string            `json:"trace_id"`
	OperationID       string            `json:"operation_id"`
	StatusCode        int               `json:"status_code"`
	Name              string            `json:"name"`
	StartTime         int64             `json:"start_time"`
	EndTime           int64             `json:"end_time"`
	ParentOperationID string            `json:"parent_operation_id,omitempty"`
	ForeignOperation  *LogboekForeign   `json:"foreign_operation,omitempty"`
	Resource          *LogboekResource  `json:"resource,omitempty"`
	Attributes        map[string]string `json:"attributes"`
}

// LogboekForeign is the other party's operation in an exchange.
type LogboekForeign struct {
	TraceID     string `json:"trace_id"`
	OperationID string `json:"operation_id"`
	Entity      string `json:"entity"`
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
	AttrAuditIndex         = "dpl.grondslag.audit_index"
	AttrOutcome            = "dpl.grondslag.uitkomst"
	AttrReason             = "dpl.grondslag.reden"
	AttrLegalGround        = "dpl.grondslag.grondslag"
	AttrRequest            = "dpl.grondslag.verzoek"
)

// Logboek maps a leaf to its Logboek Dataverwerkingen record. The pupil appears only as the
// encrypted data subject id (base64 of the AEAD ciphertext of the pseudonym), never in clear.
// resource names the system (e.g. service.name, service.version, the region); it may be nil.
func (l Leaf) Logboek(resource map[string]string) LogboekRecord {
	r := l.Entry.r
	rec := LogboekRecord{
		TraceID:     r.TraceID.String(),
		OperationID: r.OperationID.String(),
		StatusCode:  StatusOK,
		Name:        r.Name,
		StartTime:   r.Start.UnixMilli(),
		EndTime:     r.End.UnixMilli(),
		Attributes: map[string]string{
			AttrAuditIndex: strconv.FormatUint(l.Index, 10),
			AttrOutcome:    string(r.Outcome),
			AttrRequest:    r.RequestID,
		},
	}
	if r.Outcome == Denied {
		rec.StatusCode = StatusError
		rec.Attributes[AttrReason] = r.Reason
	}
	if !r.ParentOperationID.IsZero() {
		rec.ParentOperationID = r.ParentOperationID.String()
	}
	if f := r.Foreign; f != nil {
		rec.ForeignOperation = &LogboekForeign{TraceID: f.TraceID.String(), OperationID: f.OperationID.String(), Entity: f.Entity}
	}
	if r.ProcessingActivity != "" {
		rec.Attributes[AttrProcessingActivity] = r.ProcessingActivity
	}
	if r.LegalGround != "" {
		rec.Attributes[AttrLegalGround] = r.LegalGround
	}
	if len(l.Entry.subject) > 0 {
		rec.Attributes[AttrDataSubject] = base64.StdEncoding.EncodeToString(l.Entry.subject)
	}
	if len(resource) > 0 {
		rec.Resource = &LogboekResource{Attributes: resource}
	}
	return rec
}
