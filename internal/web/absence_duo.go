package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/duo"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// The school's exchange with DUO (absence.DUO): send a melding, take DUO's status over (asking
// DUO where the channel can, or from DUO's status file). The BSN or onderwijsnummer is decrypted
// only for the submission and leaves Grondslag only through the port. Every exchange is logged at
// the school under its own processing activity (the policy's decision for providing the melding:
// convenant school-verzuimmelding, activity verzuimmelding), with DUO as the foreign party.

// DUOEntity is the entity URI of DUO in the Logboek's foreign_operation.
const DUOEntity = "https://duo.nl/verzuimregister"

// DUOStore is what the exchange needs of the store (*store.DB implements it).
type DUOStore interface {
	MeldingDUO(ctx context.Context, regionID, id int64) (absence.DUOExchange, error)
	RecordDUOSubmission(ctx context.Context, regionID, id int64, channel, number string, at time.Time, trail absence.MeldingTrail) error
	RecordDUORefusal(ctx context.Context, regionID, id int64, channel string, r *absence.DUORefusal, at time.Time, trail absence.MeldingTrail) error
	MeldingByDUONumber(ctx context.Context, regionID int64, number string) (absence.StoredMelding, error)
	ApplyDUOStatus(ctx context.Context, regionID, id int64, r absence.StatusReport, now time.Time, trail absence.MeldingTrail) (absence.StoredMelding, absence.StatusOutcome, error)
}

// duoReference is the school's kenmerk of a melding at DUO: its public id, so that DUO's answers
// can be linked back without a number to type.
func (v *verzuimHandlers) duoReference(id int64) string { return "GS-" + v.s.pid(kindMelding, id) }

func (v *verzuimHandlers) meldingOfReference(ref string) (int64, bool) {
	ref = strings.TrimSpace(ref)
	if !strings.HasPrefix(ref, "GS-") {
		return 0, false
	}
	return v.s.ids.decode(kindMelding, strings.TrimPrefix(ref, "GS-"))
}

// duoDecision decides the school's provision of the melding (through DUO, to leerplicht of the
// pupil's gemeente) and returns the record of the exchange. A refusal is logged and returned.
func (v *verzuimHandlers) duoDecision(ctx context.Context, p *Principal, m absence.StoredMelding, act audit.Action, point audit.AccessPoint, name string) (audit.Record, error) {
	a := p.Actor()
	if a.Party != "school" || m.SchoolID != a.OrgID {
		return audit.Record{}, errNotFound
	}
	f, err := v.s.pupilFacts(ctx, p, m.PupilID, purposeHandhaving)
	if err != nil {
		return audit.Record{}, err
	}
	_, ok, d, err := v.s.decideAll(ctx, p, f, policy.Disclose, meldingCats, purposeHandhaving, toLeerplicht)
	if err != nil {
		return audit.Record{}, err
	}
	pseudonym, err := v.meldingPseudonym(ctx, p, m)
	if err != nil {
		return audit.Record{}, err
	}
	rec := v.s.decisionRecord(ctx, p, pseudonym, meldingCats, purposeHandhaving, act, d, meldingRef(m.ID), point, name)
	// DUO is another controller: its operation lies in its own trace (a foreign operation in the
	// own trace is a parent_span_id, and audit.CheckLogboek refuses it).
	rec.Foreign = &audit.ForeignOperation{TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Entity: DUOEntity}
	if !ok {
		if err := v.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
			return rec, err
		}
		return rec, denied(d)
	}
	return rec, nil
}

// duoRefused is DUO's refusal of a submission, recorded in the melding's history and the log;
// the page shows it on the melding, the API answers 422.
type duoRefused struct{ r *absence.DUORefusal }

func (e *duoRefused) Error() string { return e.r.Error() }

// problem is the refusal as the user reads it.
func (e *duoRefused) problem() *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Title: e.r.Kind.Label(),
		Detail: e.r.Text() + " De weigering staat in de statusgeschiedenis van de melding; de melding is niet bij DUO.", Err: e}
}

