package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/rights"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

type accessFixture struct {
	region, region2        int64
	school, school2        int64
	pupil, pupil2          int64
	pseudonym              string
	parent, stepdad, other int64
	zc                     int64
}

func accessIns(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := db.WithTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func accessExec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seedAccess: a pupil at one school with a mother (gezag) and a stepfather (no gezag), a pupil
// at a second school with a parent of its own, and a second region.
func seedAccess(t *testing.T, db *store.DB) accessFixture {
	var f accessFixture
	f.region = accessIns(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('ia', 'Regio A', 'noord', 0)`)
	f.region2 = accessIns(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('ib', 'Regio B', 'zuid', 0)`)
	f.school = accessIns(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'De Linde', '11AA', '00', 'po')`, f.region)
	f.school2 = accessIns(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'Het Anker', '22BB', '00', 'po')`, f.region)
	f.zc = accessIns(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Zorg', 'zc@linde.example', 'zorgcoordinator', 0)`, f.region, f.school)
	f.pseudonym = "pseudo-inzage-leerling-0001"
	pupil := func(ps string) int64 {
		return accessIns(t, db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op)
			VALUES (?, ?, 'bsn', ?, 1, 'Anouk', 'Visser', '2013-05-04', 0)`, f.region, ps, []byte{1})
	}
	f.pupil, f.pupil2 = pupil(f.pseudonym), pupil("pseudo-inzage-leerling-0002")
	accessIns(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '1', '2020-08-01', 'groep 7')`, f.region, f.pupil, f.school)
	accessIns(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '2', '2020-08-01', 'groep 6')`, f.region, f.pupil2, f.school2)
	parent := func(name string) int64 {
		return accessIns(t, db, `INSERT INTO ouder (regio_id, voornaam, achternaam) VALUES (?, ?, 'Visser')`, f.region, name)
	}
	f.parent, f.stepdad, f.other = parent("Olga"), parent("Stef"), parent("Otto")
	accessExec(t, db, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'moeder', 1)`, f.region, f.pupil, f.parent)
	accessExec(t, db, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'pleegouder', 0)`, f.region, f.pupil, f.stepdad)
	accessExec(t, db, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'vader', 1)`, f.region, f.pupil2, f.other)
	return f
}

var testEnc = audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("enc:"), p...), nil })

// accessTrail builds one audit entry naming the pupil, as the web does.
func accessTrail(f accessFixture, parentID, userID int64, action audit.Action, name string) store.AccessTrail {
	return func(id int64) ([]audit.Entry, error) {
		now := time.Now()
		a := audit.Actor{ParentID: parentID, Role: "ouder"}
		if userID != 0 {
			a = audit.Actor{UserID: userID, OrganisationID: f.school, Role: "zorgcoordinator"}
		}
		e, err := audit.NewEntry(audit.Record{Time: now, Actor: a, Pupil: f.pseudonym, Categories: []string{"inzageverzoek"}, Action: action,
			Purpose: "inzage", LegalGround: "avg-6-1-c", Article: "AVG art. 12 en 15", Outcome: audit.Allowed, AccessPoint: audit.AccessUI,
			RequestID: "test-1", TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: name,
			ProcessingActivity: "urn:grondslag:verwerking:inzage-betrokkene"}, testEnc)
		return []audit.Entry{e}, err
	}
}

