package web

import (
	"net/http"
	"strings"

	"github.com/grondslag/grondslag/internal/auth"
)

// Role groups.
var (
	professionalRoles = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleDirecteur, auth.RoleLeerplicht, auth.RoleSWVConsulent,
		auth.RoleOnderwijsconsul, auth.RoleJeugdarts, auth.RoleJeugdhulpverlener, auth.RoleFG}
	// pupilRoles may open pupil data at all (the policy then decides per category and purpose).
	// The beheerder manages accounts and reads no pupil content; the FG audits, and reads no
	// pupil content through these pages either.
	pupilRoles = []string{auth.RoleZorgcoordinator, auth.RoleMentor, auth.RoleDirecteur, auth.RoleLeerplicht, auth.RoleSWVConsulent,
		auth.RoleOnderwijsconsul, auth.RoleJeugdarts, auth.RoleJeugdhulpverlener}
	anyRole = []string(nil)
)

// routes registers every route of the server: the pages, the sign-in flow and the API.
func (s *Server) routes() {
	ui := func(pattern string, h handlerFunc) { s.mux.Handle(pattern, s.htmlHandler(h)) }
	api := func(pattern string, h handlerFunc) {
		s.apiPatterns = append(s.apiPatterns, pattern)
		s.mux.Handle(pattern, s.apiHandler(h))
	}

	// Public.
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.mux.HandleFunc("GET /healthz", s.healthz) // older name of /gereed
	s.mux.HandleFunc("GET /gezond", s.live)     // liveness: the process answers
	s.mux.HandleFunc("GET /gereed", s.healthz)  // readiness: Deps.Ready (schema current, store writes)
	ui("GET /{$}", s.root)

	// Sign-in.
	ui("GET /inloggen", s.loginForm)
	ui("POST /inloggen", s.loginSubmit)
	ui("GET /inloggen/mfa", s.mfaForm)
	ui("POST /inloggen/mfa", s.mfaSubmit)
	ui("GET /inloggen/mfa/instellen", s.enrolForm)
	ui("POST /inloggen/mfa/instellen", s.enrolSubmit)
	ui("GET /inloggen/mfa/qr.png", s.enrolQR)
	ui("GET /inloggen/ouder", s.parentForm)
	ui("POST /inloggen/ouder", s.parentSubmit)
	ui("GET /inloggen/ouder/code", s.parentCodeForm)
	ui("POST /inloggen/ouder/code", s.parentCodeSubmit)
	ui("GET /inloggen/oidc/{org}", s.oidcStart)
	ui("GET /inloggen/oidc-terug", s.oidcCallback)
	ui("POST /uitloggen", s.logout)
	ui("GET /account-instellen/{code}", s.setupForm) // the one-time link of a new account
	ui("POST /account-instellen/{code}", s.setupSubmit)
	if s.cfg.Demo {
		ui("GET /dev/postvak", s.devMailbox)
	}

	// Pages.
	ui("GET /start", s.requireUser(anyRole, s.home))
	ui("POST /doel", s.requireUser(pupilRoles, s.choosePurpose))
	ui("GET /leerlingen", s.requireUser(pupilRoles, s.pupilList))
	ui("GET /leerlingen/{id}", s.requireUser(append([]string{auth.RoleOuder, auth.RoleLeerling}, pupilRoles...), s.pupilPage))
	ui("GET /leerlingen/{id}/auditbewijs", s.requireUser(anyRole, s.parentProofDownload))              // parents with gezag only; 404 for others
	ui("GET /leerlingen/{id}/auditbewijs/{index}", s.requireUser(anyRole, s.parentEntryProofDownload)) // one entry with its leaf bytes; parents only
	ui("GET /mag-ik-dit-delen", s.requireUser(professionalRoles, s.shareForm))
	ui("POST /mag-ik-dit-delen", s.requireUser(professionalRoles, s.shareAnswer))
	beheer := []string{auth.RoleBeheerder}
	ui("GET /beheer/accounts", s.requireUser(beheer, s.accountList))
	ui("POST /beheer/accounts/{id}/actief", s.requireUser(beheer, s.accountActive))
	ui("POST /beheer/accounts/{id}/mfa-opnieuw", s.requireUser(beheer, s.accountResetMFA))
	ui("POST /beheer/accounts/{id}/instellink", s.requireUser(beheer, s.accountReissueLink))
	ui("GET /beheer/accounts/nieuw", s.requireUser(beheer, s.accountNewForm))
	ui("POST /beheer/accounts/nieuw", s.requireUser(beheer, s.accountNewSubmit))
	ui("GET /beheer/api-clients", s.requireUser(beheer, s.clientList))
	ui("POST /beheer/api-clients", s.requireUser(beheer, s.clientCreate))
	ui("POST /beheer/api-clients/{id}/intrekken", s.requireUser(beheer, s.clientRevoke))
	ui("GET /audit", s.requireUser([]string{auth.RoleFG}, s.auditView))
	ui("GET /audit/export", s.requireUser([]string{auth.RoleFG}, s.auditExport))

	// API (/api/v1): documented in openapi.go; a test checks both lists are equal.
	api("GET /api/v1/gezondheid", s.apiHealth)
	api("GET /api/v1/openapi.json", s.apiOpenAPI)
	api("GET /api/v1/leerlingen", s.apiAuth(pupilRoles, auth.ScopeLeerlingenLezen, s.apiPupilList))
	api("GET /api/v1/leerlingen/{id}", s.apiAuth(pupilRoles, auth.ScopeLeerlingenLezen, s.apiPupil))
	api("POST /api/v1/mag-ik-dit-delen", s.apiAuth(professionalRoles, auth.ScopeMagIkDitDelen, s.apiShare))
	// Any other page: a Dutch 404 (or 405 with Allow when the path exists for another method) in
	// the site's layout, never Go's English "404 page not found".
	s.mux.Handle("/", s.htmlHandler(func(w http.ResponseWriter, r *http.Request) error {
		if allow := s.allowedMethods(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &Error{Status: http.StatusMethodNotAllowed, Title: "Methode niet toegestaan", Detail: "Deze pagina kan zo niet worden opgevraagd. Gebruik de knoppen en links op de pagina's."}
		}
		return errNotFound
	}))
	// Anything else under /api is a problem+json 404, with the version header.
	s.mux.Handle("/api/", s.apiHandler(func(w http.ResponseWriter, r *http.Request) error {
		if strings.HasSuffix(r.URL.Path, "/") && r.URL.Path != "/api/" {
			return &Error{Status: http.StatusNotFound, Title: "Niet gevonden", Detail: "Paden van deze API eindigen niet op een schuine streep."}
		}
		if allow := s.allowedMethods(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return &Error{Status: http.StatusMethodNotAllowed, Title: "Methode niet toegestaan", Detail: "Dit pad kent alleen " + strings.Join(allow, ", ") + "."}
		}
		return errNotFound
	}))
}

// live answers as long as the process serves HTTP; it touches no store, so a slow or full
// database never makes an orchestrator restart a healthy process (that is /gereed's job).
func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.d.Ready != nil {
		if err := s.d.Ready(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "niet gereed", "fout", err.Error())
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("niet gereed\n"))
			return
		}
	}
	w.Write([]byte("ok\n"))
}

func (s *Server) root(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/start", http.StatusSeeOther)
	return nil
}

// allowedMethods lists the methods for which r's path has an API route (for 405 and Allow).
func (s *Server) allowedMethods(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/api/" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}