// sendToDUO submits the melding through the port and records it with its audit entry. It
// returns the receipt (with the file for a file channel). DUO's refusal is recorded (a line with
// an error status in the history, an entry with its failure code in the log) and returned as
// *duoRefused.
func (v *verzuimHandlers) sendToDUO(ctx context.Context, p *Principal, m absence.StoredMelding, point audit.AccessPoint) (absence.Receipt, error) {
	a := p.Actor()
	if a.Party != "school" {
		return absence.Receipt{}, &Error{Status: http.StatusForbidden, Title: "Alleen de school", Detail: "Alleen de school die de melding deed, stuurt haar naar DUO."}
	}
	if st := m.Status(); st != absence.StatusRegistered && st != absence.StatusWithdrawn {
		return absence.Receipt{}, &Error{Status: http.StatusConflict, Title: "Al in behandeling", Detail: "De gemeente behandelt deze melding al; DUO heeft haar."}
	}
	rec, err := v.duoDecision(ctx, p, m, audit.ActionShare, point, "verzuimmelding-naar-duo ("+v.d.DUO.Channel()+")")
	if err != nil {
		return absence.Receipt{}, err
	}
	if v.d.PupilNumber == nil {
		return absence.Receipt{}, &Error{Status: http.StatusServiceUnavailable, Title: "Niet beschikbaar", Detail: "Deze server kan het persoonsgebonden nummer niet ontsleutelen; de melding kan niet naar DUO."}
	}
	brin, vest, err := v.schoolBRIN(ctx, p, m)
	if err != nil {
		return absence.Receipt{}, err
	}
	kind, number, err := v.d.PupilNumber(ctx, a.RegionID, m.PupilID)
	if err != nil {
		return absence.Receipt{}, fmt.Errorf("persoonsgebonden nummer: %w", err)
	}
	doc, err := absence.NewDocument(m.Melding, kind, number)
	if err != nil {
		return absence.Receipt{}, err
	}
	enc, err := v.d.Seal(ctx, a.RegionID)
	if err != nil {
		return absence.Receipt{}, err
	}
	entry := func(r audit.Record) absence.MeldingTrail {
		return func(int64) ([]audit.Entry, error) {
			e, err := audit.NewEntry(r, enc)
			return []audit.Entry{e}, err
		}
	}
	now := v.s.now()
	rc, err := v.d.DUO.Submit(ctx, absence.Submission{Reference: v.duoReference(m.ID), BRIN: brin, Vestiging: vest, Document: doc, At: now})
	if ref, ok := absence.RefusalOf(err); ok {
		r := rec
		r.Name += " · " + strings.ToLower(ref.Kind.Label())
		r.Failure = ref.Kind.AuditCode()
		if lerr := v.d.Store.RecordDUORefusal(ctx, a.RegionID, m.ID, v.d.DUO.Channel(), ref, now, entry(r)); lerr != nil {
			return rc, fmt.Errorf("weigering door DUO vastleggen: %w", lerr)
		}
		return rc, &duoRefused{ref}
	}
	if errors.Is(err, absence.ErrMelding) {
		// Grondslag's own check before anything left: nothing went to DUO, nothing to record.
		return rc, &Error{Status: http.StatusUnprocessableEntity, Title: "Melding niet compleet voor DUO", Detail: err.Error(), Err: err}
	}
	if err != nil {
		return rc, fmt.Errorf("melding naar DUO (%s): %w", v.d.DUO.Channel(), err)
	}
	r := rec
	if rc.DUONumber != "" {
		r.Name += " · DUO " + rc.DUONumber
	}
	return rc, v.d.Store.RecordDUOSubmission(ctx, a.RegionID, m.ID, rc.Channel, rc.DUONumber, now, entry(r))
}

// schoolBRIN is the reporting school's BRIN and vestiging, from the school's own enrolment of the
// pupil (the melding's school), never typed.
func (v *verzuimHandlers) schoolBRIN(ctx context.Context, p *Principal, m absence.StoredMelding) (string, string, error) {
	pup, err := v.s.d.Dossiers.DossierPupil(ctx, p.Actor().RegionID, m.PupilID, v.s.today(), dossier.Want{Onderwijs: true})
	if err != nil {
		return "", "", err
	}
	for _, e := range pup.Enrolments {
		if e.SchoolID == m.SchoolID && e.BRIN != "" {
			return e.BRIN, e.Vestiging, nil
		}
	}
	return "", "", &Error{Status: http.StatusConflict, Title: "BRIN onbekend", Detail: "De school van deze melding heeft geen BRIN in Grondslag; vraag de beheerder het BRIN van de school vast te leggen."}
}

