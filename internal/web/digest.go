package web

import (
	"context"
	"net/http"

	"github.com/grondslag/grondslag/internal/auth"
)

// DigestSettings stores whether a professional gets the daily digest of his work lists by
// e-mail (counts and a link, never a pupil; internal/notice digest.go).
type DigestSettings interface {
	DigestOn(ctx context.Context, regionID, userID int64) (bool, error)
	SetDigest(ctx context.Context, regionID, userID int64, on bool) error
}

// digestRoles are the roles with work lists that name pupils or cases (the directeur's counts
// need no mail; the FG and beheerder have no work list).
func digestRole(role string) bool {
	for _, s := range roleWork[role] {
		if !s.CountOnly && role != auth.RoleOuder {
			return true
		}
	}
	return false
}

// PartyOfOrgKind is the convenant party of an organisation kind (the onderwijsconsulenten work
// for the SWV).
func PartyOfOrgKind(kind string) string { return party(kind) }

// setDigest turns the daily digest on or off (POST /start/overzicht, aan=1 or absent).
func (s *Server) setDigest(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	if s.d.Digest == nil || p.Account.ID == 0 || !digestRole(p.Account.Role) {
		return errNotFound
	}
	on := r.PostFormValue("aan") == "1"
	if err := s.d.Digest.SetDigest(r.Context(), p.Account.RegionID, p.Account.ID, on); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "dagelijks overzicht ingesteld", "gebruiker_id", p.Account.ID, "aan", on)
	http.Redirect(w, r, "/start", http.StatusSeeOther)
	return nil
}
