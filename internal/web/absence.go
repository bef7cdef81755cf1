package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/duo"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// The absence pages and API (issue 4 on the server of issue 7): a school uploads its
// registrations, the zorgcoördinator sees the open signals of the school and completes the
// verzuimmelding a signal proposes, leerplicht handles the meldingen of its gemeente. Every access
// to pupil data is decided by the convenant's policy under the user's purpose and recorded in the
// audit trail. The audit entries of a write are stored with the write in one transaction (the
// store's *Audited methods), so a write without its entry cannot exist.

// VerzuimStore is what the absence pages need from the store (*store.DB implements it).
type VerzuimStore interface {
	DUOStore
	SchoolSignalsToReport(ctx context.Context, a dossier.Actor, asOf absence.Date) ([]absence.StoredSignal, error)
	Signal(ctx context.Context, regionID, id int64) (absence.StoredSignal, error)
	CreateMeldingAudited(ctx context.Context, regionID, pupilID, schoolID, signalID int64, m *absence.Melding, trail absence.MeldingTrail) (int64, error)
	Melding(ctx context.Context, regionID, id int64) (absence.StoredMelding, error)
	Meldingen(ctx context.Context, regionID, pupilID int64) ([]absence.StoredMelding, error)
	MeldingList(ctx context.Context, a dossier.Actor, today string, open bool, p dossier.Page) ([]absence.MeldingListItem, int, error)
	ChangeMeldingStatusAudited(ctx context.Context, regionID, id int64, ch absence.StatusChange, trail absence.MeldingTrail) (absence.StoredMelding, error)
	MeldingHistory(ctx context.Context, regionID, id int64) ([]absence.MeldingStatusEntry, error)
	// PupilResidence is the gemeente (organisation id) the pupil lives in, 0 when unknown: the
	// recipient of a verzuimmelding.
	PupilResidence(ctx context.Context, regionID, pupilID int64) (int64, error)
}

// VerzuimDeps are the collaborators of the absence pages.
type VerzuimDeps struct {
	Store VerzuimStore
	// PupilNumber decrypts a pupil's BSN or onderwijsnummer ("bsn"/"onderwijsnummer", number)
	// for the melding file only. Optional: without it the file cannot be downloaded (503).
	PupilNumber func(ctx context.Context, regionID, pupilID int64) (kind, number string, err error)
	// Import is the absence import use case (absence.Service), shared with the CLI.
	Import interface {
		Import(ctx context.Context, in absence.Import) (absence.Imported, error)
	}
	// Seal returns the encrypter of a region's audit entries: every write (import, melding,
	// status) is stored together with its audit entries in one transaction.
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
	// DUO is the channel to DUO's verzuimregister (absence.DUO); nil: the file channel
	// (duo.File), which makes the documented melding file and reads DUO's status file.
	DUO absence.DUO
}

// ScopeVerzuimVastleggen is the API scope for importing registrations and making meldingen.
const ScopeVerzuimVastleggen = auth.ScopeVerzuimVastleggen

// Absence roles: the school's roles see the school's signals and meldingen (the policy decides
// what each may do); leerplicht handles the meldingen of its gemeente.
var (
	verzuimSchoolRoles = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleDirecteur}
	verzuimRoles       = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleDirecteur, auth.RoleLeerplicht}
)

// purposeHandhaving is the purpose of the verzuimmelding itself: the school provides the melding
// to leerplicht under the Leerplichtwet (convenant: school-verzuimmelding). A melding is always
// made and handled under this purpose, whatever purpose the user works under otherwise.
const purposeHandhaving = "handhaving-leerplicht"

// maxUpload bounds a registrations file sent through the form or the API.
const maxUpload = 64 << 20

type verzuimHandlers struct {
	s *Server
	d VerzuimDeps
}

