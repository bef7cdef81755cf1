package web

import (
	"context"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/store"
)

// The parents' portal beyond their child's page: children who turned 18 (gezag ends, BW 1:233;
// the parent's access ends unless the young adult authorises it) are listed on the parent's start
// page with the reason, so that access does not silently disappear.

// ParentPortalDeps are the collaborators of the parents' portal (*store.DB implements Adults).
type ParentPortalDeps struct {
	Adults interface {
		AdultChildren(ctx context.Context, regionID, parentID int64, today civil.Date) ([]store.AdultChild, error)
	}
}

// MountParentPortal adds the parents' portal parts that need the store.
func (s *Server) MountParentPortal(d ParentPortalDeps) error {
	s.portal = d
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
		return nil, err
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
