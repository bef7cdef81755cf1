package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/region"
)

// Admin is what the beheerder's pages need from the store: accounts on and off, a second factor
// reset for a lost phone, and API clients of the region's organisations.
type Admin interface {
	SetAccountActive(ctx context.Context, regionID, userID int64, active bool) error
	ResetMFA(ctx context.Context, regionID, userID int64, now time.Time) error
	APIClients(ctx context.Context, regionID int64) ([]auth.APIClient, error)
	CreateAPIClient(ctx context.Context, c auth.APIClient, tokenHash string, now time.Time) (int64, error)
	RevokeAPIClient(ctx context.Context, regionID, id int64, now time.Time) error
	Organisations(ctx context.Context, regionID int64) ([]region.Organisation, error)
}

// apiScopes are the scopes the beheerder can grant, with a Dutch explanation.
var apiScopes = func() []Code {
	var out []Code
	for _, sc := range auth.Scopes {
		out = append(out, Code{Code: sc.Name, Label: sc.Name + ": " + sc.Allows})
	}
	return out
}()

func (s *Server) admin() (Admin, error) {
	if s.d.Admin == nil {
		return nil, errNotFound
	}
	return s.d.Admin, nil
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	accs, err := s.d.Accounts.Accounts(r.Context(), p.Account.RegionID)
	if err != nil {
		return fmt.Errorf("accounts van de regio lezen: %w", err)
	}
	return s.render(w, r, "accounts", "Accounts", &accountsPage{Accounts: accs, Beheer: s.d.Admin != nil, Zelf: p.Account.ID})
}

// accountsPage is the data of accounts.html.
type accountsPage struct {
	View
	Accounts []auth.Account
	Beheer   bool  // accounts can be made and changed here
	Zelf     int64 // the beheerder's own account (not switched off from here)
}

// clientsPage is the data of api_clients.html.
type clientsPage struct {
	View
	Clients []auth.APIClient
	Orgs    []region.Organisation
	Scopes  []Code
	Rollen  []Code
	Naam    string // the name typed, after a refused form
	Token   string // the new client's token, shown once
}

func (s *Server) accountActive(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.admin()
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if id == p.Account.ID {
		return &Error{Status: http.StatusConflict, Title: "Niet mogelijk", Detail: "U kunt uw eigen account niet uitzetten."}
	}
	active := r.PostFormValue("actief") == "ja"
	if err := adm.SetAccountActive(r.Context(), p.Account.RegionID, id, active); errors.Is(err, auth.ErrNoAccount) {
		return errNotFound
	} else if err != nil {
		return fmt.Errorf("account aan- of uitzetten: %w", err)
	}
	s.log.InfoContext(r.Context(), "account gewijzigd", "door", p.Account.ID, "gebruiker_id", id, "actief", active)
	http.Redirect(w, r, "/beheer/accounts", http.StatusSeeOther)
	return nil
}

func (s *Server) accountResetMFA(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.admin()
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := adm.ResetMFA(r.Context(), p.Account.RegionID, id, s.now()); errors.Is(err, auth.ErrNoAccount) {
		return errNotFound
	} else if err != nil {
		return fmt.Errorf("tweestapsverificatie terugzetten: %w", err)
	}
	s.log.InfoContext(r.Context(), "tweestapsverificatie teruggezet", "door", p.Account.ID, "gebruiker_id", id)
	http.Redirect(w, r, "/beheer/accounts", http.StatusSeeOther)
	return nil
}

func (s *Server) clientData(ctx context.Context, regionID int64) (*clientsPage, error) {
	adm, err := s.admin()
	if err != nil {
		return nil, err
	}
	clients, err := adm.APIClients(ctx, regionID)
	if err != nil {
		return nil, fmt.Errorf("api-clients lezen: %w", err)
	}
	orgs, err := adm.Organisations(ctx, regionID)
	if err != nil {
		return nil, fmt.Errorf("organisaties van de regio lezen: %w", err)
	}
	return &clientsPage{Clients: clients, Orgs: orgs, Scopes: apiScopes, Rollen: s.vocabOf(principalFrom(ctx)).Roles}, nil
}

func (s *Server) clientList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	d, err := s.clientData(r.Context(), p.Account.RegionID)
	if err != nil {
		return err
	}
	return s.render(w, r, "api_clients", "API-clients", d)
}

func (s *Server) clientCreate(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.admin()
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	ctx := r.Context()
	errs := map[string]string{}
	name := strings.TrimSpace(r.PostFormValue("naam"))
	if name == "" || len(name) > 100 {
		errs["naam"] = "Geef de client een naam, bijvoorbeeld de naam van het systeem."
	}
	orgID, _ := strconv.ParseInt(r.PostFormValue("organisatie"), 10, 64)
	orgs, err := adm.Organisations(ctx, p.Account.RegionID)
	if err != nil {
		return fmt.Errorf("organisaties van de regio lezen: %w", err)
	}
	var org *region.Organisation
	for i := range orgs {
		if orgs[i].ID == orgID {
			org = &orgs[i]
		}
	}
	if org == nil {
		errs["organisatie"] = "Kies de organisatie van de client."
	}
	party, role, ok := partyRole(s.vocabOf(p), r.PostFormValue("rol"))
	if !ok || (org != nil && party != org.Party()) {
		errs["rol"] = "Kies een rol die bij de partij van de organisatie hoort."
	}
	var scopes []string
	for _, sc := range r.PostForm["scope"] {
		if hasCode(apiScopes, sc) && !contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		errs["scope"] = "Kies ten minste één bevoegdheid."
	}
	if len(errs) > 0 {
		d, err := s.clientData(ctx, p.Account.RegionID)
		if err != nil {
			return err
		}
		d.Naam = name
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "api_clients", "API-clients", d, errs)
	}
	token, hash := auth.NewAPIToken()
	if _, err := adm.CreateAPIClient(ctx, auth.APIClient{RegionID: p.Account.RegionID, OrgID: org.ID, Name: name, Role: role, Scopes: scopes}, hash, s.now()); err != nil {
		return fmt.Errorf("api-client aanmaken: %w", err)
	}
	s.log.InfoContext(ctx, "api-client aangemaakt", "door", p.Account.ID, "organisatie_id", org.ID)
	d, err := s.clientData(ctx, p.Account.RegionID)
	if err != nil {
		return err
	}
	d.Token = token
	return s.render(w, r, "api_clients", "API-clients", d)
}

func (s *Server) clientRevoke(w http.ResponseWriter, r *http.Request) error {
	adm, err := s.admin()
	if err != nil {
		return err
	}
	p := principalFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := adm.RevokeAPIClient(r.Context(), p.Account.RegionID, id, s.now()); err != nil {
		return fmt.Errorf("api-client intrekken: %w", err)
	}
	s.log.InfoContext(r.Context(), "api-client ingetrokken", "door", p.Account.ID, "client_id", id)
	http.Redirect(w, r, "/beheer/api-clients", http.StatusSeeOther)
	return nil
}
