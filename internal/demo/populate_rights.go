package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/rights"
	"github.com/grondslag/grondslag/internal/store"
)

// populateAccessRequests lets a few parents ask for inzage (AVG art. 15) at their child's school,
// one of them three weeks ago, so the zorgcoördinator's list shows a deadline drawing near. Each
// request is stored with its audit entry, the parent as actor.
func populateAccessRequests(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	if ring == nil {
		return nil, nil
	}
	keys, err := ring.Region(res.Region.Code)
	if err != nil {
		return nil, err
	}
	made := 0
	for i := range res.Pupils {
		p := &res.Pupils[i]
		if made == 3 || p.SchoolID == 0 || p.Profile != ProfileThuiszitter || len(p.ParentIDs) == 0 || !p.Gezag[0] {
			continue
		}
		received := today.AddDate(0, 0, -[]int{21, 6, 1}[made])
		req, err := rights.NewRequest(rights.Draft{PupilID: p.ID, ControllerID: p.SchoolID, Requester: rights.Requester{Kind: rights.RequesterParent, ParentID: p.ParentIDs[0]},
			Gezag: true, Received: rights.Today(received.Add(12 * time.Hour))})
		if err != nil {
			return nil, fmt.Errorf("inzageverzoek: %w", err)
		}
		at := today.Add(8*time.Hour + time.Duration(made)*time.Minute)
		trail := func(id int64) ([]audit.Entry, error) {
			op := audit.NewOperationID()
			e, err := audit.NewEntry(audit.Record{Time: at, Actor: audit.Actor{ParentID: p.ParentIDs[0], Role: "ouder"}, Pupil: p.Pseudonym,
				Categories: []string{"inzageverzoek"}, Action: audit.ActionCreate, Purpose: "inzage", LegalGround: "avg-6-1-c", Article: "AVG art. 12 en 15",
				Outcome: audit.Allowed, AccessPoint: audit.AccessUI, RequestID: "inzage-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op,
				Name: "inzage-aanvragen", Start: at, End: at, ProcessingActivity: "urn:grondslag:verwerking:inzage-betrokkene"}, keys)
			return []audit.Entry{e}, err
		}
		if _, err := db.CreateAccessRequest(ctx, res.Region.ID, req, at, trail); err != nil {
			return nil, fmt.Errorf("inzageverzoek opslaan: %w", err)
		}
		made++
	}
	return []Step{{"inzageverzoeken van ouders", made}}, nil
}
