package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/grondslag/grondslag/internal/auth"
)

// Sign-in of parents and pupils through the OpenID Connect provider of their region (issue 16,
// item 7): a DigiD broker, or any provider that speaks OIDC, configured per region with
// `grondslag oidc ouders`. The flow is the professionals' (oidc.go): authorization code with
// PKCE, state and nonce, the ID token verified by go-oidc.
//
// Who signed in: the provider's issuer and subject. A DigiD broker gives no e-mail, and a BSN is
// not what Grondslag keeps of a parent, so nothing from the provider is matched to a person on
// its own. The first sign-in is confirmed once with the one-time code sent to the e-mail address
// the school holds (the parents' or the pupil's code sign-in, in the same browser); that binds
// the subject to that parent or pupil (burger_oidc_koppeling). From then on the subject signs
// the person in directly. The e-mail code stays, for the demo and for whoever has no DigiD.

// CitizenLogins is what the sign-in needs from the store (*store.DB).
type CitizenLogins interface {
	CitizenOIDCConfigs(ctx context.Context) ([]auth.CitizenOIDC, error)
	CitizenBinding(ctx context.Context, regionID int64, issuer, subject string) (parentID, pupilID int64, ok bool, err error)
	BindCitizen(ctx context.Context, regionID int64, issuer, subject string, parentID, pupilID int64, now time.Time) error
}

const citizenLinkCookie = "gs_burger_koppeling"

// citizenLink is a first sign-in through the region's provider, waiting for the e-mail code.
type citizenLink struct {
	Region  int64  `json:"r"`
	Issuer  string `json:"i"`
	Subject string `json:"s"`
}

// citizenButton is a region's provider as the sign-in pages offer it.
type citizenButton struct {
	RegionID int64
	Name     string
}

// SealCitizenOIDCSecret seals the client secret of a region's provider for parents and pupils.
func SealCitizenOIDCSecret(sealer *auth.Sealer, regionID int64, secret string) []byte {
	return sealer.Seal([]byte(secret), citizenLabel(regionID))
}

func citizenLabel(regionID int64) string { return "oidc-burger:" + strconv.FormatInt(regionID, 10) }

func (s *Server) citizenLogins() CitizenLogins {
	l, _ := s.d.Accounts.(CitizenLogins)
	return l
}

// citizenProviders lists the regions' providers for the sign-in pages (none when not set up).
func (s *Server) citizenProviders(ctx context.Context) []citizenButton {
	l := s.citizenLogins()
	if l == nil {
		return nil
	}
	cfgs, err := l.CitizenOIDCConfigs(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "oidc voor ouders niet te lezen", "fout", err.Error())
		return nil
	}
	var out []citizenButton
	for _, c := range cfgs {
		out = append(out, citizenButton{RegionID: c.RegionID, Name: c.Name})
	}
	return out
}

func (s *Server) citizenConfig(ctx context.Context, regionID int64) (auth.CitizenOIDC, string, error) {
	l := s.citizenLogins()
	if l == nil {
		return auth.CitizenOIDC{}, "", errNotFound
	}
	cfgs, err := l.CitizenOIDCConfigs(ctx)
	if err != nil {
		return auth.CitizenOIDC{}, "", err
	}
	for _, c := range cfgs {
		if c.RegionID == regionID {
			sec, err := s.d.Sealer.Open(c.Secret, citizenLabel(regionID))
			return c, string(sec), err
		}
	}
	return auth.CitizenOIDC{}, "", errNotFound
}

func (s *Server) citizenOAuth(r *http.Request, c auth.CitizenOIDC, secret string, p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: secret, Endpoint: p.Endpoint(),
		RedirectURL: s.baseURL(r) + "/inloggen/burger-terug", Scopes: []string{oidc.ScopeOpenID}}
}

var errCitizenOIDC = &Error{Status: http.StatusUnauthorized, Title: "Inloggen is mislukt",
	Detail: "Het inloggen is niet gelukt of verlopen. Probeer het opnieuw, of log in met een code per e-mail."}