// MountVerzuim adds the absence pages (/verzuim…) and API (/api/v1/verzuim…) to the server.
// cmd/grondslag calls it after New, like MountCasework.
func (s *Server) MountVerzuim(d VerzuimDeps) error {
	if d.Store == nil || d.Import == nil || d.Seal == nil {
		return errors.New("web: MountVerzuim vraagt Store, Import en Seal")
	}
	if d.DUO == nil {
		d.DUO = duo.File{}
	}
	v := &verzuimHandlers{s: s, d: d}
	s.page("GET /verzuim/registraties", s.requireUser(verzuimSchoolRoles, v.uploadForm))
	s.page("POST /verzuim/registraties", s.requireUser(verzuimSchoolRoles, v.upload))
	s.page("GET /verzuim/signalen", s.requireUser(verzuimSchoolRoles, v.signals))
	s.page("GET /verzuim/signalen/{id}/melding", s.requireUser(verzuimSchoolRoles, v.meldingForm))
	s.page("POST /verzuim/signalen/{id}/melding", s.requireUser(verzuimSchoolRoles, v.meldingSubmit))
	s.page("GET /verzuim/meldingen", s.requireUser(verzuimRoles, v.meldingList))
	s.page("GET /verzuim/meldingen/{id}", s.requireUser(verzuimRoles, v.meldingPage))
	s.page("POST /verzuim/meldingen/{id}/status", s.requireUser(verzuimRoles, v.statusSubmit))
	s.page("POST /verzuim/meldingen/{id}/duo", s.requireUser(verzuimSchoolRoles, v.duoSubmit))
	s.page("POST /verzuim/meldingen/{id}/duo-status", s.requireUser(verzuimSchoolRoles, v.duoAsk))
	s.page("POST /verzuim/meldingen/duo-statusbestand", s.requireUser(verzuimSchoolRoles, v.duoStatusFile))
	s.apiRoute("POST /api/v1/verzuimregistraties", s.apiAuth(verzuimSchoolRoles, ScopeVerzuimVastleggen, v.apiImport))
	s.apiRoute("GET /api/v1/verzuimsignalen", s.apiAuth(verzuimSchoolRoles, auth.ScopeLeerlingenLezen, v.apiSignals))
	s.apiRoute("GET /api/v1/verzuimmeldingen", s.apiAuth(verzuimRoles, auth.ScopeMeldingenLezen, v.apiMeldingen))
	s.apiRoute("POST /api/v1/verzuimmeldingen", s.apiAuth(verzuimSchoolRoles, ScopeVerzuimVastleggen, v.apiCreateMelding))
	s.apiRoute("POST /api/v1/verzuimmeldingen/{id}/status", s.apiAuth(verzuimRoles, ScopeVerzuimVastleggen, v.apiStatus))
	s.apiRoute("GET /api/v1/verzuimmeldingen/{id}/duo", s.apiAuth(verzuimRoles, auth.ScopeMeldingenLezen, v.apiMeldingDUO))
	s.apiRoute("POST /api/v1/verzuimmeldingen/{id}/duo", s.apiAuth(verzuimSchoolRoles, ScopeVerzuimVastleggen, v.apiSendDUO))
	s.apiRoute("POST /api/v1/verzuimmeldingen/{id}/duo/status", s.apiAuth(verzuimSchoolRoles, ScopeVerzuimVastleggen, v.apiAskDUO))
	s.documentVerzuim()
	return nil
}

func (v *verzuimHandlers) asOf() absence.Date { return absence.DateOf(v.s.now().In(v.s.cfg.Location)) }

// ---- registrations

// doImport runs one import through the absence service (the same use case as `grondslag
// verzuim importeer`): decide for the user's purpose, import (all or nothing unless skip) with
// one audit entry per pupil in the import's transaction, refresh the signals of the pupils
// written. A refusal is logged by the service and becomes a 403.
func (v *verzuimHandlers) doImport(ctx context.Context, p *Principal, purpose string, point audit.AccessPoint, in absence.Import) (absence.Imported, error) {
	a := p.Actor()
	if a.Party != "school" || a.OrgID == 0 {
		return absence.Imported{}, errForbidden
	}
	in.RegionID, in.SchoolID = a.RegionID, a.OrgID
	in.Actor = policy.Actor{Party: a.Party, Role: a.Role}
	in.Purpose = purpose
	in.Base = v.s.auditRecord(ctx, p, "", "verzuim", purpose, Answer{}, Facts{}, point, "verzuim-importeren")
	res, err := v.d.Import.Import(ctx, in)
	var no *access.DeniedError
	if errors.As(err, &no) {
		return res, denied(no.Decision)
	}
	return res, err
}

