package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestExemptionRequestStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedRegion(t, db, "regio-a", newRing(t))
		cal, _ := absence.DefaultCalendar(absence.Middle)
		r, err := absence.NewExemptionRequest(cal, absence.ExemptionRequest{Kind: absence.Exempt5a, Requester: absence.RequesterParent, RequesterName: "Mevrouw De Vries",
			Received: mustD(t, "2025-09-10"), From: mustD(t, "2025-09-15"), Reason: "Langdurig ziek; kan geen onderwijs volgen.",
			Documents: []absence.RequestDocument{{Kind: absence.DocStatement7, Issuer: "jeugdarts GGD", Date: mustD(t, "2025-09-01")}}})
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.CreateExemptionRequest(ctx, f.reg.ID, f.pupil, r, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ExemptionRequests(ctx, f.reg.ID, f.pupil)
		if err != nil || len(got) != 1 || got[0].RequesterName != "Mevrouw De Vries" || len(got[0].Documents) != 1 || got[0].Decision != nil {
			t.Fatalf("%+v %v", got, err)
		}
		// Free text is sealed: not in the table in clear.
		var raw string
		db.QueryRow(ctx, "SELECT reden FROM vrijstelling_aanvraag WHERE id = ?", id).Scan(&raw)
		if strings.Contains(raw, "Langdurig") {
			t.Fatal("the reason is stored in clear")
		}
		dec := absence.ExemptionDecision{Outcome: absence.Granted, On: mustD(t, "2025-09-20"), Reasons: "Verklaring jeugdarts: niet in staat tot schoolbezoek.",
			DecidedBy: "J. Jansen, leerplichtambtenaar", From: mustD(t, "2025-09-22"), To: mustD(t, "2026-07-31")}
		s, err := db.DecideExemptionRequest(ctx, f.reg.ID, id, dec, now, nil)
		if err != nil || s.ExemptionID == 0 {
			t.Fatalf("%+v %v", s, err)
		}
		if _, err := db.DecideExemptionRequest(ctx, f.reg.ID, id, dec, now, nil); !errors.Is(err, absence.ErrRequest) {
			t.Fatalf("decided twice: %v", err)
		}
		ex, err := db.Exemptions(ctx, f.reg.ID, f.pupil)
		if err != nil || len(ex) != 1 || ex[0].Kind != absence.Exempt5a || ex[0].From != dec.From {
			t.Fatalf("exemption from the decision: %+v %v", ex, err)
		}
		one, err := db.ExemptionRequest(ctx, f.reg.ID, id)
		if err != nil || one.Decision == nil || one.Decision.Reasons != dec.Reasons || one.Article() != "Leerplichtwet 1969 art. 5 sub a jo. art. 7" {
			t.Fatalf("%+v %v", one, err)
		}
		g := seedRegion(t, db, "regio-b", newRing(t))
		if _, err := db.ExemptionRequest(ctx, g.reg.ID, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other region: %v", err)
		}
	})
}
