package web

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/policy"
)

// The gemeente's list of children (absence.Service.ImportResidents, the same use case as
// `grondslag verzuim gemeentelijst`): uploaded on the dossier list or sent to the API; every
// child of compulsory age enrolled nowhere gets an absoluut-verzuim dossier.

func (h *dossierHandlers) importResidents(ctx context.Context, p *Principal, body io.Reader, point audit.AccessPoint) (absence.ResidentsResult, error) {
	a := p.Actor()
	if a.Party != "gemeente" || a.OrgID == 0 {
		return absence.ResidentsResult{}, errForbidden
	}
	res, err := h.d.Residents.ImportResidents(ctx, absence.ResidentsImport{RegionID: a.RegionID, GemeenteID: a.OrgID, Actor: policy.Actor{Party: a.Party, Role: a.Role}, CSV: body,
		AsOf: h.today(), Base: h.s.auditRecord(ctx, p, "", "identificatie", "absoluut-verzuim", Answer{}, Facts{}, point, "gemeentelijst-inlezen")})
	var no *access.DeniedError
	if errors.As(err, &no) {
		return res, denied(no.Decision)
	}
	return res, err
}

func (h *dossierHandlers) residentsForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	fail := func(msg string, lines []string) error {
		data, err := h.listData(r, p)
		if err != nil {
			return err
		}
		data.In, data.Lijstfouten = map[string]string{}, lines
		return h.s.renderForm(w, r, http.StatusBadRequest, "verzuim_dossiers", "Leerplichtdossiers", data, map[string]string{"lijst": msg})
	}
	f, _, err := r.FormFile("lijst")
	if err != nil {
		return fail("Kies een CSV-bestand met de kolommen bsn, voornaam, achternaam en geboortedatum.", nil)
	}
	defer f.Close()
	res, err := h.importResidents(r.Context(), p, f, audit.AccessUI)
	var fe *absence.ResidentsFileError
	if errors.As(err, &fe) {
		var lines []string
		for i, le := range fe.Lines {
			if i == 200 {
				lines = append(lines, "… en nog "+strconv.Itoa(len(fe.Lines)-200)+" foute regels")
				break
			}
			lines = append(lines, le.Error())
		}
		return fail("Er is niets ingelezen: de lijst bevat fouten. Verbeter de regels hieronder en lees de lijst opnieuw in.", lines)
	}
	if err != nil {
		return err
	}
	data, err := h.listData(r, p)
	if err != nil {
		return err
	}
	data.In, data.Lijst = map[string]string{}, &res
	return h.s.render(w, r, "verzuim_dossiers", "Leerplichtdossiers", data)
}

type residentsJSON struct {
	Kinderen         int               `json:"kinderen"`
	Bekend           int               `json:"bekend"`
	Nieuw            int               `json:"nieuw"`
	Verhuisd         int               `json:"verhuisd"`
	NietIngeschreven []absentChildJSON `json:"nietIngeschreven"`
}

type absentChildJSON struct {
	Regel      int    `json:"regel"`
	DossierID  string `json:"dossierId"`
	Geopend    bool   `json:"geopend"`
	Sinds      string `json:"sinds"`
	LeerlingID string `json:"leerlingId"`
}

func (h *dossierHandlers) apiResidents(w http.ResponseWriter, r *http.Request) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "text/csv" {
		return &Error{Status: http.StatusUnsupportedMediaType, Title: "Verkeerd formaat", Detail: "Stuur de lijst als text/csv (bsn,voornaam,achternaam,geboortedatum)."}
	}
	res, err := h.importResidents(r.Context(), principalFrom(r.Context()), r.Body, audit.AccessAPI)
	var fe *absence.ResidentsFileError
	if errors.As(err, &fe) {
		var params []invalidParam
		for _, le := range fe.Lines {
			params = append(params, invalidParam{Name: "regel " + strconv.Itoa(le.Line), Reason: le.Error()})
		}
		return writeProblems(w, r, "Er is niets ingelezen: de lijst bevat fouten.", params)
	}
	if err != nil {
		return err
	}
	out := residentsJSON{Kinderen: res.Rows, Bekend: res.Known, Nieuw: res.Created, Verhuisd: res.Moved, NietIngeschreven: []absentChildJSON{}}
	for _, c := range res.NotEnrolled {
		out.NietIngeschreven = append(out.NietIngeschreven, absentChildJSON{Regel: c.Line, DossierID: h.s.pid(kindDossier, c.DossierID), Geopend: c.Opened, Sinds: c.From.String(),
			LeerlingID: h.s.pid(kindPupil, c.PupilID)})
	}
	return writeJSON(w, http.StatusOK, out)
}
