package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/web"
)

// TestDossierFirstContactFromConvenant: the first-contact term of a dossier comes from the
// region's convenant (leerplicht_eerste_contact_schooldagen), not from a constant: a region
// whose convenant says 3 school days gets a deadline 3 school days after the opening, the model
// convenant's 5 another one.
func TestDossierFirstContactFromConvenant(t *testing.T) {
	src := strings.Replace(string(convenant.DefaultYAML()), "leerplicht_eerste_contact_schooldagen: 5", "leerplicht_eerste_contact_schooldagen: 3", 1)
	regional, err := convenant.Load([]byte(src), "regio.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := regional.Regional().FirstContactDays; got != 3 {
		t.Fatalf("regionale termijn niet gelezen: %d", got)
	}
	model, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := model.Regional().FirstContactDays; got != 5 {
		t.Fatalf("modelconvenant: termijn %d, verwacht 5", got)
	}
	w := verzuimWorld(t)
	deps := web.DossierDeps{Store: w.db, LeerplichtDeps: testLeerplichtDeps(),
		Rules: func(context.Context, int64) (absence.DossierRules, error) {
			return absence.DossierRules{FirstContactDays: regional.Regional().FirstContactDays}, nil
		}}
	if err := w.web.MountDossiers(deps); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET woongemeente_id = ? WHERE id = ?", w.gem1, w.pupil2); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Exec(ctx, "UPDATE inschrijving SET tot = '2021-07-31' WHERE leerling_id = ?", w.pupil2); err != nil {
		t.Fatal(err)
	}
	tok := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeVerzuimVastleggen)
	res := w.client().doBody("POST", "/api/v1/leerplichtdossiers", `{"grond":"absoluut-verzuim","leerling":{"soort":"bsn","nummer":"999900018"}}`,
		"Authorization", "Bearer "+tok, "Content-Type", "application/json")
	var got struct {
		GeopendOp string
		Termijnen []struct{ Wat, Uiterlijk string }
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil || res.status != 201 || len(got.Termijnen) != 1 {
		t.Fatalf("openen: %d %s", res.status, res.body)
	}
	opened, err := absence.ParseDate(got.GeopendOp)
	if err != nil {
		t.Fatalf("geopend %q: %v", got.GeopendOp, err)
	}
	cal, err := absence.DefaultCalendar(absence.Region("noord"))
	if err != nil {
		t.Fatal(err)
	}
	want3 := absence.DossierRules{FirstContactDays: 3}.FirstContactDue(cal, opened)
	want5 := absence.DossierRules{FirstContactDays: 5}.FirstContactDue(cal, opened)
	if want3 == want5 {
		t.Fatalf("testopzet: 3 en 5 schooldagen geven dezelfde dag %s", want3)
	}
	if got.Termijnen[0].Uiterlijk != want3.String() {
		t.Fatalf("eerste contact uiterlijk %s, verwacht %s (3 schooldagen uit het convenant van de regio; 5 zou %s zijn)", got.Termijnen[0].Uiterlijk, want3, want5)
	}
}
