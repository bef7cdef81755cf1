package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/region"
)

// SetupLinkValidity is how long the one-time link of a new account works.
const SetupLinkValidity = 72 * time.Hour

// AccountCreator is what creating an account needs from the store, next to Admin: the account
// without a password plus the hash of its one-time setup link, and spending that link.
// internal/store's DB (and so WebStore) implements it; the pages are 404 when Deps.Admin does not.
type AccountCreator interface {
	// CreateAccount validates u with region.NewUser for the organisation's kind (a
	// *region.FieldError names the field) and stores it with the link hash, in one transaction.
	CreateAccount(ctx context.Context, regionID int64, u region.User, linkHash string, expires, now time.Time) (int64, error)
	// SetupLinkAccount returns the account of an unused, unexpired link (auth.ErrNoAccount if none).
	SetupLinkAccount(ctx context.Context, linkHash string, now time.Time) (auth.Account, error)
	// UseSetupLink spends the link and stores the password hash (auth.ErrNoAccount if not usable).
	UseSetupLink(ctx context.Context, linkHash, passwordHash string, now time.Time) (regionID, userID int64, err error)
	// ReissueSetupLink gives an existing account of the region a new link: earlier unused links
	// stop working, the password is cleared, the sessions end, TOTP stays (auth.ErrNoAccount if
	// the region has no such account).
	ReissueSetupLink(ctx context.Context, regionID, userID int64, linkHash string, expires, now time.Time) error
}

// accountRoles are the roles a beheerder can give, with a B1 label naming where they belong.
// Which fit an organisation is decided by region.RoleAllowed.
var accountRoles = []Code{
	{Code: string(region.RoleZorgcoordinator), Label: "Zorgcoördinator (school)"},
	{Code: string(region.RoleMentor), Label: "Mentor (school)"},
	{Code: string(region.RoleDirecteur), Label: "Directeur (school)"},
	{Code: string(region.RoleLeerplicht), Label: "Leerplichtambtenaar (gemeente)"},
	{Code: string(region.RoleSWVConsulent), Label: "Consulent (samenwerkingsverband)"},
	{Code: string(region.RoleOnderwijsconsulent), Label: "Onderwijsconsulent (samenwerkingsverband of onderwijsconsulenten)"},
	{Code: string(region.RoleJeugdarts), Label: "Jeugdarts (GGD)"},
	{Code: string(region.RoleJeugdhulpverlener), Label: "Jeugdhulpverlener (jeugdhulp)"},
	{Code: string(region.RoleFG), Label: "Functionaris gegevensbescherming (elke organisatie)"},
	{Code: string(region.RoleBeheerder), Label: "Beheerder (elke organisatie)"},
}

// accountFieldMsg are the B1 messages per field of the new-account form.
var accountFieldMsg = map[string]string{
	"naam":         "Vul de naam in, bijvoorbeeld Fatima de Vries. Gebruik hoogstens 100 tekens.",
	"email":        "Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.",
	"email-dubbel": "Er is al een account met dit e-mailadres. Kies een ander e-mailadres of zet het bestaande account aan.",
	"organisatie":  "Kies de organisatie waar deze persoon werkt.",
	"rol":          "Deze rol past niet bij de organisatie. Een mentor hoort bijvoorbeeld bij een school en een leerplichtambtenaar bij een gemeente.",
}

func (s *Server) accountCreator() (AccountCreator, error) {
	ac, ok := s.d.Admin.(AccountCreator)
	if s.d.Admin == nil || !ok {
		return nil, errNotFound
	}
	return ac, nil
}

// accountNewPage is the data of beheer_account_nieuw.html.
type accountNewPage struct {
	View
	Orgs                 []region.Organisation
	OrgOpties, RolOpties []option
	In                   map[string]string // the form as posted
	Nieuw                *setupLink        // the account just made
}

