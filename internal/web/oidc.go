package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/grondslag/grondslag/internal/auth"
)

// Federated login through OpenID Connect, configured per organisation (SURFconext or Entree for
// schools, eHerkenning through a broker for gemeenten). The authorization code flow with PKCE,
// state and nonce; the ID token is verified by go-oidc against the provider's keys. The e-mail
// claim must match an account of that organisation. Unless the organisation's configuration says
// the provider asserts multi-factor authentication (and the token's acr/amr shows it), Grondslag
// still asks for its own TOTP code.

const oidcCookie = "gs_oidc"

type oidcProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Region   int64  `json:"r"`
	Org      int64  `json:"o"`
}

// SealOIDCSecret seals an organisation's OIDC client secret for storage.
func SealOIDCSecret(sealer *auth.Sealer, regionID, orgID int64, secret string) []byte {
	return sealer.Seal([]byte(secret), oidcLabel(regionID, orgID))
}

func oidcLabel(regionID, orgID int64) string {
	return "oidc:" + strconv.FormatInt(regionID, 10) + ":" + strconv.FormatInt(orgID, 10)
}

func (s *Server) oidcConfig(ctx context.Context, regionID, orgID int64) (auth.OIDCConfig, error) {
	cfgs, secrets, err := s.d.Accounts.OIDCConfigs(ctx)
	if err != nil {
		return auth.OIDCConfig{}, err
	}
	for i, c := range cfgs {
		if c.RegionID == regionID && c.OrgID == orgID {
			sec, err := s.d.Sealer.Open(secrets[i], oidcLabel(regionID, orgID))
			if err != nil {
				return c, err
			}
			c.ClientSecret = string(sec)
			return c, nil
		}
	}
	return auth.OIDCConfig{}, errNotFound
}

func (s *Server) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	s.oidcMu.Lock()
	defer s.oidcMu.Unlock()
	if p, ok := s.providers[issuer]; ok && time.Since(p.fetched) < time.Hour {
		return p.p, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.d.HTTPClient), issuer)
	if err != nil {
		return nil, err
	}
	s.providers[issuer] = &oidcProvider{p: p, fetched: time.Now()}
	return p, nil
}

func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if s.cfg.TLS || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func randomString() string {
	var b [24]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) oauthConfig(r *http.Request, c auth.OIDCConfig, p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: s.baseURL(r) + "/inloggen/oidc-terug", Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) error {
	orgID, err1 := strconv.ParseInt(r.PathValue("org"), 10, 64)
	regionID, err2 := strconv.ParseInt(r.URL.Query().Get("regio"), 10, 64)
	if err1 != nil || err2 != nil {
		return errNotFound
	}
	ctx := r.Context()
	c, err := s.oidcConfig(ctx, regionID, orgID)
	if err != nil {
		return err
	}
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return &Error{Status: http.StatusBadGateway, Title: "Inloggen via uw organisatie lukt nu niet", Detail: "De inlogdienst van uw organisatie reageert niet. Probeer het later opnieuw of log in met uw wachtwoord.", Err: err}
	}
	st := oidcState{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Region: regionID, Org: orgID}
	if err := s.setSealedCookie(w, oidcCookie, st, 10*time.Minute); err != nil {
		return err
	}
	u := s.oauthConfig(r, c, p).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

var errOIDC = &Error{Status: http.StatusUnauthorized, Title: "Inloggen via uw organisatie is mislukt", Detail: "Het inloggen via uw organisatie is niet gelukt of verlopen. Probeer het opnieuw. Lukt het niet, neem dan contact op met de beheerder van uw organisatie."}

func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	var st oidcState
	if !s.readSealedCookie(r, oidcCookie, &st) {
		return errOIDC
	}
	s.setCookie(w, oidcCookie, "", -1)
	q := r.URL.Query()
	if q.Get("state") == "" || q.Get("state") != st.State || q.Get("error") != "" || q.Get("code") == "" {
		return errOIDC
	}
	ctx := oidc.ClientContext(r.Context(), s.d.HTTPClient)
	c, err := s.oidcConfig(ctx, st.Region, st.Org)
	if err != nil {
		return err
	}
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return errOIDC
	}
	tok, err := s.oauthConfig(r, c, p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		errOIDCLog(s, r, "token", err)
		return errOIDC
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return errOIDC
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: c.ClientID, Now: s.now}).Verify(ctx, raw)
	if err != nil {
		errOIDCLog(s, r, "id_token", err)
		return errOIDC
	}
	if idt.Nonce != st.Nonce {
		return errOIDC
	}
	var claims struct {
		Email    string   `json:"email"`
		Verified *bool    `json:"email_verified"`
		ACR      string   `json:"acr"`
		AMR      []string `json:"amr"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email == "" || (claims.Verified != nil && !*claims.Verified) {
		return errOIDC
	}
	a, err := s.d.Accounts.AccountInOrgByEmail(ctx, st.Region, st.Org, claims.Email)
	if errors.Is(err, auth.ErrNoAccount) || (err == nil && !a.Active) {
		return errOIDC
	}
	if err != nil {
		return err
	}
	stage := auth.StageMFA
	if c.MFAFromIdP && idpAssertsMFA(claims.ACR, claims.AMR) {
		stage = auth.StageActive
	} else if !a.MFAEnrolled() {
		stage = auth.StageMFAEnrol
	}
	if _, err := s.startSession(w, r, a.RegionID, a.ID, 0, stage); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "ingelogd via OIDC", "gebruiker_id", a.ID, "regio_id", a.RegionID, "fase", string(stage))
	switch stage {
	case auth.StageActive:
		http.Redirect(w, r, "/start", http.StatusSeeOther)
	case auth.StageMFAEnrol:
		http.Redirect(w, r, "/inloggen/mfa/instellen", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/inloggen/mfa", http.StatusSeeOther)
	}
	return nil
}

// idpAssertsMFA reads the token's authentication context: an amr of "mfa", "otp", "hwk" or
// "swk" with a second method (RFC 8176), or an acr naming a substantial or high level of assurance
// (eIDAS / eHerkenning EH3+ / SURFconext MFA profile).
func idpAssertsMFA(acr string, amr []string) bool {
	for _, m := range amr {
		switch m {
		case "mfa", "otp", "hwk", "sms", "swk":
			return true
		}
	}
	a := strings.ToLower(acr)
	return strings.Contains(a, "mfa") || strings.Contains(a, "substantial") || strings.Contains(a, "high") ||
		strings.Contains(a, "eh3") || strings.Contains(a, "eh4")
}

func errOIDCLog(s *Server, r *http.Request, step string, err error) {
	s.log.WarnContext(r.Context(), "oidc mislukt", "stap", step, "fout", err.Error(), "request_id", requestID(r.Context()))
}
