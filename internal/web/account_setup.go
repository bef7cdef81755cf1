package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/grondslag/grondslag/internal/auth"
)

// maxPasswordBytes matches what the login form accepts (loginSubmit refuses longer passwords).
const maxPasswordBytes = 1024

var errSetupLink = &Error{Status: http.StatusNotFound, Title: "Deze link werkt niet",
	Detail: "De link is al gebruikt, verlopen (na 72 uur) of niet goed overgenomen. Vraag de beheerder van Grondslag in uw regio om hulp."}

// setupAccount resolves the link of the path; a used, expired or unknown link is errSetupLink.
func (s *Server) setupAccount(r *http.Request) (AccountCreator, auth.Account, error) {
	ac, err := s.accountCreator()
	if err != nil {
		return nil, auth.Account{}, err
	}
	code := r.PathValue("code")
	if code == "" || len(code) > 100 {
		return nil, auth.Account{}, errSetupLink
	}
	a, err := ac.SetupLinkAccount(r.Context(), auth.HashToken(code), s.now())
	if errors.Is(err, auth.ErrNoAccount) {
		return nil, auth.Account{}, errSetupLink
	}
	return ac, a, err
}

// setupForm (GET /account-instellen/{code}) lets the user of a new account choose a password.
// The link itself is the proof: it is random (256 bits), stored only as a hash, and works once.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	// The token is in the path: no Referer carries it anywhere, not even to our own static files.
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, a, err := s.setupAccount(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "account_instellen", "Wachtwoord kiezen", &setupPage{View: View{CSRF: s.preCSRF(w, r)}, Email: a.Email, Code: r.PathValue("code"), Min: auth.MinPasswordLength})
}

// setupPage is the data of account_instellen.html: the form to choose a password, or (Klaar)
// the word that it is set.
type setupPage struct {
	View
	Email, Code string // the account's address, the link's code
	Min         int    // the shortest password accepted
	Klaar       bool
}

// setupSubmit stores the chosen password and spends the link. The second factor follows at the
// first sign-in: an account without a confirmed TOTP secret goes to /inloggen/mfa/instellen.
func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := s.checkPreCSRF(r); err != nil {
		return err
	}
	ac, a, err := s.setupAccount(r)
	if err != nil {
		return err
	}
	pw, again := r.PostFormValue("wachtwoord"), r.PostFormValue("wachtwoord-herhalen")
	errs := map[string]string{}
	switch {
	case auth.CheckNewPassword(pw) != nil:
		errs["wachtwoord"] = "Kies een wachtwoord van minstens " + strconv.Itoa(auth.MinPasswordLength) + " tekens. Een zin van een paar woorden is goed te onthouden."
	case len(pw) > maxPasswordBytes:
		errs["wachtwoord"] = "Dit wachtwoord is te lang. Kies een korter wachtwoord."
	case pw != again:
		errs["wachtwoord-herhalen"] = "De twee wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer."
	}
	if len(errs) > 0 {
		return s.renderForm(w, r, http.StatusBadRequest, "account_instellen", "Wachtwoord kiezen", &setupPage{View: View{CSRF: s.preCSRF(w, r)}, Email: a.Email, Code: r.PathValue("code"), Min: auth.MinPasswordLength}, errs)
	}
	hash, err := auth.HashPassword(pw, auth.DefaultPasswordParams)
	if err != nil {
		return fmt.Errorf("wachtwoord hashen: %w", err)
	}
	regionID, userID, err := ac.UseSetupLink(r.Context(), auth.HashToken(r.PathValue("code")), hash, s.now())
	if errors.Is(err, auth.ErrNoAccount) {
		return errSetupLink
	} else if err != nil {
		return fmt.Errorf("instellink gebruiken: %w", err)
	}
	s.log.InfoContext(r.Context(), "wachtwoord ingesteld via eenmalige link", "gebruiker_id", userID, "regio_id", regionID)
	return s.render(w, r, "account_instellen", "Wachtwoord ingesteld", &setupPage{Klaar: true})
}
