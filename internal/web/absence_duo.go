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
	"github.com/grondslag/grondslag/internal/store"
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
	MeldingDUO(ctx context.Context, regionID, id int64) (store.DUOExchange, error)
	RecordDUOSubmission(ctx context.Context, regionID, id int64, channel, number string, at time.Time, trail store.MeldingTrail) error
	MeldingByDUONumber(ctx context.Context, regionID int64, number string) (store.StoredMelding, error)
	ApplyDUOStatus(ctx context.Context, regionID, id int64, r absence.StatusReport, now time.Time, trail store.MeldingTrail) (store.StoredMelding, absence.StatusOutcome, error)
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
func (v *verzuimHandlers) duoDecision(ctx context.Context, p *Principal, m store.StoredMelding, act audit.Action, point audit.AccessPoint, name string) (audit.Record, error) {
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
	pup, err := v.s.d.Dossiers.DossierPupil(ctx, a.RegionID, m.PupilID, v.s.today(), dossier.Want{})
	if err != nil {
		return audit.Record{}, err
	}
	rec := v.s.decisionRecord(ctx, p, pup.Pseudonym, meldingCats, purposeHandhaving, act, d, meldingRef(m.ID), point, name)
	rec.Foreign = &audit.ForeignOperation{TraceID: rec.TraceID, OperationID: audit.NewOperationID(), Entity: DUOEntity}
	if !ok {
		if err := v.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
			return rec, err
		}
		return rec, denied(d)
	}
	return rec, nil
}

// sendToDUO submits the melding through the port and records it with its audit entry. It
// returns the receipt (with the file for a file channel).
func (v *verzuimHandlers) sendToDUO(ctx context.Context, p *Principal, id int64, point audit.AccessPoint) (absence.Receipt, error) {
	a := p.Actor()
	m, err := v.visibleMelding(ctx, p, id)
	if err != nil {
		return absence.Receipt{}, err
	}
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
	now := v.s.now()
	rc, err := v.d.DUO.Submit(ctx, absence.Submission{Reference: v.duoReference(m.ID), BRIN: brin, Vestiging: vest, Document: doc, At: now})
	if errors.Is(err, absence.ErrDUORefused) || errors.Is(err, absence.ErrMelding) {
		rec.Name += " · geweigerd door DUO"
		if lerr := v.s.d.Audit.Append(ctx, a.RegionID, rec); lerr != nil {
			return rc, lerr
		}
		return rc, &Error{Status: http.StatusUnprocessableEntity, Title: "DUO weigert de melding", Detail: err.Error(), Err: err}
	}
	if err != nil {
		return rc, fmt.Errorf("melding naar DUO (%s): %w", v.d.DUO.Channel(), err)
	}
	enc, err := v.d.Seal(ctx, a.RegionID)
	if err != nil {
		return rc, err
	}
	err = v.d.Store.RecordDUOSubmission(ctx, a.RegionID, m.ID, rc.Channel, rc.DUONumber, now, func(int64) ([]audit.Entry, error) {
		r := rec
		if rc.DUONumber != "" {
			r.Name += " · DUO " + rc.DUONumber
		}
		e, err := audit.NewEntry(r, enc)
		return []audit.Entry{e}, err
	})
	return rc, err
}

// schoolBRIN is the reporting school's BRIN and vestiging, from the school's own enrolment of the
// pupil (the melding's school), never typed.
func (v *verzuimHandlers) schoolBRIN(ctx context.Context, p *Principal, m store.StoredMelding) (string, string, error) {
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
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rc, err := v.sendToDUO(r.Context(), p, id, audit.AccessUI)
	if err != nil {
		return err
	}
	if rc.File != nil {
		w.Header().Set("Content-Type", rc.File.MediaType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+rc.File.Name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		_, err := w.Write(rc.File.Content)
		return err
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, id), http.StatusSeeOther)
	return nil
}

// applyDUOReport takes one of DUO's answers over into the school's melding, logged.
func (v *verzuimHandlers) applyDUOReport(ctx context.Context, p *Principal, m store.StoredMelding, rep absence.StatusReport, point audit.AccessPoint) (absence.StatusOutcome, error) {
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

// duoAsk asks DUO for the status of one melding (channels that can) and takes it over.
func (v *verzuimHandlers) duoAsk(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := v.visibleMelding(r.Context(), p, id)
	if err != nil {
		return err
	}
	if p.Actor().Party != "school" {
		return errNotFound
	}
	rep, err := v.d.DUO.Status(r.Context(), absence.StatusQuery{DUONumber: m.DUONumber(), Reference: v.duoReference(m.ID)})
	switch {
	case errors.Is(err, absence.ErrDUONoStatus):
		return &Error{Status: http.StatusConflict, Title: "Status via bestand", Detail: "Dit kanaal kan DUO niet bevragen. Lees het statusbestand van DUO in op de pagina Verzuimmeldingen."}
	case errors.Is(err, absence.ErrDUOUnknown):
		return &Error{Status: http.StatusNotFound, Title: "DUO kent de melding niet", Detail: "Stuur de melding eerst naar DUO."}
	case err != nil:
		return fmt.Errorf("status bij DUO: %w", err)
	}
	out, err := v.applyDUOReport(r.Context(), p, m, rep, audit.AccessUI)
	if errors.Is(err, absence.ErrTransition) {
		return &Error{Status: http.StatusConflict, Title: "Status van DUO past niet", Detail: err.Error(), Err: err}
	}
	if err != nil {
		return err
	}
	if out == absence.OutcomeUnchanged {
		http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, id)+"?duo=ongewijzigd", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, id), http.StatusSeeOther)
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
	return v.s.render(w, r, "verzuim_duo_status", "Status van DUO ingelezen", map[string]any{"regels": out})
}

// meldingOfReport finds the school's melding a report is about (errNotFound otherwise).
func (v *verzuimHandlers) meldingOfReport(ctx context.Context, p *Principal, rep absence.StatusReport) (store.StoredMelding, error) {
	a := p.Actor()
	var m store.StoredMelding
	var err error
	if id, ok := v.meldingOfReference(rep.Reference); ok {
		m, err = v.d.Store.Melding(ctx, a.RegionID, id)
	} else if rep.DUONumber != "" {
		m, err = v.d.Store.MeldingByDUONumber(ctx, a.RegionID, rep.DUONumber)
	} else {
		return m, errNotFound
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.SchoolID != a.OrgID) {
		return m, errNotFound
	}
	return m, err
}

// duoView is what the melding page shows of the exchange.
func (v *verzuimHandlers) duoView(ctx context.Context, p *Principal, m store.StoredMelding) (map[string]any, error) {
	if v.d.DUO == nil {
		return nil, nil
	}
	ex, err := v.d.Store.MeldingDUO(ctx, p.Actor().RegionID, m.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"kanaal": v.d.DUO.Channel(), "bestand": v.d.DUO.Channel() == "bestand", "verzonden": ex.Sent(), "ex": ex,
		"kenmerk": v.duoReference(m.ID), "school": p.Actor().Party == "school" && m.SchoolID == p.Actor().OrgID}, nil
}