// importFailed reports whether err means the input was refused (nothing imported) rather than a
// server failure.
func importFailed(err error) bool {
	return errors.Is(err, absence.ErrFile) || errors.Is(err, absence.ErrHeader)
}

func (v *verzuimHandlers) uploadForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	return v.s.render(w, r, "verzuim_registraties", "Verzuim uploaden", v.uploadPage(p))
}

// uploadPage is the data of verzuim_registraties.html: the upload form and, after an upload,
// its result.
type uploadPage struct {
	View
	PurposeChoice
	DoelLabel   string
	SlaOver     bool                 // skip bad lines
	Res         absence.ImportResult // the import's counts (Klaar)
	Signalen    int                  // signals refreshed
	Regelfouten []string             // the refused lines
	Klaar       bool                 // the file was imported
}

func (v *verzuimHandlers) uploadPage(p *Principal) *uploadPage {
	purpose := p.Session.Purpose
	return &uploadPage{PurposeChoice: PurposeChoice{Doel: purpose, Doelen: v.s.purposesFor(p), Terug: "/verzuim/registraties"},
		DoelLabel: Label(v.s.vocabOf(p).Purposes, purpose)}
}

func (v *verzuimHandlers) upload(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose := p.Session.Purpose
	data := v.uploadPage(p)
	if purpose == "" {
		return v.s.renderForm(w, r, http.StatusBadRequest, "verzuim_registraties", "Verzuim uploaden", data, map[string]string{"doel": "Kies eerst het doel waaronder u werkt."})
	}
	skip := r.PostFormValue("sla_fouten_over") == "ja"
	data.SlaOver = skip
	f, _, err := r.FormFile("bestand")
	if err != nil {
		return v.s.renderForm(w, r, http.StatusBadRequest, "verzuim_registraties", "Verzuim uploaden", data, map[string]string{"bestand": "Kies een CSV-bestand met de kolommen leerling, datum, uren en reden."})
	}
	defer f.Close()
	res, err := v.doImport(r.Context(), p, purpose, audit.AccessUI, absence.Import{CSV: f, SkipErrors: skip})
	data.Res, data.Signalen = res.ImportResult, res.Signals
	data.Regelfouten = lineErrors(res.Errors)
	if err != nil {
		if !importFailed(err) {
			return err
		}
		msg := "Er is niets geïmporteerd: het bestand bevat fouten. Verbeter de regels hieronder en upload het bestand opnieuw, of kies 'sla foute regels over'."
		if errors.Is(err, absence.ErrHeader) {
			msg = "Er is niets geïmporteerd: de kopregel ontbreekt of is onvolledig. De eerste regel moet zijn: leerling,datum,uren,reden."
		} else if len(res.Errors) == 0 {
			msg = "Er is niets geïmporteerd: " + err.Error() + "."
		}
		return v.s.renderForm(w, r, http.StatusBadRequest, "verzuim_registraties", "Verzuim uploaden", data, map[string]string{"bestand": msg})
	}
	data.Klaar = true
	return v.s.render(w, r, "verzuim_registraties", "Verzuim uploaden", data)
}

// lineErrors lists the bad lines as text ("regel 3: …"), at most 200.
func lineErrors(errs []*absence.LineError) []string {
	out := make([]string, 0, min(len(errs), 200))
	for i, e := range errs {
		if i == 200 {
			out = append(out, fmt.Sprintf("… en nog %d foute regels", len(errs)-200))
			break
		}
		out = append(out, e.Error())
	}
	return out
}

// ---- signals

// signalRow is one open signal as the zorgcoördinator sees it.
type signalRow struct {
	absence.StoredSignal
	Name       string // empty when the policy does not allow identification for the purpose
	Ref        string // the pupil's pseudonymous reference (PupilRef), shown instead of the name
	Reportable bool
	Ground     string
}

