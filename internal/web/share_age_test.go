package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/store"
)

// TestShareFormAgeAndConsentGiver: "Mag ik dit delen?" asks the pupil's age (or counts it from
// the chosen pupil's date of birth on the day) and who consented, and answers with the article:
// a jeugdarts' disclosure about a child of 12 needs the child's own consent (BW 7:457 and
// 7:465); under 12 the parents with gezag; who consented without an age is an error at the field.
func TestShareFormAgeAndConsentGiver(t *testing.T) {
	w := newWorld(t)
	c := w.client()
	c.login("zc")
	c.setPurpose("signalering")
	ask := func(page string, age string, by ...string) resp {
		t.Helper()
		form := url.Values{"rol": {"ggd/jeugdarts"}, "handeling": {"verstrekken"}, "ontvanger": {"school/zorgcoordinator"}, "categorie": {"gezondheid"},
			"doel": {"toeleiding"}, "niveau": {"persoon"}, "toestemming-door": by}
		if age != "" {
			form.Set("leeftijd", age)
		}
		if strings.Contains(page, "leerling=") {
			form.Set("leerling", w.pid("leerling", w.pupil1))
		}
		return c.post(page, "/mag-ik-dit-delen", form)
	}
	for _, tc := range []struct {
		age     string
		by      []string
		allowed bool
	}{
		{"11", []string{"ouders"}, true},
		{"11", []string{"leerling"}, false},
		{"11", []string{"ouder"}, false}, // the jeugdarts' rule asks every parent with gezag
		{"12", []string{"ouders"}, false},
		{"12", []string{"leerling"}, true},
		{"15", []string{"ouder", "ouders"}, false},
		{"16", []string{"leerling"}, true},
	} {
		r := ask("/mag-ik-dit-delen", tc.age, tc.by...)
		if r.status != 200 {
			t.Fatalf("age %s by %v: %d\n%s", tc.age, tc.by, r.status, r.body)
		}
		if got := strings.Contains(r.body, "Ja, dit mag"); got != tc.allowed {
			t.Errorf("age %s by %v: allowed=%v, want %v", tc.age, tc.by, got, tc.allowed)
		}
		if !tc.allowed && !strings.Contains(r.body, "7:465") {
			t.Errorf("age %s by %v: the denial does not cite BW 7:465", tc.age, tc.by)
		}
		if !strings.Contains(r.body, tc.age+" jaar (uw opgave)") {
			t.Errorf("age %s: the answer does not state the age it used", tc.age)
		}
	}
	// Who consented without the age: the form asks for the age, at its field.
	r := ask("/mag-ik-dit-delen", "", "ouder")
	if r.status != 422 || !strings.Contains(r.body, `id="leeftijd-fout"`) || !strings.Contains(r.body, "7:465") {
		t.Fatalf("consent giver without age: %d\n%s", r.status, r.body)
	}
	if r := ask("/mag-ik-dit-delen", "1x", "ouder"); r.status != 422 || !strings.Contains(r.body, `id="leeftijd-fout"`) {
		t.Fatalf("bad age: %d", r.status)
	}

	// With a pupil chosen the age is counted from the registered date of birth on the day: the
	// day before the 12th birthday the parents decide, on the birthday the child.
	setBirth := func(d string) {
		t.Helper()
		if err := w.db.WithTx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE leerling SET geboortedatum = ? WHERE id = ?`, d, w.pupil1)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	today := w.clock.Now().Format("2006-01-02") // 2025-10-06
	if today != "2025-10-06" {
		t.Fatalf("clock moved to %s", today)
	}
	page := "/mag-ik-dit-delen?leerling=" + w.pid("leerling", w.pupil1)
	for _, tc := range []struct {
		birth, by string
		age       string
		allowed   bool
	}{
		{"2013-10-07", "leerling", "11", false}, // 12 tomorrow
		{"2013-10-07", "ouders", "11", true},
		{"2013-10-06", "leerling", "12", true}, // 12 today
		{"2013-10-06", "ouders", "12", false},
		{"2009-10-07", "leerling", "15", true},
		{"2009-10-06", "leerling", "16", true},
	} {
		setBirth(tc.birth)
		g := c.get(page)
		if g.status != 200 || !strings.Contains(g.body, "vandaag <strong>"+tc.age+" jaar</strong>") || strings.Contains(g.body, `name="leeftijd"`) {
			t.Fatalf("born %s: form %d does not show the age %s from the register\n%s", tc.birth, g.status, tc.age, g.body)
		}
		r := ask(page, "99", tc.by) // a typed age is ignored when the pupil is chosen
		if got := strings.Contains(r.body, "Ja, dit mag"); r.status != 200 || got != tc.allowed {
			t.Errorf("born %s by %s: %d allowed=%v, want %v", tc.birth, tc.by, r.status, got, tc.allowed)
		}
		if !strings.Contains(r.body, tc.age+" jaar (de geboortedatum in de registratie, op vandaag)") {
			t.Errorf("born %s: answer does not state the registered age %s", tc.birth, tc.age)
		}
	}
	// A pupil without a relation: the form asks the age instead, and shows nothing of the pupil.
	g := c.get("/mag-ik-dit-delen?leerling=" + w.pid("leerling", w.pupil2))
	if g.status != 200 || !strings.Contains(g.body, `id="leeftijd-fout"`) || strings.Contains(g.body, "Bart") || strings.Contains(g.body, "vandaag <strong>") {
		t.Fatalf("unrelated pupil: %d\n%s", g.status, g.body)
	}
	// A row number is no pupil id (public ids only, as in the pupil page's URL).
	if g := c.get("/mag-ik-dit-delen?leerling=" + itoa(w.pupil1)); g.status != 404 {
		t.Fatalf("row number: %d", g.status)
	}
}