func (v *verzuimHandlers) duoSubmit(w http.ResponseWriter, r *http.Request) error {
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	rc, err := v.sendToDUO(r.Context(), p, m, audit.AccessUI)
	var refused *duoRefused
	if errors.As(err, &refused) {
		// Recorded: the melding's page shows the refusal in its DUO block and its history.
		http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, m.ID)+"?duo=geweigerd", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	if rc.File != nil {
		return writeExchangeFile(w, rc.File)
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, m.ID), http.StatusSeeOther)
	return nil
}

// writeExchangeFile sends the port's export (the only file that holds the persoonsgebonden
// nummer) as a download that is never cached.
func writeExchangeFile(w http.ResponseWriter, f *absence.ExchangeFile) error {
	w.Header().Set("Content-Type", f.MediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(f.Content)
	return err
}

// applyDUOReport takes one of DUO's answers over into the school's melding, logged.
func (v *verzuimHandlers) applyDUOReport(ctx context.Context, p *Principal, m absence.StoredMelding, rep absence.StatusReport, point audit.AccessPoint) (absence.StatusOutcome, error) {
	a := p.Actor()
	rec, err := v.duoDecision(ctx, p, m, audit.ActionUpdate, point, "verzuimmelding-status-van-duo")
	if err != nil {
		return "", err
	}
	enc, err := v.d.Seal(ctx, a.RegionID)
	if err != nil {
		return "", err
	}
	_, out, err := v.d.Store.ApplyDUOStatus(ctx, a.RegionID, m.ID, rep, v.s.now(), func(int64) ([]audit.Entry, error) {
		e, err := audit.NewEntry(rec, enc)
		return []audit.Entry{e}, err
	})
	return out, err
}

// askDUO asks DUO for the status of one melding (channels that can) and takes it over.
func (v *verzuimHandlers) askDUO(ctx context.Context, p *Principal, m absence.StoredMelding, point audit.AccessPoint) (absence.StatusOutcome, error) {
	if p.Actor().Party != "school" {
		return "", errNotFound
	}
	rep, err := v.d.DUO.Status(ctx, absence.StatusQuery{DUONumber: m.DUONumber(), Reference: v.duoReference(m.ID)})
	switch {
	case errors.Is(err, absence.ErrDUONoStatus):
		return "", &Error{Status: http.StatusConflict, Title: "Status via bestand", Detail: "Dit kanaal kan DUO niet bevragen. Lees het statusbestand van DUO in op de pagina Verzuimmeldingen."}
	case errors.Is(err, absence.ErrDUOUnknown):
		return "", &Error{Status: http.StatusNotFound, Title: "DUO kent de melding niet", Detail: "Stuur de melding eerst naar DUO."}
	case err != nil:
		return "", fmt.Errorf("status bij DUO: %w", err)
	}
	out, err := v.applyDUOReport(ctx, p, m, rep, point)
	if errors.Is(err, absence.ErrTransition) {
		return out, &Error{Status: http.StatusConflict, Title: "Status van DUO past niet", Detail: err.Error(), Err: err}
	}
	return out, err
}

// duoAsk is the page's button "Status bij DUO ophalen".
func (v *verzuimHandlers) duoAsk(w http.ResponseWriter, r *http.Request) error {
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	out, err := v.askDUO(r.Context(), p, m, audit.AccessUI)
	if err != nil {
		return err
	}
	to := "/verzuim/meldingen/" + v.s.pid(kindMelding, m.ID)
	if out == absence.OutcomeUnchanged {
		to += "?duo=ongewijzigd"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// duoStatusLine is the outcome of one line of DUO's status file.
type duoStatusLine struct {
	Line    int
	Melding int64
	Outcome string
	Problem string
}

// duoStatusFile reads DUO's status file for the school's meldingen: each line is linked by DUO's
// number or the school's kenmerk; a line about another school's melding is refused like an
// unknown one. Good lines are taken over, bad ones listed.
func (v *verzuimHandlers) duoStatusFile(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx := r.Context()
	a := p.Actor()
	if a.Party != "school" {
		return errNotFound
	}
	f, _, err := r.FormFile("bestand")
	if err != nil {
		return badField("bestand", "Kies het statusbestand van DUO (CSV).")
	}
	defer f.Close()
	lines, bad, err := duo.ReadStatusFile(f, v.s.cfg.Location)
	if err != nil {
		return badField("bestand", err.Error())
	}
	var out []duoStatusLine
	for _, b := range bad {
		out = append(out, duoStatusLine{Line: b.Line, Problem: b.Msg})
	}
	for _, l := range lines {
		row := duoStatusLine{Line: l.Line}
		m, err := v.meldingOfReport(ctx, p, l.Report)
		if errors.Is(err, errNotFound) {
			row.Problem = "Geen melding van uw school met dit nummer of kenmerk."
			out = append(out, row)
			continue
		}
		if err != nil {
			return err
		}
		row.Melding = m.ID
		res, err := v.applyDUOReport(ctx, p, m, l.Report, audit.AccessUI)
		var we *Error
		switch {
		case errors.Is(err, absence.ErrTransition):
			row.Problem = strings.TrimPrefix(err.Error(), absence.ErrTransition.Error()+": ")
		case errors.As(err, &we):
			row.Problem = we.Detail
		case err != nil:
			return err
		}
		row.Outcome = string(res)
		out = append(out, row)
	}
	return v.s.render(w, r, "verzuim_duo_status", "Status van DUO ingelezen", &duoStatusPage{Regels: out})
}

// duoStatusPage shows what became of every line of DUO's status file.
type duoStatusPage struct {
	View
	Regels []duoStatusLine
}

// meldingOfReport finds the school's melding a report is about (errNotFound otherwise).
func (v *verzuimHandlers) meldingOfReport(ctx context.Context, p *Principal, rep absence.StatusReport) (absence.StoredMelding, error) {
	a := p.Actor()
	var m absence.StoredMelding
	var err error
	if id, ok := v.meldingOfReference(rep.Reference); ok {
		m, err = v.d.Store.Melding(ctx, a.RegionID, id)
	} else if rep.DUONumber != "" {
		m, err = v.d.Store.MeldingByDUONumber(ctx, a.RegionID, rep.DUONumber)
	} else {
		return m, errNotFound
	}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && m.SchoolID != a.OrgID) {
		return m, errNotFound
	}
	return m, err
}

// duoBlock is what the melding page shows of the exchange (template duo_blok).
type duoBlock struct {
	Kanaal      string // the channel's name
	Bestand     bool   // the file channel: the school takes the file to DUO
	Verzonden   bool
	Ex          absence.DUOExchange
	Kenmerk     string // the school's kenmerk at DUO
	School      bool   // the principal is the melding's school (may send and ask)
	Zendbaar    bool   // the school may (still) send it: geregistreerd or ingetrokken
	Nummer      string // DUO's meldingsnummer, "" while unknown
	Weigering   string // DUO's last refusal, "" when there is none
	GeweigerdOp time.Time
	Ongewijzigd bool // the last question to DUO brought nothing new
}

// duoView is the DUO block of the melding page (nil without a port).
func (v *verzuimHandlers) duoView(ctx context.Context, p *Principal, m absence.StoredMelding, r *http.Request) (*duoBlock, error) {
	if v.d.DUO == nil {
		return nil, nil
	}
	ex, err := v.d.Store.MeldingDUO(ctx, p.Actor().RegionID, m.ID)
	if err != nil {
		return nil, err
	}
	return &duoBlock{Kanaal: v.d.DUO.Channel(), Bestand: v.d.DUO.Channel() == "bestand", Verzonden: ex.Sent(), Ex: ex,
		Kenmerk: v.duoReference(m.ID), School: p.Actor().Party == "school" && m.SchoolID == p.Actor().OrgID, Nummer: m.DUONumber(), Zendbaar: m.Status() == absence.StatusRegistered || m.Status() == absence.StatusWithdrawn,
		Weigering: ex.Refusal, GeweigerdOp: ex.RefusedAt, Ongewijzigd: r.URL.Query().Get("duo") == "ongewijzigd"}, nil
}