// setupLink is a one-time setup link as shown, once, to the beheerder (beheer_instellink.html
// and the new-account page).
type setupLink struct {
	Naam, Link, Geldig string // the account's name, the link, until when it works
	TOTP               bool   // the account keeps its second factor
}

// setupLinkPage is the data of beheer_instellink.html.
type setupLinkPage struct {
	View
	setupLink
}

func (s *Server) accountNewData(ctx context.Context, regionID int64, in map[string]string) (*accountNewPage, error) {
	adm, err := s.admin()
	if err != nil {
		return nil, err
	}
	orgs, err := adm.Organisations(ctx, regionID)
	if err != nil {
		return nil, fmt.Errorf("organisaties van de regio lezen: %w", err)
	}
	var orgOpts, roleOpts []option
	for _, o := range orgs {
		v := strconv.FormatInt(o.ID, 10)
		orgOpts = append(orgOpts, option{Value: v, Label: o.Name, Selected: in["organisatie"] == v})
	}
	for _, c := range accountRoles {
		roleOpts = append(roleOpts, option{Value: c.Code, Label: c.Label, Selected: in["rol"] == c.Code})
	}
	return &accountNewPage{Orgs: orgs, OrgOpties: orgOpts, RolOpties: roleOpts, In: in}, nil
}

// option is one <option> of a select, kept selected after a failed post.
type option struct {
	Value, Label string
	Selected     bool
}

func (s *Server) accountNewForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accountCreator(); err != nil {
		return err
	}
	p := principalFrom(r.Context())
	d, err := s.accountNewData(r.Context(), p.Account.RegionID, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "beheer_account_nieuw", "Nieuw account", d)
}

func (s *Server) accountNewSubmit(w http.ResponseWriter, r *http.Request) error {
	ac, err := s.accountCreator()
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	ctx := r.Context()
	in := map[string]string{
		"naam":        strings.TrimSpace(r.PostFormValue("naam")),
		"email":       auth.NormaliseEmail(r.PostFormValue("email")),
		"organisatie": r.PostFormValue("organisatie"),
		"rol":         r.PostFormValue("rol"),
	}
	d, err := s.accountNewData(ctx, p.Account.RegionID, in)
	if err != nil {
		return err
	}
	errs := map[string]string{}
	if in["naam"] == "" || utf8.RuneCountInString(in["naam"]) > 100 {
		errs["naam"] = accountFieldMsg["naam"]
	}
	if in["email"] == "" || len(in["email"]) > 254 {
		errs["email"] = accountFieldMsg["email"]
	}
	orgID, _ := strconv.ParseInt(in["organisatie"], 10, 64)
	var org *region.Organisation
	for _, o := range d.Orgs {
		if o.ID == orgID {
			org = &o
		}
	}
	role := region.Role(in["rol"])
	switch {
	case org == nil:
		errs["organisatie"] = accountFieldMsg["organisatie"]
	case !hasCode(accountRoles, in["rol"]) || !region.RoleAllowed(org.Kind, role):
		errs["rol"] = accountFieldMsg["rol"]
	}
	var fe *region.FieldError
	u := region.User{Name: in["naam"], Email: in["email"], Role: role}
	if len(errs) == 0 {
		// Validate here first with the same constructor the store uses, so that every format
		// error gets its field's message before the store is asked; a FieldError on "email" that
		// the store returns afterwards can then only be its unique constraint.
		u.OrganisationID = org.ID
		if _, err := region.NewUser(u, org.Kind); errors.As(err, &fe) {
			errs[fe.Field] = fieldMsg(fe)
		} else if err != nil {
			return err
		}
	}
	if len(errs) == 0 {
		token, hash := auth.NewToken()
		now := s.now()
		id, err := ac.CreateAccount(ctx, p.Account.RegionID, u, hash, now.Add(SetupLinkValidity), now)
		switch {
		case errors.As(err, &fe) && fe.Field == "email":
			errs["email"] = accountFieldMsg["email-dubbel"]
		case errors.As(err, &fe):
			errs[fe.Field] = fieldMsg(fe)
		case err != nil:
			return fmt.Errorf("account aanmaken: %w", err)
		default:
			// Accounts are not pupil data: the audit trail records processing of pupil data under
			// a purpose and ground of the convenant, so this goes to the log, with ids only.
			s.log.InfoContext(ctx, "account aangemaakt", "door", p.Account.ID, "gebruiker_id", id, "organisatie_id", org.ID, "rol", string(role), "regio_id", p.Account.RegionID)
			nieuw := &setupLink{
				Naam:   u.Name,
				Link:   s.publicBase(r) + "/account-instellen/" + token,
				Geldig: now.Add(SetupLinkValidity).In(s.cfg.Location).Format("02-01-2006 15:04"),
			}
			if d, err = s.accountNewData(ctx, p.Account.RegionID, nil); err != nil {
				return err
			}
			d.Nieuw = nieuw
			w.Header().Set("Cache-Control", "no-store")
			return s.render(w, r, "beheer_account_nieuw", "Nieuw account", d)
		}
	}
	return s.renderForm(w, r, http.StatusBadRequest, "beheer_account_nieuw", "Nieuw account", d, errs)
}

