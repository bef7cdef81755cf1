package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/storage"
)

// The parents' portal beyond their child's page: children who turned 18 (gezag ends, BW 1:233;
// the parent's access ends unless the young adult authorises it) are listed on the parent's start
// page with the reason, so that access does not silently disappear.

// ParentPortalDeps are the collaborators of the parents' portal (*store.DB implements Adults).
type ParentPortalDeps struct {
	Adults interface {
		AdultChildren(ctx context.Context, regionID, parentID int64, today civil.Date) ([]auth.AdultChild, error)
	}
	// Pupils are the pupils' own accounts (optional; without it pupils cannot sign in).
	Pupils PupilAccounts
}

// PupilAccounts is what the pupil's own account needs from the store (*store.DB).
type PupilAccounts interface {
	PupilAccount(ctx context.Context, regionID, pupilID int64) (auth.PupilAccount, error)
	PupilAccountsByEmail(ctx context.Context, email string) ([]auth.PupilAccount, error)
	CreatePupilLoginCode(ctx context.Context, regionID, pupilID int64, hash string, expires, now time.Time) error
	UsePupilLoginCode(ctx context.Context, regionID, pupilID int64, hash string, maxAttempts int, now time.Time) (bool, error)
	InvitePupil(ctx context.Context, regionID, pupilID int64, email, by string, now time.Time) error
	AuthoriseParent(ctx context.Context, regionID, pupilID, parentID int64, now time.Time) error
	WithdrawParentAuthorisation(ctx context.Context, regionID, pupilID, parentID int64, now time.Time) error
	ParentNames(ctx context.Context, regionID, pupilID int64) (map[int64]string, error)
	AuthorisedParents(ctx context.Context, regionID, pupilID int64) (map[int64]bool, error)
}

// MountParentPortal adds the parents' portal parts that need the store, and the pupils' own
// sign-in when d.Pupils is set.
func (s *Server) MountParentPortal(d ParentPortalDeps) error {
	s.portal = d
	if d.Pupils != nil {
		s.mountCodeLogin(s.pupilCodeLogin())
		s.page("POST /mijn-ouders/{ouder}", s.requireUser([]string{auth.RoleLeerling}, s.pupilAuthoriseSubmit))
		s.page("POST /toestemmingen/leerling/{id}/uitnodigen", s.requireUser([]string{auth.RoleZorgcoordinator}, s.pupilInviteSubmit))
	}
	return nil
}

// adultChild is a child of 18 or older as the parent's start page shows it.
type adultChild struct {
	PupilID    int64
	FirstName  string
	Since      string
	Authorised bool
	At         string
}

func (s *Server) adultChildren(ctx context.Context, regionID, parentID int64) ([]adultChild, error) {
	if s.portal.Adults == nil {
		return nil, nil
	}
	list, err := s.portal.Adults.AdultChildren(ctx, regionID, parentID, civil.Today(s.now()))
	if err != nil {
		return nil, fmt.Errorf("meerderjarige kinderen lezen: %w", err)
	}
	var out []adultChild
	for _, c := range list {
		a := adultChild{PupilID: c.PupilID, FirstName: c.FirstName, Since: c.Since.Dutch(), Authorised: c.Authorised}
		if c.Authorised {
			a.At = civil.Today(c.AuthorisedAt).Dutch()
		}
		out = append(out, a)
	}
	return out, nil
}

// pupilHome is the start page of a pupil: the consents to answer (from 12, where the rules ask
// the pupil), their own data from 16, and from 18 which parents may still see it.
func (s *Server) pupilHome(w http.ResponseWriter, r *http.Request, p *Principal) error {
	ctx, a := r.Context(), p.Actor()
	age := civil.AgeOn(p.Pupil.BirthDate, civil.Today(s.now()))
	data := &pupilHomePage{Leeftijd: age, ID: a.PupilID, ToestemmingOnline: s.onlineConsent, EigenGegevens: age >= 16, Volwassen: age >= 18}
	if age >= 18 {
		names, err := s.portal.Pupils.ParentNames(ctx, a.RegionID, a.PupilID)
		if err != nil {
			return fmt.Errorf("namen van de ouders lezen: %w", err)
		}
		auth, err := s.portal.Pupils.AuthorisedParents(ctx, a.RegionID, a.PupilID)
		if err != nil {
			return fmt.Errorf("gemachtigde ouders lezen: %w", err)
		}
		for id, name := range names {
			data.Ouders = append(data.Ouders, pupilParent{ID: id, Naam: name, Gemachtigd: auth[id]})
		}
	}
	return s.render(w, r, "start_leerling", "Mijn gegevens", data)
}

