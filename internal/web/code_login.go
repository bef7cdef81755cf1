package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// Sign-in with a one-time code by e-mail, the same for parents (/inloggen/ouder) and pupils with
// their own account (/inloggen/leerling): the address is asked, a code goes to every account with
// that address, the code is checked. The answer to an address is always the same ("if it is
// known, a code was sent"), so the form does not reveal which addresses exist; requests and
// attempts are throttled per client address and per e-mail address. A person who signed in with a
// provider (OIDC) for the first time confirms the binding here (citizen_oidc.go).

const (
	loginCodeAttempts  = 5
	parentRequestLimit = 5 // code requests per address per window
)

// codeAccount is who a code signs in: a parent or a pupil of a region.
type codeAccount struct {
	RegionID, ParentID, PupilID int64
}

// codeLogin is one of the two code sign-ins.
type codeLogin struct {
	cookie                string // holds the address between the two forms (sealed)
	start, code           string // paths of the two forms
	form, codeForm        string // templates
	formTitle, codeTitle  string
	emailError, codeError string
	// send makes and sends a code to every account with the address.
	send func(ctx context.Context, email string, expires, now time.Time) error
	// use finds the account with the address whose code matches (and uses the code up).
	use func(ctx context.Context, email, hash string, now time.Time) (codeAccount, bool, error)
	// data adds to the form page's data.
	data func(s *Server, r *http.Request, d *codeLoginPage)
}

// codeLoginPage is the data of the code sign-in forms (ouder_inloggen.html, ouder_code.html,
// leerling_inloggen.html, leerling_code.html).
type codeLoginPage struct {
	View
	Minuten       int             // how long a code stays valid
	Email         string          // the address typed, after a refused one
	LeerlingLogin bool            // the pupils' sign-in is mounted (parents' form)
	BurgerOIDC    []citizenButton // the regions with a citizen sign-in (DigiD and the like)
	Koppelen      bool            // a citizen sign-in is waiting to be linked to this account
}

func (s *Server) codeFormData(l *codeLogin, w http.ResponseWriter, r *http.Request) *codeLoginPage {
	d := &codeLoginPage{View: View{CSRF: s.preCSRF(w, r)}, Minuten: int(s.cfg.LoginCodeValidity.Minutes())}
	if l.data != nil {
		l.data(s, r, d)
	}
	return d
}

func (s *Server) codeRequestForm(l *codeLogin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.render(w, r, l.form, l.formTitle, s.codeFormData(l, w, r))
	}
}

func (s *Server) codeRequestSubmit(l *codeLogin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.checkPreCSRF(r); err != nil {
			return err
		}
		ctx, now := r.Context(), s.now()
		email := auth.NormaliseEmail(r.PostFormValue("email"))
		if email == "" || len(email) > 254 || !looksLikeEmail(email) {
			d := s.codeFormData(l, w, r)
			d.Email = email
			return s.renderForm(w, r, http.StatusUnprocessableEntity, l.form, l.formTitle, d, map[string]string{"email": l.emailError})
		}
		// Throttle code requests per address and per e-mail address (no mail bombing).
		keys := []string{"code-adres:" + auth.HashToken(s.clientAddr(r)), "code-email:" + auth.HashToken(email)}
		locked, err := s.d.Throttle.ThrottleLocked(ctx, keys, now)
		if err != nil {
			return fmt.Errorf("blokkade nakijken: %w", err)
		}
		if !locked {
			for _, k := range keys {
				if _, err := s.d.Throttle.ThrottleFail(ctx, k, parentRequestLimit, s.cfg.Limits.Window, s.cfg.Limits.Lock, now); err != nil {
					return fmt.Errorf("mislukte poging tellen: %w", err)
				}
			}
			if err := l.send(ctx, email, now.Add(s.cfg.LoginCodeValidity), now); err != nil {
				return fmt.Errorf("inlogcode maken en versturen: %w", err)
			}
		}
		if err := s.setSealedCookie(w, l.cookie, email, s.cfg.LoginCodeValidity); err != nil {
			return fmt.Errorf("cookie zetten: %w", err)
		}
		http.Redirect(w, r, l.code, http.StatusSeeOther)
		return nil
	}
}