// citizenStart is GET /inloggen/burger/{regio}: off to the region's provider.
func (s *Server) citizenStart(w http.ResponseWriter, r *http.Request) error {
	regionID, err := s.rowID(kindRegion, r.PathValue("regio"), "") // the region's public id
	if err != nil {
		return err
	}
	ctx := oidc.ClientContext(r.Context(), s.d.HTTPClient)
	c, secret, err := s.citizenConfig(ctx, regionID)
	if err != nil {
		return err
	}
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return &Error{Status: http.StatusBadGateway, Title: "Inloggen lukt nu niet", Detail: "De inlogdienst reageert niet. Probeer het later opnieuw of log in met een code per e-mail.", Err: err}
	}
	st := oidcState{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Region: regionID}
	if err := s.setSealedCookie(w, oidcCookie, st, 10*time.Minute); err != nil {
		return err
	}
	http.Redirect(w, r, s.citizenOAuth(r, c, secret, p).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), http.StatusFound)
	return nil
}

// citizenCallback is GET /inloggen/burger-terug: a bound subject is signed in; an unbound one is
// asked to confirm once with the e-mail code.
func (s *Server) citizenCallback(w http.ResponseWriter, r *http.Request) error {
	var st oidcState
	if !s.readSealedCookie(r, oidcCookie, &st) || st.Org != 0 {
		return errCitizenOIDC
	}
	s.setCookie(w, oidcCookie, "", -1)
	ctx := oidc.ClientContext(r.Context(), s.d.HTTPClient)
	c, secret, err := s.citizenConfig(ctx, st.Region)
	if err != nil {
		return err
	}
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return errCitizenOIDC
	}
	_, idt, err := s.oidcExchange(ctx, r, s.citizenOAuth(r, c, secret, p), p, c.ClientID, st)
	if err != nil {
		return errCitizenOIDC
	}
	parentID, pupilID, ok, err := s.citizenLogins().CitizenBinding(ctx, st.Region, c.Issuer, idt.Subject)
	if err != nil {
		return err
	}
	if ok {
		if err := s.startPersonSession(w, r, codeAccount{RegionID: st.Region, ParentID: parentID, PupilID: pupilID}); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "ouder of leerling ingelogd via OIDC", "regio_id", st.Region, "ouder_id", parentID, "leerling", pupilID != 0)
		http.Redirect(w, r, "/start", http.StatusSeeOther)
		return nil
	}
	if err := s.setSealedCookie(w, citizenLinkCookie, citizenLink{Region: st.Region, Issuer: c.Issuer, Subject: idt.Subject}, 30*time.Minute); err != nil {
		return err
	}
	http.Redirect(w, r, "/inloggen/ouder", http.StatusSeeOther)
	return nil
}

// hasCitizenLink reports whether a first sign-in waits for its e-mail code in this browser.
func (s *Server) hasCitizenLink(r *http.Request) bool {
	var l citizenLink
	return s.readSealedCookie(r, citizenLinkCookie, &l)
}

// confirmCitizenLink binds the waiting first sign-in to the parent or pupil who just proved the
// e-mail address with the code (same browser, same region).
func (s *Server) confirmCitizenLink(w http.ResponseWriter, r *http.Request, who codeAccount) error {
	var l citizenLink
	if !s.readSealedCookie(r, citizenLinkCookie, &l) {
		return nil
	}
	s.setCookie(w, citizenLinkCookie, "", -1)
	if l.Region != who.RegionID || s.citizenLogins() == nil {
		return nil
	}
	err := s.citizenLogins().BindCitizen(r.Context(), l.Region, l.Issuer, l.Subject, who.ParentID, who.PupilID, s.now())
	if errors.Is(err, auth.ErrCitizenBound) {
		s.log.WarnContext(r.Context(), "oidc-koppeling geweigerd: account al gekoppeld", "regio_id", l.Region)
		return nil // signed in with the code; the other binding stays
	}
	if err == nil {
		s.log.InfoContext(r.Context(), "ouder of leerling gekoppeld aan OIDC-subject", "regio_id", l.Region, "ouder_id", who.ParentID, "leerling", who.PupilID != 0)
	}
	return err
}
