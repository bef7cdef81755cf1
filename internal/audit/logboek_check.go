package audit

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// LogboekProblem is one rule of the Logboek Dataverwerkingen standard (or of Grondslag's use of
// it) that a record of an export breaks.
type LogboekProblem struct {
	Line    int    // 1-based line of the record in the export
	SpanID  string // the record's span_id
	Problem string // Dutch
}

func (p LogboekProblem) String() string {
	return fmt.Sprintf("regel %d (span %s): %s", p.Line, p.SpanID, p.Problem)
}

var (
	hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hex16 = regexp.MustCompile(`^[0-9a-f]{16}$`)
	// nine digits in a row: what a BSN or onderwijsnummer in clear would look like.
	nineDigits = regexp.MustCompile(`(^|[^0-9])[0-9]{9}([^0-9]|$)`)
)

// CheckLogboek checks every record of an export (in its order) against the rules of the standard
// (LogboekVersion) as Grondslag implements them, and returns what is wrong; none means conform.
// complete says the export is a whole region's log (not one controller's or one pupil's), so that
// the discloser's record of every receipt must be in it too.
//
// The rules, each with the standard's text it rests on:
//   - trace_id 16 bytes and span_id 8 bytes, lower-case hex, not zero; each span_id once per
//     trace ("De Applicatie MOET een voor iedere nieuwe actie een unieke span_id bijhouden");
//   - name, start_time ≤ end_time (verplicht);
//   - status_code 0, 1 or 2; an allowed processing 1 (OK), a refusal 0 (UNSET: completed without
//     an internal error, the decision in dpl.grondslag.uitkomst), never 2 (Grondslag logs no
//     failed processing);
//   - parent_span_id names a record of the same trace ("binnen huidige Trace");
//   - foreign_operation has a trace_id, a span_id and an absolute URI as entity, and is no
//     operation of our own trace; a receipt (actie ontvangen) has one, naming the discloser's
//     record of a provision (actie delen) by another controller, which, in a complete export, is
//     in the export with that controller as entity;
//   - in a complete export every allowed provision (actie delen) has the recipient's receipt: a
//     record naming it as foreign_operation (each controller records its own side of every
//     disclosure, DOMAIN.md "Separate controllers");
//   - dpl.core.processing_activity_id, an absolute URI, on every record ("MOET in de Logregel een
//     verwijzing naar de juiste Verwerkingsactiviteit … opnemen"); a receipt's differs from the
//     discloser's (each controller its own register);
//   - dpl.core.data_subject_id with dpl.core.data_subject_id_type, the id keyed (32 hex), never a
//     number in clear; no value of any record holds nine digits in a row;
//   - the resource names the standard's version (dpl.grondslag.standaard).
func CheckLogboek(recs []LogboekRecord, complete bool) []LogboekProblem {
	var out []LogboekProblem
	bad := func(i int, format string, args ...any) {
		out = append(out, LogboekProblem{Line: i + 1, SpanID: recs[i].SpanID, Problem: fmt.Sprintf(format, args...)})
	}
	byKey := make(map[spanKey]int, len(recs))
	for i, r := range recs {
		k := spanKey{r.TraceID, r.SpanID}
		if j, dup := byKey[k]; dup {
			bad(i, "span_id komt in deze trace al voor (regel %d)", j+1)
			continue
		}
		byKey[k] = i
	}
	for i, r := range recs {
		if !hex32.MatchString(r.TraceID) || r.TraceID == strings.Repeat("0", 32) {
			bad(i, "trace_id %q is geen 16 bytes in kleine hexadecimale tekens", r.TraceID)
		}
		if !hex16.MatchString(r.SpanID) || r.SpanID == strings.Repeat("0", 16) {
			bad(i, "span_id %q is geen 8 bytes in kleine hexadecimale tekens", r.SpanID)
		}
		if strings.TrimSpace(r.Name) == "" {
			bad(i, "name ontbreekt")
		}
		if r.StartTime <= 0 || r.EndTime < r.StartTime {
			bad(i, "start_time %d en end_time %d kloppen niet", r.StartTime, r.EndTime)
		}
		outcome := r.Attributes[AttrOutcome]
		switch {
		case r.StatusCode == StatusOK && outcome == string(Allowed):
		case r.StatusCode == StatusUnset && outcome == string(Denied):
			if r.Attributes[AttrReason] == "" {
				bad(i, "een weigering zonder reden (%s)", AttrReason)
			}
		case r.StatusCode == StatusError && outcome == string(Allowed):
			if r.Attributes[AttrFailure] == "" {
				bad(i, "status_code 2 (ERROR) zonder foutcode (%s); een weigering door het beleid is status 0", AttrFailure)
			}
		case r.StatusCode == StatusError:
			bad(i, "status_code 2 (ERROR) hoort bij een toegestane verwerking die mislukte, niet bij uitkomst %q", outcome)
		default:
			bad(i, "status_code %d past niet bij uitkomst %q (toegestaan: 1, geweigerd: 0)", r.StatusCode, outcome)
		}
		if p := r.ParentSpanID; p != "" {
			if j, ok := byKey[spanKey{r.TraceID, p}]; !ok {
				bad(i, "parent_span_id %s is geen record van deze trace", p)
			} else if j == i {
				bad(i, "parent_span_id verwijst naar het record zelf")
			}
		}
		act := r.Attributes[AttrProcessingActivity]
		if act == "" {
			bad(i, "%s ontbreekt", AttrProcessingActivity)
		} else if !absoluteURI(act) {
			bad(i, "%s %q is geen absolute URI", AttrProcessingActivity, act)
		}
		if f := r.ForeignOperation; f != nil {
			if !hex32.MatchString(f.TraceID) || !hex16.MatchString(f.SpanID) {
				bad(i, "foreign_operation zonder geldige trace_id en span_id")
			}
			if !absoluteURI(f.Entity) {
				bad(i, "foreign_operation.entity %q is geen absolute URI", f.Entity)
			}
			if f.TraceID == r.TraceID {
				bad(i, "foreign_operation ligt in de eigen trace; dat is een parent_span_id")
			}
		}
		if r.Attributes[AttrAction] == string(ActionReceive) {
			checkReceipt(recs, i, byKey, complete, bad)
		}
		subj, typ := r.Attributes[AttrDataSubject], r.Attributes[AttrDataSubjectType]
		switch {
		case subj == "" && typ != "":
			bad(i, "%s zonder %s", AttrDataSubjectType, AttrDataSubject)
		case subj != "" && typ == "":
			bad(i, "%s zonder %s", AttrDataSubject, AttrDataSubjectType)
		case subj != "" && (typ != DataSubjectIDType || !hex32.MatchString(subj)):
			bad(i, "%s is niet de gesleutelde id van type %s", AttrDataSubject, DataSubjectIDType)
		}
		if field := inClear(r); field != "" {
			bad(i, "negen cijfers op een rij in %s: een nummer in leesbare vorm?", field)
		}
		if r.Resource == nil || r.Resource.Attributes[AttrStandard] != LogboekVersion {
			bad(i, "resource noemt de versie van de standaard niet (%s)", AttrStandard)
		}
	}
	if complete {
		received := map[spanKey]bool{}
		for _, r := range recs {
			if f := r.ForeignOperation; f != nil && r.Attributes[AttrAction] == string(ActionReceive) {
				received[spanKey{f.TraceID, f.SpanID}] = true
			}
		}
		for i, r := range recs {
			// A provision to a controller outside Grondslag (DUO's verzuimregister) names that
			// party's operation itself: its receipt is in the other party's Logboek, never here.
			if r.ForeignOperation != nil {
				continue
			}
			if r.Attributes[AttrAction] == string(ActionShare) && r.Attributes[AttrOutcome] == string(Allowed) && !received[spanKey{r.TraceID, r.SpanID}] {
				bad(i, "een toegestane verstrekking zonder ontvangst: de ontvanger legt haar niet vast onder zijn eigen verwerking (foreign_operation naar deze verstrekking)")
			}
		}
	}
	return out
}

