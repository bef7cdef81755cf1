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

	// Public.
	s.publicHandler("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.publicHandler("GET /healthz", http.HandlerFunc(s.healthz)) // older name of /gereed
	s.publicHandler("GET /gezond", http.HandlerFunc(s.live))     // liveness: the process answers
	s.publicHandler("GET /gereed", http.HandlerFunc(s.healthz))  // readiness: Deps.Ready (schema current, store writes)
	s.page("GET /{$}", s.root)

	// Sign-in.
	s.page("GET /inloggen", s.loginForm)
	s.page("POST /inloggen", s.loginSubmit)
	s.page("GET /inloggen/mfa", s.mfaForm)
	s.page("POST /inloggen/mfa", s.mfaSubmit)
	s.page("GET /inloggen/mfa/instellen", s.enrolForm)
	s.page("POST /inloggen/mfa/instellen", s.enrolSubmit)
	s.page("GET /inloggen/mfa/qr.png", s.enrolQR)
	s.mountCodeLogin(s.parentCodeLogin())
	s.page("GET /inloggen/burger/{regio}", s.citizenStart)
	s.page("GET /inloggen/burger-terug", s.citizenCallback)
	s.page("GET /inloggen/oidc/{org}", s.oidcStart)
	s.page("GET /inloggen/oidc-terug", s.oidcCallback)
	s.page("POST /uitloggen", s.logout)
	s.page("GET /account-instellen/{code}", s.setupForm) // the one-time link of a new account
	s.page("POST /account-instellen/{code}", s.setupSubmit)
	if s.cfg.Demo {
		s.page("GET /dev/postvak", s.devMailbox)
	}

	// Pages.
	s.page("GET /start", s.requireUser(anyRole, s.home))
	s.page("POST /doel", s.requireUser(pupilRoles, s.choosePurpose))
	s.page("POST /start/overzicht", s.requireUser(professionalRoles, s.setDigest))
	s.page("GET /leerlingen", s.requireUser(pupilRoles, s.pupilList))
	s.page("GET /leerlingen/{id}", s.requireUser(append([]string{auth.RoleOuder, auth.RoleLeerling}, pupilRoles...), s.pupilPage))
	s.page("GET /leerlingen/{id}/auditbewijs", s.requireUser(anyRole, s.parentProofDownload))              // parents with gezag only; 404 for others
	s.page("GET /leerlingen/{id}/auditbewijs/{index}", s.requireUser(anyRole, s.parentEntryProofDownload)) // one entry with its leaf bytes; parents only
	s.page("GET /mag-ik-dit-delen", s.requireUser(professionalRoles, s.shareForm))
	s.page("POST /mag-ik-dit-delen", s.requireUser(professionalRoles, s.shareAnswer))
	beheer := []string{auth.RoleBeheerder}
	s.page("GET /beheer/accounts", s.requireUser(beheer, s.accountList))
	s.page("POST /beheer/accounts/{id}/actief", s.requireUser(beheer, s.accountActive))
	s.page("POST /beheer/accounts/{id}/mfa-opnieuw", s.requireUser(beheer, s.accountResetMFA))
	s.page("POST /beheer/accounts/{id}/instellink", s.requireUser(beheer, s.accountReissueLink))
	s.page("GET /beheer/accounts/nieuw", s.requireUser(beheer, s.accountNewForm))
	s.page("POST /beheer/accounts/nieuw", s.requireUser(beheer, s.accountNewSubmit))
	s.page("GET /beheer/api-clients", s.requireUser(beheer, s.clientList))
	s.page("POST /beheer/api-clients", s.requireUser(beheer, s.clientCreate))
	s.page("POST /beheer/api-clients/{id}/intrekken", s.requireUser(beheer, s.clientRevoke))
	s.page("GET /audit", s.requireUser([]string{auth.RoleFG}, s.auditView))
	s.page("GET /audit/export", s.requireUser([]string{auth.RoleFG}, s.auditExport))

	// API (/api/v1): documented in openapi.go; a test checks both lists are equal.
	s.apiRoute("GET /api/v1/gezondheid", s.apiHealth)
	s.apiRoute("GET /api/v1/openapi.json", s.apiOpenAPI)
	s.apiRoute("GET /api/v1/leerlingen", s.apiAuth(pupilRoles, auth.ScopeLeerlingenLezen, s.apiPupilList))
	s.apiRoute("GET /api/v1/leerlingen/{id}", s.apiAuth(pupilRoles, auth.ScopeLeerlingenLezen, s.apiPupil))
	s.apiRoute("POST /api/v1/mag-ik-dit-delen", s.apiAuth(professionalRoles, auth.ScopeMagIkDitDelen, s.apiShare))
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
