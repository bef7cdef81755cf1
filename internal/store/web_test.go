package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// webFixture is two regions with a school, a gemeente, users, pupils and a parent, inserted with
// plain SQL so that these tests depend only on migration 0001.
type webFixture struct {
	r1, r2                  int64
	school1, school2, gem1  int64
	zc1, lpa1, zcOther      int64
	pupilA, pupilB, pupilR2 int64
	parentA                 int64
}

func webExec(t *testing.T, db *store.DB, q string, args ...any) int64 {
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

func newWebFixture(t *testing.T, db *store.DB) webFixture {
	var f webFixture
	f.r1 = webExec(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('r1', 'Regio Een', 'noord', 0)`)
	f.r2 = webExec(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('r2', 'Regio Twee', 'zuid', 0)`)
	f.gem1 = webExec(t, db, `INSERT INTO organisatie (regio_id, soort, naam, cbs_code) VALUES (?, 'gemeente', 'Gemeente Een', 'GM0001')`, f.r1)
	f.school1 = webExec(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'De Linde', '11AA', '00', 'po')`, f.r1)
	f.school2 = webExec(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'Het Anker', '22BB', '00', 'po')`, f.r1)
	schoolR2 := webExec(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'Zuiderschool', '33CC', '00', 'vo')`, f.r2)
	f.zc1 = webExec(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Zorg Een', 'zc@linde.example', 'zorgcoordinator', 0)`, f.r1, f.school1)
	f.lpa1 = webExec(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Leer Plicht', 'lpa@gemeente.example', 'leerplicht', 0)`, f.r1, f.gem1)
	f.zcOther = webExec(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Zorg Zuid', 'zc@linde.example', 'zorgcoordinator', 0)`, f.r2, schoolR2)
	pupil := func(r int64, n, first string) int64 {
		return webExec(t, db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, aangemaakt_op) VALUES (?, ?, 'bsn', ?, 1, ?, 'Jansen', '2014-03-01', 0)`, r, n, []byte{1}, first)
	}
	f.pupilA, f.pupilB, f.pupilR2 = pupil(f.r1, "psA", "Anna"), pupil(f.r1, "psB", "Bram"), pupil(f.r2, "psC", "Cas")
	webExec(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '1', '2020-08-01', 'groep 7')`, f.r1, f.pupilA, f.school1)
	webExec(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '2', '2020-08-01', 'groep 7')`, f.r1, f.pupilB, f.school2)
	// Bram left school1 last year: that old enrolment is no relation any more.
	webExec(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, tot, leerjaar) VALUES (?, ?, ?, '9', '2018-08-01', '2020-07-31', 'groep 5')`, f.r1, f.pupilB, f.school1)
	webExec(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '3', '2020-08-01', 'vmbo 1')`, f.r2, f.pupilR2, schoolR2)
	f.parentA = webExec(t, db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Petra', 'Jansen', 'Petra@thuis.example')`, f.r1)
	noGezag := webExec(t, db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email) VALUES (?, 'Piet', 'Jansen', 'piet@thuis.example')`, f.r1)
	ctx := context.Background()
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'moeder', 1)`, f.r1, f.pupilA, f.parentA); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'vader', 0)`, f.r1, f.pupilA, noGezag)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestWebAccountsAndCredentials(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.UnixMilli(1_800_000_000_000)
		accs, err := db.AccountsByEmail(ctx, " ZC@Linde.example")
		if err != nil || len(accs) != 2 {
			t.Fatalf("accounts by email: %v %d", err, len(accs))
		}
		a := accs[0]
		if a.RegionID != f.r1 || a.OrgKind != "school" || a.OrgName != "De Linde" || a.PasswordHash != "" || a.MFAEnrolled() || !a.Active {
			t.Fatalf("account %+v", a)
		}
		if err := db.SetPasswordHash(ctx, f.r1, f.zc1, "$argon2id$x", now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetTOTP(ctx, f.r1, f.zc1, []byte("sealed"), false, now); err != nil {
			t.Fatal(err)
		}
		a, err = db.Account(ctx, f.r1, f.zc1)
		if err != nil || a.PasswordHash != "$argon2id$x" || string(a.TOTPSealed) != "sealed" || a.TOTPConfirmed {
			t.Fatalf("account after set: %+v %v", a, err)
		}
		// Cross-region: the user id of region 1 is not found in region 2.
		if _, err := db.Account(ctx, f.r2, f.zc1); err != auth.ErrNoAccount {
			t.Fatalf("cross-region account: %v", err)
		}
		ok, err := db.UseTOTPStep(ctx, f.r1, f.zc1, 100, now)
		if err != nil || !ok {
			t.Fatal("first step refused", err)
		}
		if ok, _ := db.UseTOTPStep(ctx, f.r1, f.zc1, 100, now); ok {
			t.Fatal("replayed step accepted")
		}
		if ok, _ := db.UseTOTPStep(ctx, f.r1, f.zc1, 99, now); ok {
			t.Fatal("older step accepted")
		}
		a, _ = db.Account(ctx, f.r1, f.zc1)
		if !a.TOTPConfirmed || a.TOTPLastStep != 100 {
			t.Fatalf("confirmed: %+v", a)
		}
		if err := db.ReplaceRecoveryCodes(ctx, f.r1, f.zc1, []string{"h1", "h2"}, now); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.UseRecoveryCode(ctx, f.r1, f.zc1, "h1", now); !ok {
			t.Fatal("recovery code refused")
		}
		if ok, _ := db.UseRecoveryCode(ctx, f.r1, f.zc1, "h1", now); ok {
			t.Fatal("recovery code used twice")
		}
		if ok, _ := db.UseRecoveryCode(ctx, f.r2, f.zc1, "h2", now); ok {
			t.Fatal("recovery code across regions")
		}
		if n, _ := db.RecoveryCodesLeft(ctx, f.r1, f.zc1); n != 1 {
			t.Fatalf("left %d", n)
		}
		list, err := db.Accounts(ctx, f.r1)
		if err != nil || len(list) != 2 || list[0].PasswordHash != "" || list[0].TOTPSealed != nil {
			t.Fatalf("accounts list: %v %+v", err, list)
		}
	})
}

func TestWebSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.UnixMilli(1_800_000_000_000)
		tok, s := auth.NewSession(f.r1, f.zc1, 0, auth.StageMFA, now)
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := db.Session(ctx, auth.HashToken(tok))
		if err != nil || got.UserID != f.zc1 || got.Stage != auth.StageMFA || got.CSRF != s.CSRF || !got.Created.Equal(now) {
			t.Fatalf("session: %+v %v", got, err)
		}
		tok2, s2 := auth.NewSession(f.r1, f.zc1, 0, auth.StageActive, now)
		if err := db.RotateSession(ctx, s.IDHash, s2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, auth.HashToken(tok)); err != store.ErrNoSession {
			t.Fatalf("old session after rotation: %v", err)
		}
		if err := db.SetSessionPurpose(ctx, s2.IDHash, "signalering"); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchSession(ctx, s2.IDHash, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Session(ctx, auth.HashToken(tok2))
		if got.Purpose != "signalering" || !got.LastSeen.Equal(now.Add(time.Minute)) {
			t.Fatalf("after touch: %+v", got)
		}
		_, ps := auth.NewSession(f.r1, 0, f.parentA, auth.StageActive, now)
		if err := db.CreateSession(ctx, ps); err != nil {
			t.Fatal(err)
		}
		// A session must name exactly one of user or parent.
		_, bad := auth.NewSession(f.r1, 0, 0, auth.StageActive, now)
		if err := db.CreateSession(ctx, bad); err == nil {
			t.Fatal("session without user or parent stored")
		}
		// A user of region 1 cannot hold a session in region 2.
		_, cross := auth.NewSession(f.r2, f.zc1, 0, auth.StageActive, now)
		if err := db.CreateSession(ctx, cross); err == nil {
			t.Fatal("cross-region session stored")
		}
		n, err := db.DeleteExpiredSessions(ctx, now.Add(-time.Hour), now.Add(30*time.Second))
		if err != nil || n != 1 { // the parent's session was idle since now
			t.Fatalf("expired: %d %v", n, err)
		}
		if err := db.DeleteSession(ctx, s2.IDHash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, s2.IDHash); err != store.ErrNoSession {
			t.Fatal("deleted session still there")
		}
	})
}

func TestWebThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.UnixMilli(1_800_000_000_000)
		key := auth.AccountKey(1, "a@b.nl")
		for i := 1; i <= 3; i++ {
			locked, err := db.ThrottleFail(ctx, key, 3, 15*time.Minute, 10*time.Minute, now.Add(time.Duration(i)*time.Second))
			if err != nil || locked != (i == 3) {
				t.Fatalf("fail %d: locked=%v err=%v", i, locked, err)
			}
		}
		if l, _ := db.ThrottleLocked(ctx, []string{"adres:x", key}, now.Add(time.Minute)); !l {
			t.Fatal("not locked")
		}
		if l, _ := db.ThrottleLocked(ctx, []string{key}, now.Add(11*time.Minute)); l {
			t.Fatal("still locked after the lock time")
		}
		// Reset does not lift an active lock.
		db.ThrottleReset(ctx, key)
		if l, _ := db.ThrottleLocked(ctx, []string{key}, now.Add(time.Minute)); !l {
			t.Fatal("reset lifted a lock")
		}
		// Failures outside the window start a new count.
		other := auth.AddressKey("10.0.0.1")
		db.ThrottleFail(ctx, other, 2, time.Minute, time.Minute, now)
		if locked, _ := db.ThrottleFail(ctx, other, 2, time.Minute, time.Minute, now.Add(2*time.Minute)); locked {
			t.Fatal("failure outside the window counted")
		}
		if locked, _ := db.ThrottleFail(ctx, other, 2, time.Minute, time.Minute, now.Add(2*time.Minute+time.Second)); !locked {
			t.Fatal("second failure in window did not lock")
		}
	})
}

func TestWebLoginCodesAndClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.UnixMilli(1_800_000_000_000)
		ps, err := db.ParentsByEmail(ctx, "petra@THUIS.example")
		if err != nil || len(ps) != 1 || ps[0].ID != f.parentA {
			t.Fatalf("parents: %v %+v", err, ps)
		}
		if es, err := db.ParentEmailsWithGezag(ctx, f.r1, 5); err != nil || len(es) != 1 || es[0] != "Petra@thuis.example" {
			t.Fatalf("parent emails with gezag: %v %v", es, err)
		}
		if ps, _ := db.ParentsByEmail(ctx, "piet@thuis.example"); len(ps) != 0 {
			t.Fatal("parent without gezag gets a login")
		}
		_, h := auth.NewLoginCode()
		if err := db.CreateLoginCode(ctx, f.r1, f.parentA, h, now.Add(10*time.Minute), now); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.UseLoginCode(ctx, f.r1, f.parentA, "wrong", 3, now); ok {
			t.Fatal("wrong code accepted")
		}
		if ok, _ := db.UseLoginCode(ctx, f.r1, f.parentA, h, 3, now.Add(11*time.Minute)); ok {
			t.Fatal("expired code accepted")
		}
		_, h = auth.NewLoginCode()
		db.CreateLoginCode(ctx, f.r1, f.parentA, h, now.Add(10*time.Minute), now)
		if ok, _ := db.UseLoginCode(ctx, f.r1, f.parentA, h, 3, now); !ok {
			t.Fatal("right code refused")
		}
		if ok, _ := db.UseLoginCode(ctx, f.r1, f.parentA, h, 3, now); ok {
			t.Fatal("code used twice")
		}
		// Attempts are limited: after 3 wrong tries the right code is refused.
		_, h = auth.NewLoginCode()
		db.CreateLoginCode(ctx, f.r1, f.parentA, h, now.Add(10*time.Minute), now)
		for range 3 {
			db.UseLoginCode(ctx, f.r1, f.parentA, "nope", 3, now)
		}
		if ok, _ := db.UseLoginCode(ctx, f.r1, f.parentA, h, 3, now); ok {
			t.Fatal("code accepted after too many attempts")
		}
		tok, th := auth.NewAPIToken()
		id, err := db.CreateAPIClient(ctx, auth.APIClient{RegionID: f.r1, OrgID: f.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{"leerlingen:lezen"}}, th, now)
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.APIClientByToken(ctx, auth.HashToken(tok))
		if err != nil || c.ID != id || c.OrgKind != "school" || !c.HasScope("leerlingen:lezen") || c.HasScope("audit:lezen") || c.Revoked {
			t.Fatalf("client %+v %v", c, err)
		}
		db.RevokeAPIClient(ctx, f.r1, id, now)
		if c, _ := db.APIClientByToken(ctx, th); !c.Revoked {
			t.Fatal("not revoked")
		}
		if err := db.SetOIDC(ctx, auth.OIDCConfig{RegionID: f.r1, OrgID: f.school1, Issuer: "https://idp.example", ClientID: "grondslag", MFAFromIdP: true}, []byte("sealed")); err != nil {
			t.Fatal(err)
		}
		cfgs, secs, err := db.OIDCConfigs(ctx)
		if err != nil || len(cfgs) != 1 || cfgs[0].OrgName != "De Linde" || !cfgs[0].MFAFromIdP || string(secs[0]) != "sealed" {
			t.Fatalf("oidc: %v %+v", err, cfgs)
		}
		if a, err := db.AccountInOrgByEmail(ctx, f.r1, f.school1, "ZC@linde.example"); err != nil || a.ID != f.zc1 {
			t.Fatalf("account in org: %v", err)
		}
		if _, err := db.AccountInOrgByEmail(ctx, f.r1, f.school2, "zc@linde.example"); err != auth.ErrNoAccount {
			t.Fatal("account found in another organisation")
		}
	})
}

func TestWebVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		today := "2025-10-01"
		page := dossier.Page{Number: 1, Size: 10}
		zc := dossier.Actor{RegionID: f.r1, UserID: f.zc1, OrgID: f.school1, Party: "school", Role: "zorgcoordinator"}
		list, total, err := db.VisiblePupils(ctx, zc, today, "", page)
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != f.pupilA || list[0].SchoolName != "De Linde" || list[0].Year != "groep 7" ||
			len(list[0].Relations) != 1 || list[0].Relations[0] != dossier.RelEnrolled {
			t.Fatalf("zc list: %v %d %+v", err, total, list)
		}
		if list, _, _ := db.VisiblePupils(ctx, zc, today, "bram", page); len(list) != 0 {
			t.Fatal("filter found a pupil of another school")
		}
		rel, err := db.PupilRelations(ctx, zc, f.pupilA, today)
		if err != nil || len(rel) != 1 || rel[0] != dossier.RelEnrolled {
			t.Fatalf("relations A: %v %v", rel, err)
		}
		// IDOR: pupil of another school (only a past enrolment here), and of another region.
		for _, id := range []int64{f.pupilB, f.pupilR2, 999999} {
			if rel, err := db.PupilRelations(ctx, zc, id, today); err != nil || len(rel) != 0 {
				t.Fatalf("relation with pupil %d: %v %v", id, rel, err)
			}
		}
		// Before the enrolment started there was no relation either.
		if rel, _ := db.PupilRelations(ctx, zc, f.pupilA, "2019-01-01"); len(rel) != 0 {
			t.Fatal("relation before enrolment")
		}
		lpa := dossier.Actor{RegionID: f.r1, UserID: f.lpa1, OrgID: f.gem1, Party: "gemeente", Role: "leerplicht"}
		if list, total, _ := db.VisiblePupils(ctx, lpa, today, "", page); total != 0 || len(list) != 0 {
			t.Fatal("leerplicht without a melding sees pupils")
		}
		// A melding about a pupil living in the gemeente makes the relation; a withdrawn one does not.
		if _, err := db.Exec(ctx, `UPDATE leerling SET woongemeente_id = ? WHERE regio_id = ? AND id IN (?, ?)`, f.gem1, f.r1, f.pupilA, f.pupilB); err != nil {
			t.Fatal(err)
		}
		melding := func(pupil int64, status string) {
			webExec(t, db, `INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
				actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres,
				verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
				VALUES (?, ?, ?, '16-uur-in-4-lesweken', '2025-09-01', '', 0, '', 1, '', '', '', '', '', '', '', '', 3, 1600, '16-uur-in-4-lesweken', ?, 0, '', '', '', '', 0)`,
				f.r1, pupil, f.school1, status)
		}
		melding(f.pupilA, "in-behandeling")
		melding(f.pupilB, "ingetrokken")
		list, total, err = db.VisiblePupils(ctx, lpa, today, "", page)
		if err != nil || total != 1 || list[0].ID != f.pupilA || len(list[0].Relations) != 1 || list[0].Relations[0] != dossier.RelMelding {
			t.Fatalf("leerplicht with a melding: %v %d %+v", err, total, list)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilA, today); len(rel) != 1 || rel[0] != dossier.RelMelding {
			t.Fatalf("melding relation: %v", rel)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, today); len(rel) != 0 {
			t.Fatal("withdrawn melding is a relation")
		}
		// A consent naming the gemeente as recipient makes a relation while valid and not withdrawn.
		consentID := webExec(t, db, `INSERT INTO toestemming (regio_id, leerling_id, status, kanaal, formulier_versie, formulier_hash, gegeven_op, geldig_van, geldig_tot, vastgelegd_door)
			VALUES (?, ?, 'gegeven', 'e-mail', 'v1', 'h', 0, '2025-09-01', '2025-12-31', 'zc')`, f.r1, f.pupilB)
		if _, err := db.Exec(ctx, `INSERT INTO toestemming_ontvanger (regio_id, toestemming_id, partij, organisatie_id) VALUES (?, ?, 'gemeente', ?)`, f.r1, consentID, f.gem1); err != nil {
			t.Fatal(err)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, today); len(rel) != 1 || rel[0] != dossier.RelConsent {
			t.Fatalf("consent relation: %v", rel)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, "2026-01-05"); len(rel) != 0 {
			t.Fatal("expired consent is a relation")
		}
		if _, err := db.Exec(ctx, `UPDATE toestemming SET ingetrokken_op = 1, ingetrokken_door = 'ouder' WHERE id = ?`, consentID); err != nil {
			t.Fatal(err)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, today); len(rel) != 0 {
			t.Fatal("withdrawn consent is a relation")
		}
		if _, err := db.Exec(ctx, `INSERT INTO toestemming_doel (regio_id, toestemming_id, doel) VALUES (?, ?, 'jeugdhulp')`, f.r1, consentID); err != nil {
			t.Fatal(err)
		}
		pb, err := db.DossierPupil(ctx, f.r1, f.pupilB, today, dossier.Want{Toestemming: true, Verzuim: true})
		if err != nil || len(pb.Consents) != 1 || !pb.Consents[0].Withdrawn || strings.Join(pb.Consents[0].Purposes, ",") != "jeugdhulp" || len(pb.Meldingen) != 1 || pb.Meldingen[0].Status != "ingetrokken" {
			t.Fatalf("consents and meldingen of B: %+v %v", pb, err)
		}
		// Taking part in an open case makes a relation; a refused invitation or a closed case not.
		caseID := webExec(t, db, `INSERT INTO casus (regio_id, leerling_id, soort, doel, vraag, fase, geopend_op, geopend_door, versie) VALUES (?, ?, 'mdo', 'toeleiding', 'v', 'aanmelding', 0, ?, 1)`, f.r1, f.pupilB, f.zc1)
		webExec(t, db, `INSERT INTO casus_deelnemer (regio_id, casus_id, soort, gebruiker_id, organisatie_id, partij, rol, status, uitgenodigd_op) VALUES (?, ?, 'professional', ?, ?, 'gemeente', 'leerplicht', 'uitgenodigd', 0)`, f.r1, caseID, f.lpa1, f.gem1)
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, today); len(rel) != 1 || rel[0] != dossier.RelCase {
			t.Fatalf("case relation: %v", rel)
		}
		if _, err := db.Exec(ctx, `UPDATE casus_deelnemer SET status = 'geweigerd' WHERE casus_id = ?`, caseID); err != nil {
			t.Fatal(err)
		}
		if rel, _ := db.PupilRelations(ctx, lpa, f.pupilB, today); len(rel) != 0 {
			t.Fatal("refused participant has a relation")
		}
		parent := dossier.Actor{RegionID: f.r1, ParentID: f.parentA, Role: "ouder"}
		list, _, _ = db.VisiblePupils(ctx, parent, today, "", page)
		if len(list) != 1 || list[0].ID != f.pupilA {
			t.Fatalf("parent list %+v", list)
		}
		// The region matters even for a parent id.
		if list, _, _ := db.VisiblePupils(ctx, dossier.Actor{RegionID: f.r2, ParentID: f.parentA}, today, "", page); len(list) != 0 {
			t.Fatal("parent id crossed regions")
		}
		p, err := db.DossierPupil(ctx, f.r1, f.pupilA, today, dossier.Want{Onderwijs: true, Contact: true, Verzuim: true, Toestemming: true})
		if err != nil || len(p.Enrolments) != 1 || len(p.Guardians) != 2 || !p.Guardians[0].Gezag || p.FirstName != "Anna" {
			t.Fatalf("dossier %+v %v", p, err)
		}
		// Blocks not wanted are not read.
		if p, _ := db.DossierPupil(ctx, f.r1, f.pupilA, today, dossier.Want{}); p.Enrolments != nil || p.Guardians != nil || p.SchoolName != "De Linde" {
			t.Fatalf("unwanted blocks read: %+v", p)
		}
		if _, err := db.DossierPupil(ctx, f.r2, f.pupilA, today, dossier.Want{}); err != dossier.ErrNotVisible {
			t.Fatalf("cross-region dossier: %v", err)
		}
	})
}

// TestWebStorePrepared: the prepared-statement reads answer as the plain ones, repeatedly.
func TestWebStorePrepared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		ws := store.NewWebStore(db)
		defer ws.CloseStatements()
		zc := dossier.Actor{RegionID: f.r1, UserID: f.zc1, OrgID: f.school1, Party: "school", Role: "zorgcoordinator"}
		now := time.UnixMilli(1_800_000_000_000)
		db.SetPasswordHash(ctx, f.r1, f.zc1, "$argon2id$h", now)
		tok, sess := auth.NewSession(f.r1, f.zc1, 0, auth.StageActive, now)
		db.CreateSession(ctx, sess)
		_, psess := auth.NewSession(f.r1, 0, f.parentA, auth.StageActive, now)
		db.CreateSession(ctx, psess)
		s, a, err := ws.SessionWithAccount(ctx, auth.HashToken(tok))
		if err != nil || s.UserID != f.zc1 || a.ID != f.zc1 || a.OrgKind != "school" || a.PasswordHash != "$argon2id$h" || !a.Active || s.CSRF != sess.CSRF {
			t.Fatalf("session with account: %+v %+v %v", s, a, err)
		}
		s, a, err = ws.SessionWithAccount(ctx, psess.IDHash)
		if err != nil || s.ParentID != f.parentA || a.ID != 0 {
			t.Fatalf("parent session: %+v %+v %v", s, a, err)
		}
		for range 3 {
			rel, err := ws.PupilRelations(ctx, zc, f.pupilA, "2025-10-01")
			if err != nil || len(rel) != 1 {
				t.Fatalf("relations: %v %v", rel, err)
			}
			if rel, _ := ws.PupilRelations(ctx, zc, f.pupilB, "2025-10-01"); len(rel) != 0 {
				t.Fatal("relation with pupil of another school")
			}
			p, err := ws.DossierPupil(ctx, f.r1, f.pupilA, "2025-10-01", dossier.Want{Onderwijs: true, Contact: true})
			if err != nil || p.SchoolName != "De Linde" || p.Year != "groep 7" || len(p.Guardians) != 2 {
				t.Fatalf("dossier: %+v %v", p, err)
			}
			if _, err := ws.DossierPupil(ctx, f.r2, f.pupilA, "2025-10-01", dossier.Want{}); err != dossier.ErrNotVisible {
				t.Fatalf("cross-region: %v", err)
			}
			a, err := ws.Account(ctx, f.r1, f.zc1)
			if err != nil || a.Email != "zc@linde.example" {
				t.Fatalf("account: %v", err)
			}
			if _, err := ws.Session(ctx, "onbekend"); err != auth.ErrNoSession {
				t.Fatalf("session: %v", err)
			}
			if _, _, err := ws.SessionWithAccount(ctx, "onbekend"); err != auth.ErrNoSession {
				t.Fatalf("session with account: %v", err)
			}
			if has, err := ws.HasMelding(ctx, f.r1, f.pupilA, time.Now()); err != nil || has {
				t.Fatalf("melding: %v %v", has, err)
			}
		}
	})
}

func TestWebAccountManagement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.UnixMilli(1_800_000_000_000)
		db.SetTOTP(ctx, f.r1, f.zc1, []byte("s"), true, now)
		db.ReplaceRecoveryCodes(ctx, f.r1, f.zc1, []string{"h"}, now)
		_, sess := auth.NewSession(f.r1, f.zc1, 0, auth.StageActive, now)
		db.CreateSession(ctx, sess)
		if err := db.ResetMFA(ctx, f.r1, f.zc1, now); err != nil {
			t.Fatal(err)
		}
		a, _ := db.Account(ctx, f.r1, f.zc1)
		if a.MFAEnrolled() || a.TOTPSealed != nil {
			t.Fatal("MFA not reset")
		}
		if n, _ := db.RecoveryCodesLeft(ctx, f.r1, f.zc1); n != 0 {
			t.Fatal("recovery codes kept")
		}
		if _, err := db.Session(ctx, sess.IDHash); err != auth.ErrNoSession {
			t.Fatal("session survived the reset")
		}
		if err := db.ResetMFA(ctx, f.r2, f.zc1, now); err != auth.ErrNoAccount {
			t.Fatalf("reset across regions: %v", err)
		}
		_, sess = auth.NewSession(f.r1, f.zc1, 0, auth.StageActive, now)
		db.CreateSession(ctx, sess)
		if err := db.SetAccountActive(ctx, f.r1, f.zc1, false); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Account(ctx, f.r1, f.zc1); a.Active {
			t.Fatal("still active")
		}
		if _, err := db.Session(ctx, sess.IDHash); err != auth.ErrNoSession {
			t.Fatal("session survived deactivation")
		}
		if err := db.SetAccountActive(ctx, f.r2, f.zc1, true); err != auth.ErrNoAccount {
			t.Fatalf("activate across regions: %v", err)
		}
		_, h := auth.NewAPIToken()
		db.CreateAPIClient(ctx, auth.APIClient{RegionID: f.r1, OrgID: f.school1, Name: "LAS", Role: "zorgcoordinator", Scopes: []string{"a", "b"}}, h, now)
		cs, err := db.APIClients(ctx, f.r1)
		if err != nil || len(cs) != 1 || cs[0].Name != "De Linde: LAS" || len(cs[0].Scopes) != 2 {
			t.Fatalf("clients: %v %+v", err, cs)
		}
		if cs, _ := db.APIClients(ctx, f.r2); len(cs) != 0 {
			t.Fatal("clients across regions")
		}
	})
}