// checkReceipt: a receipt names, as its foreign operation, a provision by another controller
// under another activity; in a complete export that provision is a record of it.
func checkReceipt(recs []LogboekRecord, i int, byKey map[spanKey]int, complete bool, bad func(int, string, ...any)) {
	r := recs[i]
	f := r.ForeignOperation
	if f == nil {
		bad(i, "een ontvangst zonder foreign_operation naar de verstrekking")
		return
	}
	if f.Entity == r.Attributes[AttrController] {
		bad(i, "een ontvangst van de eigen organisatie")
	}
	if !complete {
		return
	}
	j, ok := byKey[spanKey{f.TraceID, f.SpanID}]
	if !ok {
		bad(i, "de verstrekking %s/%s van deze ontvangst staat niet in het logboek", f.TraceID, f.SpanID)
		return
	}
	s := recs[j]
	if s.Attributes[AttrAction] != string(ActionShare) || s.Attributes[AttrOutcome] != string(Allowed) {
		bad(i, "de foreign_operation van deze ontvangst is geen toegestane verstrekking (regel %d)", j+1)
	}
	if s.Attributes[AttrController] != f.Entity {
		bad(i, "entity %s is niet de verstrekker van regel %d (%s)", f.Entity, j+1, s.Attributes[AttrController])
	}
	if s.Attributes[AttrProcessingActivity] == r.Attributes[AttrProcessingActivity] {
		bad(i, "ontvangst en verstrekking (regel %d) staan onder dezelfde verwerking; elke partij logt onder haar eigen", j+1)
	}
	if s.Attributes[AttrDataSubject] != r.Attributes[AttrDataSubject] {
		bad(i, "ontvangst en verstrekking (regel %d) gaan niet over dezelfde betrokkene", j+1)
	}
}

type spanKey struct{ trace, span string }

func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

// inClear names the first field of r whose value holds nine digits in a row ("" if none).
func inClear(r LogboekRecord) string {
	keys := make([]string, 0, len(r.Attributes))
	for k := range r.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == AttrAuditIndex || k == AttrDataSubject || k == AttrRequest {
			continue // numbers or hex by design (the data subject id is checked above)
		}
		if nineDigits.MatchString(r.Attributes[k]) {
			return k
		}
	}
	if nineDigits.MatchString(r.Name) {
		return "name"
	}
	return ""
}