func (s *Server) codeEntryForm(l *codeLogin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var email string
		if !s.readSealedCookie(r, l.cookie, &email) {
			http.Redirect(w, r, l.start, http.StatusSeeOther)
			return nil
		}
		return s.render(w, r, l.codeForm, l.codeTitle, s.codeFormData(l, w, r))
	}
}

func (s *Server) codeEntrySubmit(l *codeLogin) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.checkPreCSRF(r); err != nil {
			return err
		}
		var email string
		if !s.readSealedCookie(r, l.cookie, &email) {
			http.Redirect(w, r, l.start, http.StatusSeeOther)
			return nil
		}
		ctx, now := r.Context(), s.now()
		key := "code-poging:" + auth.HashToken(email)
		locked, err := s.d.Throttle.ThrottleLocked(ctx, []string{key, auth.AddressKey(s.clientAddr(r))}, now)
		if err != nil {
			return fmt.Errorf("blokkade nakijken: %w", err)
		}
		var who codeAccount
		ok := false
		if !locked {
			if who, ok, err = l.use(ctx, email, auth.HashToken(auth.NormaliseLoginCode(r.PostFormValue("code"))), now); err != nil {
				return fmt.Errorf("inlogcode nakijken: %w", err)
			}
		}
		if !ok {
			if !locked {
				if _, err := s.d.Throttle.ThrottleFail(ctx, key, s.cfg.Limits.AccountFailures*2, s.cfg.Limits.Window, s.cfg.Limits.Lock, now); err != nil {
					return fmt.Errorf("mislukte poging tellen: %w", err)
				}
			}
			return s.renderForm(w, r, http.StatusUnauthorized, l.codeForm, l.codeTitle, s.codeFormData(l, w, r), map[string]string{"code": l.codeError})
		}
		s.setCookie(w, l.cookie, "", -1)
		if err := s.startPersonSession(w, r, who); err != nil {
			return fmt.Errorf("sessie starten: %w", err)
		}
		// A first sign-in through the region's provider, confirmed by this code: bind it.
		if err := s.confirmCitizenLink(w, r, who); err != nil {
			return fmt.Errorf("koppeling met de burgerlogin bevestigen: %w", err)
		}
		s.log.InfoContext(ctx, "ouder of leerling ingelogd met code", "regio_id", who.RegionID, "ouder_id", who.ParentID, "leerling", who.PupilID != 0)
		http.Redirect(w, r, "/start", http.StatusSeeOther)
		return nil
	}
}

// startPersonSession starts the active session of a parent or a pupil.
func (s *Server) startPersonSession(w http.ResponseWriter, r *http.Request, who codeAccount) error {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		s.d.Sessions.DeleteSession(r.Context(), auth.HashToken(c.Value))
	}
	token, sess := auth.NewSession(who.RegionID, 0, who.ParentID, auth.StageActive, s.now())
	sess.PupilID = who.PupilID
	if err := s.d.Sessions.CreateSession(r.Context(), sess); err != nil {
		return fmt.Errorf("sessie opslaan: %w", err)
	}
	s.setSessionCookie(w, token)
	return nil
}

// mountCodeLogin registers the four routes of a code sign-in.
func (s *Server) mountCodeLogin(l *codeLogin) {
	s.page("GET "+l.start, s.codeRequestForm(l))
	s.page("POST "+l.start, s.codeRequestSubmit(l))
	s.page("GET "+l.code, s.codeEntryForm(l))
	s.page("POST "+l.code, s.codeEntrySubmit(l))
}

