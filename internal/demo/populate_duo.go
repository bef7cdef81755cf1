package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/duo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// The demo's exchange with DUO, so that every path shows: the school sends its first melding that
// leerplicht does not take in behandeling in Grondslag to DUO, and DUO's status comes back
// (in behandeling, set by the gemeente at DUO); the next such melding DUO refuses (afgewezen),
// which shows in the melding's history with an error status and in the log. Through the port's
// fake DUO (internal/duo), numbered from VZM90000001 so the demo server's own fake, which starts
// at VZM00000001, never gives a number twice. The kenmerk is GS-DEMO-<id> (the server's is the
// public id; DUO's answers here come by number).
type demoDUO struct {
	fake            *duo.Fake
	keys            *ident.RegionKeys
	sent, refused   int64 // the meldingen that went to DUO and that DUO refused (0: not yet)
	brin, vestiging map[int64]string
}

func newDemoDUO(res *Result, keys *ident.RegionKeys) *demoDUO {
	f := duo.NewFake()
	f.StartAt(90000001)
	d := &demoDUO{fake: f, keys: keys, brin: map[int64]string{}, vestiging: map[int64]string{}}
	for _, o := range res.Orgs {
		d.brin[o.ID], d.vestiging[o.ID] = o.BRIN, o.Vestiging
	}
	return d
}

// exchange sends the melding id to DUO when the demo still lacks a sent or a refused one: the
// first melding leerplicht does not take in behandeling in Grondslag goes through, the first
// other one DUO refuses (refused: the caller then leaves it geregistreerd). It returns the number
// of audit entries written.
func (d *demoDUO) exchange(ctx context.Context, db *store.DB, res *Result, trails *trailMaker, id int64, m plannedMelding) (entries int, refused bool, err error) {
	send := d.sent == 0 && !m.inProgress
	if !send && d.refused != 0 || d.brin[m.pupil.SchoolID] == "" {
		return 0, false, nil
	}
	n, err := d.exchangeOne(ctx, db, res, trails, id, m, !send)
	return n, !send && err == nil, err
}

func (d *demoDUO) exchangeOne(ctx context.Context, db *store.DB, res *Result, trails *trailMaker, id int64, m plannedMelding, refuse bool) (int, error) {
	kind, number, err := db.PupilNumber(ctx, res.Region.ID, m.pupil.ID, d.keys)
	if err != nil {
		return 0, fmt.Errorf("persoonsgebonden nummer: %w", err)
	}
	doc, err := absence.NewDocument(m.melding, string(kind), number)
	if err != nil {
		return 0, err
	}
	ref := fmt.Sprintf("GS-DEMO-%d", id)
	if refuse {
		d.fake.Refuse(ref, absence.NewDUORefusal(absence.RefusalRejected, "VZ-107", "De leslocatie (BRIN en vestiging) hoort niet bij het bevoegd gezag dat meldt; controleer de vestiging en meld opnieuw."))
	}
	at := m.reported.Add(10 * time.Minute)
	_, err = d.fake.Submit(ctx, absence.Submission{Reference: ref, BRIN: d.brin[m.pupil.SchoolID], Vestiging: d.vestiging[m.pupil.SchoolID], Document: doc, At: at})
	if r, ok := absence.RefusalOf(err); ok && refuse {
		if err := db.RecordDUORefusal(ctx, res.Region.ID, id, d.fake.Channel(), r, at, trails.duoTrail(m.pupil, at, "verzuimmelding-naar-duo (fake-duo) · afgewezen door duo", audit.ActionShare, r.Kind.AuditCode())); err != nil {
			return 0, err
		}
		d.refused = id
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("melding naar de nep-DUO: %w", err)
	}
	rep, err := d.fake.Status(ctx, absence.StatusQuery{Reference: ref})
	if err != nil {
		return 0, err
	}
	if err := db.RecordDUOSubmission(ctx, res.Region.ID, id, d.fake.Channel(), rep.DUONumber, at, trails.duoTrail(m.pupil, at, "verzuimmelding-naar-duo (fake-duo) · DUO "+rep.DUONumber, audit.ActionShare, "")); err != nil {
		return 0, err
	}
	// The gemeente takes it in behandeling at DUO; the school takes DUO's status over.
	back := at.Add(30 * time.Minute)
	if err := d.fake.Handle(rep.DUONumber, absence.StatusInProgress, "", "", "leerplicht@gemeente.demo.grondslag.test", back); err != nil {
		return 0, err
	}
	if rep, err = d.fake.Status(ctx, absence.StatusQuery{DUONumber: rep.DUONumber}); err != nil {
		return 0, err
	}
	if _, _, err := db.ApplyDUOStatus(ctx, res.Region.ID, id, rep, back, trails.duoTrail(m.pupil, back, "verzuimmelding-status-van-duo", audit.ActionUpdate, "")); err != nil {
		return 0, err
	}
	d.sent = id
	return 2, nil
}

// duoTrail is the school's record of an exchange with DUO about the pupil's melding: the
// provision of the melding (to leerplicht, through DUO), DUO as the foreign party; failure is the
// code when DUO refused (Logboek status_code 2).
func (t *trailMaker) duoTrail(p *PupilRef, at time.Time, name string, action audit.Action, failure string) store.MeldingTrail {
	if t.keys == nil {
		return nil
	}
	return func(id int64) ([]audit.Entry, error) {
		zc := t.account(p.SchoolID, region.RoleZorgcoordinator)
		r, err := t.record(zc, policy.Request{Actor: policy.Actor{Party: "school", Role: string(region.RoleZorgcoordinator)}, Action: policy.Disclose, Category: "verzuim", Purpose: "handhaving-leerplicht",
			Recipient: policy.Actor{Party: "gemeente", Role: string(region.RoleLeerplicht)}, Context: policy.Context{DUOMelding: true}}, action, audit.AccessUI, name, at)
		if err != nil {
			return nil, err
		}
		r.Pupil, r.Melding, r.Failure = p.Pseudonym, fmt.Sprintf("verzuimmelding:%d", id), failure
		// DUO is another controller: its operation lies in its own trace (CheckLogboek refuses a
		// foreign operation in the own trace), as the web's exchange records it.
		r.Foreign = &audit.ForeignOperation{TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Entity: "https://duo.nl/verzuimregister"}
		log := access.Entries{Enc: t.keys}
		err = log.Append(context.Background(), t.res.Region.ID, r)
		return log.List, err
	}
}

// count is the number of meldingen the demo exchanged with DUO.
func (d *demoDUO) count() int {
	n := 0
	for _, id := range []int64{d.sent, d.refused} {
		if id != 0 {
			n++
		}
	}
	return n
}
