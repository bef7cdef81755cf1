package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/storage"
)

// The region's letter templates of the leerplicht dossier (absence/letter_template.go): the
// beheerder edits the invitation and the warning from the web, previews the letter with example
// data, and saves a new version; the dossier's letters use the newest version, or the model text
// when the region has none. A template holds placeholders only: no code runs. Templates hold no
// personal data, so no decision of the convenant is asked; only the region's beheerder reaches
// these pages.

// LetterTemplateStore is what the pages need (*store.DB implements it).
type LetterTemplateStore interface {
	SaveLetterTemplate(ctx context.Context, regionID int64, t absence.LetterTemplate, by int64, now time.Time) (int64, error)
	LetterTemplateVersions(ctx context.Context, regionID int64, kind absence.StepKind) ([]absence.StoredLetterTemplate, error)
	LetterTemplate(ctx context.Context, regionID int64, kind absence.StepKind) (absence.StoredLetterTemplate, error)
}

var letterKinds = []absence.StepKind{absence.StepInvitation, absence.StepWarning}

type letterTemplateHandlers struct {
	s  *Server
	st LetterTemplateStore
}

// MountLetterTemplates adds /beheer/briefsjablonen.
func (s *Server) MountLetterTemplates(st LetterTemplateStore) error {
	if st == nil {
		return errors.New("web: MountLetterTemplates vraagt een store")
	}
	h := &letterTemplateHandlers{s: s, st: st}
	roles := []string{auth.RoleBeheerder}
	s.page("GET /beheer/briefsjablonen", s.requireUser(roles, h.list))
	s.page("GET /beheer/briefsjablonen/{soort}", s.requireUser(roles, h.edit))
	s.page("POST /beheer/briefsjablonen/{soort}", s.requireUser(roles, h.submit))
	return nil
}

func letterKind(r *http.Request) (absence.StepKind, error) {
	k := absence.StepKind(r.PathValue("soort"))
	for _, x := range letterKinds {
		if x == k {
			return k, nil
		}
	}
	return "", errNotFound
}

func (h *letterTemplateHandlers) list(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	var rows []letterTemplateRow
	for _, k := range letterKinds {
		t, err := h.st.LetterTemplate(r.Context(), p.Actor().RegionID, k)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("briefsjabloon lezen: %w", err)
		}
		rows = append(rows, letterTemplateRow{Kind: k, Label: k.Label(), Version: t.Version, At: t.At})
	}
	return h.s.render(w, r, "briefsjablonen", "Briefsjablonen leerplicht", &letterTemplatesPage{Sjablonen: rows})
}

// letterTemplatesPage is the data of briefsjablonen.html.
type letterTemplatesPage struct {
	View
	Sjablonen []letterTemplateRow
}

// letterTemplateRow is a letter kind and its valid version (0: the model text).
type letterTemplateRow struct {
	Kind    absence.StepKind
	Label   string
	Version int64
	At      time.Time
}

// letterTemplatePage is the data of briefsjabloon.html.
type letterTemplatePage struct {
	View
	Soort     absence.StepKind
	Tekst     string // the text in the field
	Versies   []absence.StoredLetterTemplate
	Velden    []absence.Placeholder
	Voorbeeld string // the text filled with example data
}

// editData is the edit page: the text in the field, the versions, the placeholders, a preview.
func (h *letterTemplateHandlers) editData(ctx context.Context, regionID int64, k absence.StepKind, text, preview string) (*letterTemplatePage, error) {
	versions, err := h.st.LetterTemplateVersions(ctx, regionID, k)
	if err != nil {
		return nil, fmt.Errorf("versies van het briefsjabloon lezen: %w", err)
	}
	if text == "" {
		text = absence.DefaultLetterTemplate(k).Text()
		if len(versions) > 0 {
			text = versions[0].Text
		}
	}
	return &letterTemplatePage{Soort: k, Tekst: text, Versies: versions, Velden: absence.LetterPlaceholders, Voorbeeld: preview}, nil
}

func (h *letterTemplateHandlers) edit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	k, err := letterKind(r)
	if err != nil {
		return err
	}
	data, err := h.editData(r.Context(), p.Actor().RegionID, k, "", "")
	if err != nil {
		return err
	}
	return h.s.render(w, r, "briefsjabloon", "Briefsjabloon: "+k.Label(), data)
}

// examplePreview fills a template with invented example data.
func examplePreview(t absence.LetterTemplate) (string, error) {
	d := absence.StepLetterData{Gemeente: "Voorbeeldstad", Pupil: "Sam Voorbeeld", Birth: absence.NewDate(2013, 5, 14), Addressee: "ouder(s)/verzorger(s) van Sam Voorbeeld",
		Ground: absence.GroundRelative, WithPupil: true, Template: t.Text(),
		Step: absence.Step{Kind: t.Kind(), On: absence.NewDate(2026, 9, 21), Due: absence.NewDate(2026, 10, 1), Text: "(hier komt de eigen tekst bij deze stap)", By: "L. Plicht, leerplichtambtenaar"}}
	return absence.StepLetterText(d)
}

func (h *letterTemplateHandlers) submit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	k, err := letterKind(r)
	if err != nil {
		return err
	}
	text := r.PostFormValue("tekst")
	if r.PostFormValue("actie") == "model" {
		text = absence.DefaultLetterTemplate(k).Text()
	}
	t, perr := absence.ParseLetterTemplate(k, text)
	preview := ""
	if perr == nil {
		if preview, perr = examplePreview(t); perr != nil {
			return perr
		}
	}
	if perr != nil || r.PostFormValue("actie") != "opslaan" {
		data, err := h.editData(r.Context(), p.Actor().RegionID, k, text, preview)
		if err != nil {
			return err
		}
		if perr != nil {
			errs := map[string]string{"tekst": strings.TrimPrefix(perr.Error(), absence.ErrLetterTemplate.Error()+": ")}
			return h.s.renderForm(w, r, http.StatusBadRequest, "briefsjabloon", "Briefsjabloon: "+k.Label(), data, errs)
		}
		return h.s.render(w, r, "briefsjabloon", "Briefsjabloon: "+k.Label(), data)
	}
	if _, err := h.st.SaveLetterTemplate(r.Context(), p.Actor().RegionID, t, p.Account.ID, h.s.now()); err != nil {
		return fmt.Errorf("briefsjabloon opslaan: %w", err)
	}
	http.Redirect(w, r, "/beheer/briefsjablonen/"+string(k), http.StatusSeeOther)
	return nil
}