// parentCodeLogin is the parents' sign-in.
func (s *Server) parentCodeLogin() *codeLogin {
	return &codeLogin{cookie: "gs_ouder", start: "/inloggen/ouder", code: "/inloggen/ouder/code", form: "ouder_inloggen", codeForm: "ouder_code",
		formTitle: "Inloggen voor ouders", codeTitle: "Code uit uw e-mail",
		emailError: "Vul een e-mailadres in, zoals naam@voorbeeld.nl.", codeError: "Deze code klopt niet of is verlopen. Vraag zo nodig een nieuwe code aan.",
		send: func(ctx context.Context, email string, expires, now time.Time) error {
			parents, err := s.d.Accounts.ParentsByEmail(ctx, email)
			if err != nil {
				return fmt.Errorf("ouders bij het e-mailadres zoeken: %w", err)
			}
			for _, p := range parents {
				code, hash := auth.NewLoginCode()
				if err := s.d.Accounts.CreateLoginCode(ctx, p.RegionID, p.ID, hash, expires, now); err != nil {
					return fmt.Errorf("inlogcode opslaan: %w", err)
				}
				if err := s.d.Codes.SendLoginCode(ctx, p, code, s.cfg.LoginCodeValidity); err != nil {
					return fmt.Errorf("inlogcode versturen: %w", err)
				}
			}
			return nil
		},
		use: func(ctx context.Context, email, hash string, now time.Time) (codeAccount, bool, error) {
			parents, err := s.d.Accounts.ParentsByEmail(ctx, email)
			if err != nil {
				return codeAccount{}, false, fmt.Errorf("ouders bij het e-mailadres zoeken: %w", err)
			}
			for _, p := range parents {
				ok, err := s.d.Accounts.UseLoginCode(ctx, p.RegionID, p.ID, hash, loginCodeAttempts, now)
				if err != nil || ok {
					return codeAccount{RegionID: p.RegionID, ParentID: p.ID}, ok, err
				}
			}
			return codeAccount{}, false, nil
		},
		data: func(s *Server, r *http.Request, d *codeLoginPage) {
			d.LeerlingLogin = s.hasRoute("/inloggen/leerling")
			d.BurgerOIDC = s.citizenProviders(r.Context())
			d.Koppelen = s.hasCitizenLink(r)
		},
	}
}

// pupilCodeLogin is the sign-in of pupils with their own account (issue 16).
func (s *Server) pupilCodeLogin() *codeLogin {
	return &codeLogin{cookie: "gs_leerling", start: "/inloggen/leerling", code: "/inloggen/leerling/code", form: "leerling_inloggen", codeForm: "leerling_code",
		formTitle: "Inloggen voor leerlingen", codeTitle: "Code uit je e-mail",
		emailError: "Vul je e-mailadres in, zoals naam@voorbeeld.nl.", codeError: "Deze code klopt niet of is verlopen. Vraag zo nodig een nieuwe code aan.",
		send: func(ctx context.Context, email string, expires, now time.Time) error {
			accs, err := s.portal.Pupils.PupilAccountsByEmail(ctx, email)
			if err != nil {
				return fmt.Errorf("leerlingaccounts bij het e-mailadres zoeken: %w", err)
			}
			for _, a := range accs {
				code, hash := auth.NewLoginCode()
				if err := s.portal.Pupils.CreatePupilLoginCode(ctx, a.RegionID, a.PupilID, hash, expires, now); err != nil {
					return fmt.Errorf("inlogcode van de leerling opslaan: %w", err)
				}
				// The code sender addresses a person by name and e-mail; a pupil is no parent, the
				// id stays 0 so that nothing is looked up by it.
				if err := s.d.Codes.SendLoginCode(ctx, auth.Parent{RegionID: a.RegionID, Name: a.Name, Email: a.Email}, code, s.cfg.LoginCodeValidity); err != nil {
					return fmt.Errorf("inlogcode versturen: %w", err)
				}
			}
			return nil
		},
		use: func(ctx context.Context, email, hash string, now time.Time) (codeAccount, bool, error) {
			accs, err := s.portal.Pupils.PupilAccountsByEmail(ctx, email)
			if err != nil {
				return codeAccount{}, false, fmt.Errorf("leerlingaccounts bij het e-mailadres zoeken: %w", err)
			}
			for _, a := range accs {
				ok, err := s.portal.Pupils.UsePupilLoginCode(ctx, a.RegionID, a.PupilID, hash, loginCodeAttempts, now)
				if err != nil || ok {
					return codeAccount{RegionID: a.RegionID, PupilID: a.PupilID}, ok, err
				}
			}
			return codeAccount{}, false, nil
		},
		data: func(s *Server, r *http.Request, d *codeLoginPage) {
			d.BurgerOIDC = s.citizenProviders(r.Context())
			d.Koppelen = s.hasCitizenLink(r)
		},
	}
}