// pupilHomePage is the data of start_leerling.html.
type pupilHomePage struct {
	View
	Leeftijd          int
	ID                int64 // the pupil
	ToestemmingOnline bool
	EigenGegevens     bool          // 16 or older: their own data and rights
	Volwassen         bool          // 18 or older: they decide which parents still see it
	Ouders            []pupilParent // from 18
}

// pupilParent is a parent of an adult pupil, and whether the pupil lets them see the data.
type pupilParent struct {
	ID         int64
	Naam       string
	Gemachtigd bool
}

// pupilAuthoriseSubmit: POST /mijn-ouders/{ouder} (actie=machtigen|intrekken) — a young adult
// of 18 or older lets a parent keep seeing the data, or ends that.
func (s *Server) pupilAuthoriseSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	a := p.Actor()
	parentID, err := strconv.ParseInt(r.PathValue("ouder"), 10, 64)
	if err != nil || parentID <= 0 {
		return errNotFound
	}
	names, err := s.portal.Pupils.ParentNames(r.Context(), a.RegionID, a.PupilID)
	if err != nil {
		return fmt.Errorf("namen van de ouders lezen: %w", err)
	}
	if _, ok := names[parentID]; !ok {
		return errNotFound
	}
	switch r.PostFormValue("actie") {
	case "machtigen":
		err = s.portal.Pupils.AuthoriseParent(r.Context(), a.RegionID, a.PupilID, parentID, s.now())
		if errors.Is(err, auth.ErrNotAdult) {
			return &Error{Status: http.StatusConflict, Title: "Nog niet nodig", Detail: "Je bent nog geen 18: je ouders met gezag zien je gegevens al."}
		}
	case "intrekken":
		err = s.portal.Pupils.WithdrawParentAuthorisation(r.Context(), a.RegionID, a.PupilID, parentID, s.now())
	default:
		return badField("actie", "Kies geven of intrekken.")
	}
	if err != nil {
		return fmt.Errorf("machtiging van de ouder intrekken: %w", err)
	}
	http.Redirect(w, r, "/start", http.StatusSeeOther)
	return nil
}

// pupilInviteSubmit: POST /toestemmingen/leerling/{id}/uitnodigen (email) — the school's
// zorgcoördinator gives a pupil of 12 or older an account.
func (s *Server) pupilInviteSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	a := p.Actor()
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rels, err := s.d.Dossiers.PupilRelations(r.Context(), a, id, s.today())
	if err != nil {
		return fmt.Errorf("relaties met de leerling lezen: %w", err)
	}
	enrolled := false
	for _, k := range rels {
		enrolled = enrolled || k == dossier.RelEnrolled
	}
	if !enrolled {
		return errNotFound
	}
	err = s.portal.Pupils.InvitePupil(r.Context(), a.RegionID, id, r.PostFormValue("leerling_email"), "gebruiker:"+itoa(a.UserID), s.now())
	switch {
	case errors.Is(err, auth.ErrTooYoung):
		return &Error{Status: http.StatusUnprocessableEntity, Title: "Nog te jong", Detail: "Een leerling krijgt pas vanaf 12 jaar een eigen account.", Field: "leerling_email", Err: err}
	case errors.Is(err, storage.ErrInvalidInput):
		return badField("leerling_email", "Vul het e-mailadres van de leerling in, zoals naam@voorbeeld.nl.")
	case err != nil:
		return fmt.Errorf("leerling uitnodigen: %w", err)
	}
	http.Redirect(w, r, "/toestemmingen/leerling/"+s.pid(kindPupil, id)+"?uitgenodigd=1", http.StatusSeeOther)
	return nil
}
