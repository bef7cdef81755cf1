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
// state and nonce; the ID token is verified by go-oidc against the provider's keys.
//
// Who logged in (OpenID Connect Core 1.0):
//   - The e-mail address and name come from the ID token, or from the UserInfo endpoint when the
//     token does not carry them (§5.4: the claims of the scopes email and profile may be returned
//     by UserInfo only); UserInfo's sub must equal the token's (§5.3.2).
//   - email_verified must be true; a missing claim is refused (an unverified address proves
//     nothing about who holds it).
//   - The first login matches the verified e-mail to an account of the organisation; once the
//     user confirms that login with Grondslag's own second factor (or the provider's MFA that the
//     organisation trusts), the account is bound to the provider's issuer and subject
//     (gebruiker_oidc). From then on the subject finds the account, whatever its e-mail; another
//     subject with the account's address is refused.
//
// Unless the organisation's configuration says the provider asserts multi-factor authentication
// (and the token's acr/amr shows it), Grondslag still asks for its own TOTP code.

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
	// Organisation and region by their public ids, as in every other URL.
	orgID, ok1 := s.ids.decode(kindOrganisation, r.PathValue("org"))
	regionID, ok2 := s.ids.decode(kindRegion, r.URL.Query().Get("regio"))
	if !ok1 || !ok2 {
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
	ctx := oidc.ClientContext(r.Context(), s.d.HTTPClient)
	c, err := s.oidcConfig(ctx, st.Region, st.Org)
	if err != nil {
		return err
	}
	p, err := s.provider(ctx, c.Issuer)
	if err != nil {
		return errOIDC
	}
	tok, idt, err := s.oidcExchange(ctx, r, s.oauthConfig(r, c, p), p, c.ClientID, st)
	if err != nil {
		return err
	}
	var claims oidcClaims
	if err := idt.Claims(&claims); err != nil {
		return errOIDC
	}
	if claims.Email == "" || claims.Verified == nil || claims.Name == "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		switch {
		case err != nil:
			errOIDCLog(s, r, "userinfo", err)
		case ui.Subject != idt.Subject:
			errOIDCLog(s, r, "userinfo", errors.New("sub van UserInfo wijkt af van het ID-token"))
			return errOIDC
		default:
			var more oidcClaims
			if err := ui.Claims(&more); err == nil {
				if claims.Email == "" {
					claims.Email, claims.Verified = more.Email, more.Verified
				} else if claims.Verified == nil && strings.EqualFold(claims.Email, more.Email) {
					claims.Verified = more.Verified
				}
				if claims.Name == "" {
					claims.Name = more.Name
				}
			}
		}
	}
	if claims.Email == "" || claims.Verified == nil || !*claims.Verified {
		errOIDCLog(s, r, "email", errors.New("geen geverifieerd e-mailadres (email_verified)"))
		return errOIDC
	}
	a, bound, err := s.oidcAccount(ctx, st.Region, st.Org, c.Issuer, idt.Subject, claims.Email)
	if errors.Is(err, auth.ErrNoAccount) || errors.Is(err, auth.ErrOIDCBound) || (err == nil && !a.Active) {
		if err != nil {
			errOIDCLog(s, r, "account", err)
		}
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
	if !bound {
		link := oidcLink{Region: a.RegionID, User: a.ID, Issuer: c.Issuer, Subject: idt.Subject}
		if stage == auth.StageActive { // confirmed by the provider's MFA the organisation trusts
			if err := s.bindOIDC(ctx, link); err != nil {
				return err
			}
		} else if err := s.setSealedCookie(w, oidcLinkCookie, link, 30*time.Minute); err != nil {
			return err
		}
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

// oidcExchange trades the callback's code for tokens (with the PKCE verifier) and verifies the
// ID token: signature and claims by go-oidc against the provider's keys, audience clientID,
// and the nonce of the state. Any failure is errOIDC (the detail goes to the log).
func (s *Server) oidcExchange(ctx context.Context, r *http.Request, oc *oauth2.Config, p *oidc.Provider, clientID string, st oidcState) (*oauth2.Token, *oidc.IDToken, error) {
	q := r.URL.Query()
	if q.Get("state") == "" || q.Get("state") != st.State || q.Get("error") != "" || q.Get("code") == "" {
		return nil, nil, errOIDC
	}
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		errOIDCLog(s, r, "token", err)
		return nil, nil, errOIDC
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return nil, nil, errOIDC
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: clientID, Now: s.now}).Verify(ctx, raw)
	if err != nil {
		errOIDCLog(s, r, "id_token", err)
		return nil, nil, errOIDC
	}
	if idt.Nonce != st.Nonce {
		return nil, nil, errOIDC
	}
	return tok, idt, nil
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

// oidcClaims are the claims Grondslag reads, from the ID token or UserInfo.
type oidcClaims struct {
	Email    string   `json:"email"`
	Verified *bool    `json:"email_verified"`
	Name     string   `json:"name"`
	ACR      string   `json:"acr"`
	AMR      []string `json:"amr"`
}

// OIDCLinks binds accounts to a provider's issuer and subject (the store implements it).
type OIDCLinks interface {
	OIDCBinding(ctx context.Context, regionID int64, issuer, subject string) (int64, bool, error)
	OIDCSubjectOf(ctx context.Context, regionID, userID int64, issuer string) (string, error)
	BindOIDC(ctx context.Context, regionID, userID int64, issuer, subject string, now time.Time) error
}

const oidcLinkCookie = "gs_oidc_koppeling"

// oidcLink is a first login through a provider, waiting for the second factor to confirm it.
type oidcLink struct {
	Region  int64  `json:"r"`
	User    int64  `json:"u"`
	Issuer  string `json:"i"`
	Subject string `json:"s"`
}

func (s *Server) oidcLinks() (OIDCLinks, error) {
	l, ok := s.d.Accounts.(OIDCLinks)
	if !ok {
		return nil, errors.New("web: de accountopslag kan geen OIDC-koppelingen bewaren")
	}
	return l, nil
}

// oidcAccount finds the account of a login: by the binding of issuer and subject, or (first
// login) by the verified e-mail within the organisation, unless that account is bound to another
// subject at this provider. bound reports whether the binding found it.
func (s *Server) oidcAccount(ctx context.Context, regionID, orgID int64, issuer, subject, email string) (auth.Account, bool, error) {
	links, err := s.oidcLinks()
	if err != nil {
		return auth.Account{}, false, err
	}
	if uid, ok, err := links.OIDCBinding(ctx, regionID, issuer, subject); err != nil {
		return auth.Account{}, false, err
	} else if ok {
		a, err := s.d.Accounts.Account(ctx, regionID, uid)
		if err == nil && a.OrgID != orgID {
			return auth.Account{}, false, auth.ErrNoAccount
		}
		return a, true, err
	}
	a, err := s.d.Accounts.AccountInOrgByEmail(ctx, regionID, orgID, email)
	if err != nil {
		return a, false, err
	}
	if sub, err := links.OIDCSubjectOf(ctx, regionID, a.ID, issuer); err != nil {
		return a, false, err
	} else if sub != "" {
		return auth.Account{}, false, auth.ErrOIDCBound
	}
	return a, false, nil
}

func (s *Server) bindOIDC(ctx context.Context, l oidcLink) error {
	links, err := s.oidcLinks()
	if err != nil {
		return err
	}
	if err := links.BindOIDC(ctx, l.Region, l.User, l.Issuer, l.Subject, s.now()); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "account gekoppeld aan OIDC-subject", "gebruiker_id", l.User, "regio_id", l.Region)
	return nil
}

// confirmOIDCLink binds the account of a first OIDC login once the user passed the second
// factor in the same browser (promote calls it when a session becomes active).
func (s *Server) confirmOIDCLink(w http.ResponseWriter, r *http.Request, regionID, userID int64) error {
	var l oidcLink
	if !s.readSealedCookie(r, oidcLinkCookie, &l) {
		return nil
	}
	s.setCookie(w, oidcLinkCookie, "", -1)
	if l.Region != regionID || l.User != userID {
		return nil
	}
	return s.bindOIDC(r.Context(), l)
}
