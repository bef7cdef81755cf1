package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/civil"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type osDirFS string

func (d osDirFS) Open(name string) (fs.File, error) { return os.DirFS(string(d)).Open(name) }

var funcs = template.FuncMap{
	"join":      strings.Join,
	"add":       func(a, b int) int { return a + b },
	"sub":       func(a, b int) int { return a - b },
	"datum":     dutchDate,
	"ref":       PupilRef,
	"rol":       RoleName,
	"aantal":    Count,
	"getal":     Decimal,
	"duizend":   Thousands,
	"datumlang": LongDate,
	"doelkeuze": purposeChooserOf, // the purpose chooser's input (view.go)
	"tijd":      func(t time.Time) string { return t.In(amsterdam()).Format("02-01-2006 15:04") },
	// pid renders the public id of a row ({{pid "leerling" .ID}}); the server binds it to its key
	// (Server.templateFuncs), so a template parsed without a server cannot render ids.
	"pid": func(kind string, id any) (string, error) { return "", errors.New("pid: no server") },
	// The words for a melding's codes (status, closing reason, closing note); the value may be
	// the typed code or its string.
	"meldingstatus":  func(v any) string { return absence.Status(fmt.Sprint(v)).Label() },
	"afsluitreden":   func(v any) string { return absence.ClosingReason(fmt.Sprint(v)).Label() },
	"afsluitnotitie": func(v any) string { return absence.ClosingNote(fmt.Sprint(v)).Label() },
	// soort is a kind in words (a signal's or melding's kind, a kind of case meeting): the
	// "Soort" columns show "16 uur verzuim in 4 lesweken", not the code (worklabels.go).
	"soort": func(v any) string { return workWord(fmt.Sprint(v)) },
}

func amsterdam() *time.Location { return civil.Amsterdam }

func parseTemplates(fsys fs.FS, extra ...template.FuncMap) (*template.Template, error) {
	sub := fsys
	if _, err := fs.Stat(fsys, "templates"); err == nil {
		s, err := fs.Sub(fsys, "templates")
		if err != nil {
			return nil, err
		}
		sub = s
	}
	t := template.New("").Funcs(funcs)
	for _, f := range extra {
		t = t.Funcs(f)
	}
	return t.ParseFS(sub, "*.html")
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// navItem is one link of the main navigation.
type navItem struct {
	Href, Label string
	Current     bool
}

// page is what every template gets.
type page struct {
	Title  string
	Lang   string
	User   *Principal
	Role   string
	Nav    []navItem
	CSRF   string
	Errors map[string]string // field -> message
	Flash  string
	Demo   bool
	Data   any // a struct embedding View (view.go), or a map[string]any on pages not yet typed
}

func (s *Server) nav(p *Principal, path string) []navItem {
	if p == nil {
		return nil
	}
	var items []navItem
	add := func(href, label string) {
		items = append(items, navItem{Href: href, Label: label, Current: path == href || (href != "/start" && strings.HasPrefix(path, href+"/"))})
	}
	add("/start", "Start")
	role := p.Role()
	if contains(pupilRoles, role) && len(s.purposesFor(p)) > 0 {
		add("/leerlingen", "Leerlingen")
	}
	// Pages of mounted parts (casework, verzuim), when this server has them.
	if contains([]string{"zorgcoordinator", "mentor", "directeur"}, role) && s.hasRoute("/verzuim/signalen") {
		add("/verzuim/signalen", "Verzuim")
	}
	if contains([]string{"zorgcoordinator", "mentor", "directeur", "leerplicht"}, role) && s.hasRoute("/verzuim/meldingen") {
		add("/verzuim/meldingen", "Meldingen")
	}
	if role == "leerplicht" && s.hasRoute("/verzuim/dossiers") {
		add("/verzuim/dossiers", "Dossiers")
	}
	if role == "leerplicht" && s.hasRoute("/verzuim/vrijstellingen") {
		add("/verzuim/vrijstellingen", "Vrijstellingen")
	}
	if contains(append([]string{"ouder"}, pupilRoles...), role) && role != "directeur" && s.hasRoute("/casussen") {
		add("/casussen", "Casussen")
	}
	if role == "zorgcoordinator" && s.hasRoute("/inzage") {
		add("/inzage", "Inzageverzoeken")
	}
	if contains(monitorRoles, role) && s.hasRoute("/monitor") {
		add("/monitor", "Thuiszitters in cijfers")
	}
	if contains(professionalRoles, role) {
		add("/mag-ik-dit-delen", "Mag ik dit delen?")
	}
	if role == "fg" {
		add("/audit", "Auditlog")
	}
	if role == "beheerder" {
		add("/beheer/accounts", "Accounts")
		add("/beheer/api-clients", "API-clients")
	}
	if contains(retentionRoles, role) && s.hasRoute("/bewaartermijnen") {
		add("/bewaartermijnen", "Vernietigingslijsten")
	}
	return items
}

// render writes template name inside the layout with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) error {
	return s.renderPage(w, r, http.StatusOK, name, title, data, nil)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	if err := s.renderPage(w, r, status, name, title, data, nil); err != nil {
		s.log.ErrorContext(r.Context(), "foutpagina tonen mislukt", "fout", err)
		http.Error(w, "Er ging iets mis.", http.StatusInternalServerError)
	}
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, name, title string, data any, errs map[string]string) error {
	return s.renderPage(w, r, status, name, title, data, errs)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name, title string, data any, errs map[string]string) error {
	t, err := s.templates()
	if err != nil {
		return fmt.Errorf("sjablonen laden: %w", err)
	}
	if data == nil {
		data = map[string]any(nil) // as before typed models: a page without data reads an empty map
	}
	p := principalFrom(r.Context())
	pg := page{Title: title, Lang: "nl", User: p, Nav: s.nav(p, r.URL.Path), Errors: errs, Data: data, Demo: s.cfg.Demo}
	if p != nil {
		pg.Role = p.Role()
		if p.Session != nil {
			pg.CSRF = p.Session.CSRF
		}
	}
	if tok, ok := fillView(data, p); ok {
		pg.CSRF = tok
	}
	if len(errs) > 0 {
		pg.Title = "Fout: " + title
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name+".html", pg); err != nil {
		return fmt.Errorf("sjabloon %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// dutchDate writes an ISO date (YYYY-MM-DD) the Dutch way (DD-MM-YYYY); other text is returned
// as it is. Pupil pages call it for every row, so it slices instead of parsing.
func dutchDate(s string) string {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return s
	}
	for i, c := range []byte(s) {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return s
		}
	}
	return s[8:10] + "-" + s[5:7] + "-" + s[0:4]
}

// hasRoute reports whether a GET of path reaches a registered page (parts such as casework are
// mounted after New).
func (s *Server) hasRoute(path string) bool {
	r, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return false
	}
	_, pattern := s.mux.Handler(r)
	return pattern != "" && pattern != "/api/" && pattern != "/"
}

// rolePurpose is the purpose a role's purpose form proposes (the user still chooses).
var rolePurpose = map[string]string{
	"zorgcoordinator": "signalering", "mentor": "signalering", "directeur": "signalering",
	"leerplicht": "handhaving-leerplicht", "swv-consulent": "toeleiding", "onderwijsconsulent": "toeleiding",
	"jeugdarts": "signalering", "jeugdhulpverlener": "jeugdhulp",
}