func newAccess(t *testing.T, f accessFixture, parentID int64, school int64, received string) rights.Request {
	t.Helper()
	day, _ := rights.ParseDate(received)
	r, err := rights.NewRequest(rights.Draft{PupilID: f.pupil, ControllerID: school, Requester: rights.Requester{Kind: rights.RequesterParent, ParentID: parentID}, Gezag: true, Received: day})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func auditCount(t *testing.T, db *store.DB, f accessFixture) int {
	t.Helper()
	ls, err := store.NewAuditStore(db).ForPupil(context.Background(), f.region, f.pseudonym)
	if err != nil {
		t.Fatal(err)
	}
	return len(ls)
}

func TestAccessRequestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedAccess(t, db)
		day := func(s string) rights.Date { d, _ := rights.ParseDate(s); return d }

		if s, err := db.AccessSchool(ctx, f.region, f.pupil, day("2026-01-31")); err != nil || s != f.school {
			t.Fatalf("school of pupil: %d %v", s, err)
		}
		r, err := db.CreateAccessRequest(ctx, f.region, newAccess(t, f, f.parent, f.school, "2026-01-31"), time.Now(), accessTrail(f, f.parent, 0, audit.ActionCreate, "inzage-aanvragen"))
		if err != nil {
			t.Fatal(err)
		}
		if r.ID() == 0 || auditCount(t, db, f) != 1 {
			t.Fatalf("id %d, audit entries %d", r.ID(), auditCount(t, db, f))
		}
		got, err := db.AccessRequest(ctx, f.region, r.ID())
		if err != nil || got.Data() != r.Data() || got.Deadline().String() != "2026-02-28" {
			t.Fatalf("read back: %+v %v", got.Data(), err)
		}
		// A second open request of the same parent is refused; the first one runs.
		if _, err := db.CreateAccessRequest(ctx, f.region, newAccess(t, f, f.parent, f.school, "2026-02-01"), time.Now(), nil); !errors.Is(err, rights.ErrOpenRequest) {
			t.Fatalf("duplicate: %v", err)
		}
		// The school sees it; the other school and the other region do not.
		if open, err := db.OpenAccessRequests(ctx, f.region, f.school); err != nil || len(open) != 1 {
			t.Fatalf("open: %d %v", len(open), err)
		}
		if open, _ := db.OpenAccessRequests(ctx, f.region, f.school2); len(open) != 0 {
			t.Fatal("other school sees the request")
		}
		if _, err := db.AccessRequest(ctx, f.region2, r.ID()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other region: %v", err)
		}

		// Extend once.
		x, err := r.Extend(day("2026-02-10"), 2, "Gegevens bij meerdere partijen")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateAccessRequest(ctx, f.region, x, rights.StatusReceived, f.zc, accessTrail(f, 0, f.zc, audit.ActionUpdate, "inzage-verlengen")); err != nil {
			t.Fatal(err)
		}
		// A second extension from a stale copy (a second tab, another instance) is refused by the store.
		x2, _ := r.Extend(day("2026-02-11"), 1, "nogmaals")
		if err := db.UpdateAccessRequest(ctx, f.region, x2, rights.StatusReceived, f.zc, accessTrail(f, 0, f.zc, audit.ActionUpdate, "inzage-verlengen")); !errors.Is(err, rights.ErrAlreadyExtended) {
			t.Fatalf("stale extension: %v", err)
		}
		got, _ = db.AccessRequest(ctx, f.region, r.ID())
		if got.Status() != rights.StatusExtended || got.Deadline().String() != "2026-04-30" || got.Data().ExtensionReason != "Gegevens bij meerdere partijen" {
			t.Fatalf("extended: %+v", got.Data())
		}
		if _, err := got.Extend(day("2026-02-12"), 1, "x"); !errors.Is(err, rights.ErrAlreadyExtended) {
			t.Fatalf("domain second extension: %v", err)
		}
		// Handle.
		h, err := got.Handle(day("2026-03-01"), rights.OutcomeGranted, "Kopie gegeven")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateAccessRequest(ctx, f.region, h, rights.StatusExtended, f.zc, accessTrail(f, 0, f.zc, audit.ActionUpdate, "inzage-afgehandeld")); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateAccessRequest(ctx, f.region, h, rights.StatusExtended, f.zc, nil); !errors.Is(err, rights.ErrAlreadyHandled) {
			t.Fatalf("handle twice: %v", err)
		}
		if open, _ := db.OpenAccessRequests(ctx, f.region, f.school); len(open) != 0 {
			t.Fatal("handled request still open")
		}
		all, err := db.AccessRequestsOfPupil(ctx, f.region, f.pupil)
		if err != nil || len(all) != 1 || all[0].Status() != rights.StatusHandled || all[0].Data().HandledNote != "Kopie gegeven" {
			t.Fatalf("of pupil: %v %+v", err, all)
		}
		// create + extend + handle: three entries; the refused changes wrote none.
		if n := auditCount(t, db, f); n != 3 {
			t.Fatalf("audit entries: %d", n)
		}
		// Handled: the parent may ask again.
		if _, err := db.CreateAccessRequest(ctx, f.region, newAccess(t, f, f.parent, f.school, "2026-03-02"), time.Now(), nil); err != nil {
			t.Fatalf("new request after handling: %v", err)
		}
	})
}

func TestAccessRequestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedAccess(t, db)
		// No gezag, no relation at all, the wrong school: refused, nothing written.
		for name, r := range map[string]rights.Request{
			"stiefouder zonder gezag":  newAccess(t, f, f.stepdad, f.school, "2026-01-31"),
			"ouder van een ander kind": newAccess(t, f, f.other, f.school, "2026-01-31"),
			"andere school":            newAccess(t, f, f.parent, f.school2, "2026-01-31"),
			"voor de inschrijving":     newAccess(t, f, f.parent, f.school, "2019-01-31"),
		} {
			if _, err := db.CreateAccessRequest(ctx, f.region, r, time.Now(), accessTrail(f, f.parent, 0, audit.ActionCreate, "inzage-aanvragen")); !errors.Is(err, rights.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		// The region is part of every reference: the pupil does not exist in region 2.
		if _, err := db.CreateAccessRequest(ctx, f.region2, newAccess(t, f, f.parent, f.school, "2026-01-31"), time.Now(), nil); err == nil {
			t.Error("cross-region request stored")
		}
		// A failing audit trail rolls the request back: no request without its entry.
		boom := errors.New("sleutel weg")
		_, err := db.CreateAccessRequest(ctx, f.region, newAccess(t, f, f.parent, f.school, "2026-01-31"), time.Now(), func(int64) ([]audit.Entry, error) { return nil, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("trail error: %v", err)
		}
		if all, _ := db.AccessRequestsOfPupil(ctx, f.region, f.pupil); len(all) != 0 || auditCount(t, db, f) != 0 {
			t.Fatalf("rolled back request left %d requests, %d entries", len(all), auditCount(t, db, f))
		}
		// The schema refuses what the rules refuse, also for writers that bypass the domain.
		if _, err := db.Exec(ctx, `INSERT INTO inzageverzoek (regio_id, leerling_id, school_id, aanvrager, ontvangen_op, termijn, status, verlengd_maanden, verlenging_reden, aangemaakt_op)
			VALUES (?, ?, ?, 'leerling', '2026-01-31', '2026-05-31', 'verlengd', 3, 'x', 0)`, f.region, f.pupil, f.school); err == nil {
			t.Error("three months' extension accepted by the schema")
		}
		if _, err := db.Exec(ctx, `INSERT INTO inzageverzoek (regio_id, leerling_id, school_id, aanvrager, ontvangen_op, termijn, status, aangemaakt_op)
			VALUES (?, ?, ?, 'ouder', '2026-01-31', '2026-02-28', 'ontvangen', 0)`, f.region, f.pupil, f.school); err == nil {
			t.Error("parent request without parent accepted by the schema")
		}
	})
}

// TestAccessRequestByPupil: a pupil of 16 or older asks himself; the request names no parent,
// and his open request does not block a parent's (nor the other way round).
func TestAccessRequestByPupil(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedAccess(t, db)
		received, _ := rights.ParseDate("2030-06-01")
		born, _ := rights.ParseDate("2013-05-04")
		own, err := rights.NewRequest(rights.Draft{PupilID: f.pupil, ControllerID: f.school, Requester: rights.Requester{Kind: rights.RequesterPupil},
			PupilBirthDate: born, Received: received})
		if err != nil {
			t.Fatal(err)
		}
		// Pupils have no login yet: the school records the pupil's letter, so the actor is its user.
		stored, err := db.CreateAccessRequest(ctx, f.region, own, time.Now(), accessTrail(f, 0, f.zc, audit.ActionCreate, "inzage-aanvragen"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.AccessRequest(ctx, f.region, stored.ID())
		if err != nil || got.Data().Requester != (rights.Requester{Kind: rights.RequesterPupil}) {
			t.Fatalf("read back: %+v %v", got.Data(), err)
		}
		if _, err := db.CreateAccessRequest(ctx, f.region, own, time.Now(), nil); !errors.Is(err, rights.ErrOpenRequest) {
			t.Fatalf("second own request: %v", err)
		}
		if _, err := db.CreateAccessRequest(ctx, f.region, newAccess(t, f, f.parent, f.school, "2030-06-01"), time.Now(), nil); err != nil {
			t.Fatalf("parent's request beside the pupil's: %v", err)
		}
	})
}