// openSignals lists the school's signals that propose a melding, each shown only when the policy
// allows reading the pupil's absence for purpose; names only where identification is allowed.
// Everything shown is audited.
func (v *verzuimHandlers) openSignals(ctx context.Context, p *Principal, purpose string, point audit.AccessPoint) ([]signalRow, int, error) {
	a := p.Actor()
	if a.Party != "school" || a.OrgID == 0 {
		return nil, 0, errForbidden
	}
	sigs, err := v.d.Store.SchoolSignalsToReport(ctx, a, v.asOf())
	if err != nil {
		return nil, 0, err
	}
	may, _ := v.s.nameGate(ctx, p, purpose)
	type pupilInfo struct {
		ok        bool
		name      string
		pseudonym string
	}
	seen := map[int64]*pupilInfo{}
	var rows []signalRow
	var recs []audit.Record
	var shown []named
	withheld := 0
	for _, sg := range sigs {
		info, ok := seen[sg.PupilID]
		if !ok {
			info = &pupilInfo{}
			seen[sg.PupilID] = info
			f, err := v.s.pupilFacts(ctx, p, sg.PupilID, purpose)
			if err != nil {
				return nil, 0, err
			}
			d, err := v.s.decideWith(ctx, p, f, policy.Read, "verzuim", purpose, policy.Actor{})
			if err != nil {
				return nil, 0, err
			}
			pup, err := v.s.d.Dossiers.DossierPupil(ctx, a.RegionID, sg.PupilID, v.s.today(), dossier.Want{})
			if err != nil {
				return nil, 0, fmt.Errorf("leerling lezen: %w", err)
			}
			info.ok, info.pseudonym = d.Allowed, pup.Pseudonym
			recs = append(recs, v.s.decisionRecord(ctx, p, pup.Pseudonym, []string{"verzuim"}, purpose, audit.ActionRead, d, "", point, "verzuimsignalen-lijst"))
			if d.Allowed {
				nameOK, ans, err := may(sg.PupilID)
				if err != nil {
					return nil, 0, err
				}
				if nameOK {
					info.name = pup.FirstName + " " + pup.LastName
					shown = append(shown, named{pup.Pseudonym, ans})
				}
			}
		}
		if !info.ok {
			withheld++
			continue
		}
		_, perr := absence.ProposeMelding(sg.Signal)
		rows = append(rows, signalRow{StoredSignal: sg, Name: info.name, Ref: PupilRef(info.pseudonym), Reportable: perr == nil})
	}
	if len(recs) > 0 {
		if err := v.s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return nil, 0, fmt.Errorf("auditregels schrijven: %w", err)
		}
	}
	if err := v.s.auditNames(ctx, p, shown, purpose, point, "verzuimsignalen-lijst"); err != nil {
		return nil, 0, err
	}
	return rows, withheld, nil
}

func (v *verzuimHandlers) signals(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose := p.Session.Purpose
	data := &signalsPage{PurposeChoice: PurposeChoice{Doel: purpose, Doelen: v.s.purposesFor(p), Terug: "/verzuim/signalen"},
		DoelLabel: Label(v.s.vocabOf(p).Purposes, purpose)}
	if purpose == "" {
		return v.s.render(w, r, "doel_kiezen", "Kies uw doel", data)
	}
	rows, withheld, err := v.openSignals(r.Context(), p, purpose, audit.AccessUI)
	if err != nil {
		return err
	}
	data.Signalen, data.Weggelaten = rows, withheld
	return v.s.render(w, r, "verzuim_signalen", "Open verzuimsignalen", data)
}

// signalsPage is the data of verzuim_signalen.html (and of doel_kiezen.html before a purpose is
// chosen).
type signalsPage struct {
	View
	PurposeChoice
	DoelLabel  string
	Signalen   []signalRow
	Weggelaten int // signals not shown for this purpose
}

// schoolSignal loads a signal of a pupil enrolled at the principal's school; 404 otherwise (a
// signal of another school or region does not exist for this user).
func (v *verzuimHandlers) schoolSignal(ctx context.Context, p *Principal, id int64) (absence.StoredSignal, error) {
	a := p.Actor()
	sg, err := v.d.Store.Signal(ctx, a.RegionID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return sg, errNotFound
	}
	if err != nil {
		return sg, err
	}
	rels, err := v.s.d.Dossiers.PupilRelations(ctx, a, sg.PupilID, v.s.today())
	if err != nil {
		return sg, fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	for _, k := range rels {
		if k == dossier.RelEnrolled {
			return sg, nil
		}
	}
	return sg, errNotFound
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}