// fieldMsg is the form's B1 message for the field of fe, or else fe's own message.
func fieldMsg(fe *region.FieldError) string {
	if msg, ok := accountFieldMsg[fe.Field]; ok {
		return msg
	}
	return fe.Msg
}

// publicBase is the configured public URL, or else the scheme and host the beheerder used (the
// link is only shown to them, so a spoofed Host header misleads no one else).
func (s *Server) publicBase(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if s.cfg.TLS || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// accountReissueLink (POST /beheer/accounts/{id}/instellink) gives an existing account of the
// beheerder's region a new one-time setup link, for a lost or expired link or a forgotten
// password. The store stops the earlier unused links, clears the password (the old one no longer
// works), and ends the account's sessions. TOTP stays: a lost password is not a lost second
// factor, and keeping it means the link alone does not give access. For a lost phone the
// beheerder also uses "mfa-opnieuw". The link is shown once, on this response only.
func (s *Server) accountReissueLink(w http.ResponseWriter, r *http.Request) error {
	ac, err := s.accountCreator()
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := principalFrom(ctx)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.d.Accounts.Account(ctx, p.Account.RegionID, id)
	if errors.Is(err, auth.ErrNoAccount) {
		return errNotFound
	} else if err != nil {
		return fmt.Errorf("account lezen: %w", err)
	}
	if id == p.Account.ID {
		return &Error{Status: http.StatusConflict, Title: "Niet mogelijk",
			Detail: "U kunt geen nieuwe instellink maken voor uw eigen account. Vraag een andere beheerder van de regio."}
	}
	if !a.Active {
		return &Error{Status: http.StatusConflict, Title: "Dit account staat uit",
			Detail: "Een instellink werkt niet voor een account dat uit staat. Zet het account eerst aan en maak dan een nieuwe instellink."}
	}
	token, hash := auth.NewToken()
	now := s.now()
	if err := ac.ReissueSetupLink(ctx, p.Account.RegionID, id, hash, now.Add(SetupLinkValidity), now); errors.Is(err, auth.ErrNoAccount) {
		return errNotFound
	} else if err != nil {
		return fmt.Errorf("nieuwe instellink maken: %w", err)
	}
	s.log.InfoContext(ctx, "nieuwe instellink gemaakt", "door", p.Account.ID, "gebruiker_id", id, "regio_id", p.Account.RegionID)
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, "beheer_instellink", "Nieuwe instellink", &setupLinkPage{setupLink: setupLink{
		Naam:   a.Name,
		Link:   s.publicBase(r) + "/account-instellen/" + token,
		Geldig: now.Add(SetupLinkValidity).In(s.cfg.Location).Format("02-01-2006 15:04"),
		TOTP:   a.TOTPConfirmed,
	}})
}
