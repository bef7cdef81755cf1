package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// seen summarises what one viewer sees of a case: minutes, agreements and contributions with
// content, with only the outside, and hidden.
type seen struct {
	minutes, agreements, contribs []string // "scope:text"
	hidden                        int
}

func look(t *testing.T, w *caseWorld, who string, id int64) (seen, error) {
	t.Helper()
	v, err := w.svc.View(context.Background(), w.reg.ID, w.op(who), id)
	if err != nil {
		return seen{}, err
	}
	var s seen
	for _, m := range v.Minutes {
		s.minutes = append(s.minutes, m.Scope+":"+m.Item.Text)
	}
	for _, a := range v.Agreements {
		s.agreements = append(s.agreements, a.Scope+":"+a.Item.Description)
	}
	for _, x := range v.Contribution {
		s.contribs = append(s.contribs, x.Scope+":"+x.Item.Category+":"+x.Item.Text)
	}
	s.hidden = v.Hidden
	return s, nil
}

// TestThuiszitterScenario takes a thuiszitter from signal through melding, case, meeting with the
// parents, plan, escalation to the doorbraakoverleg, and closing, asserting at each step what
// each role sees and does not see.
func TestThuiszitterScenario(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCaseWorld(t, db)
		rid := w.reg.ID
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mustSee := func(who string, id int64, want seen) {
			t.Helper()
			got, err := look(t, w, who, id)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if !slices.Equal(got.minutes, want.minutes) || !slices.Equal(got.agreements, want.agreements) || !slices.Equal(got.contribs, want.contribs) || got.hidden != want.hidden {
				t.Fatalf("%s sees\n  %+v\nwant\n  %+v", who, got, want)
			}
		}
		mustNotOpen := func(who string, id int64) {
			t.Helper()
			if _, err := look(t, w, who, id); !errors.Is(err, casework.ErrNotAllowed) {
				t.Fatalf("%s opened the case: %v", who, err)
			}
		}

		// 1. Signal: Noor has been absent since 12 January (langdurig relatief verzuim) and
		//    passed 16 hours in 4 weeks.
		home := absence.Date(day("2026-01-12").Unix() / 86400)
		sigs := []absence.Signal{
			{Pupil: w.pseudo, Kind: absence.Kind16Hours, From: home, To: home.AddDays(11), Hours: 1600, Days: 4, Source: "Leerplichtwet 1969 art. 21a"},
			{Pupil: w.pseudo, Kind: absence.KindLongTerm, From: home, To: absence.Date(w.clock.Unix() / 86400), Days: 35, Source: "Kamerbrief 3 februari 2016"},
		}
		must(db.SaveSignals(ctx, rid, w.pupil, sigs, absence.Date(w.clock.Unix()/86400), w.clock))
		pf, err := store.CaseDirectory{DB: db}.PupilFacts(ctx, rid, w.pupil, w.clock)
		must(err)
		if !pf.ThuiszitterSince.Equal(day("2026-01-12")) || pf.HasMelding || len(pf.Parents) != 1 {
			t.Fatalf("facts before melding: %+v", pf)
		}

		// 2. Without a melding leerplicht cannot open a case.
		open := casework.OpenRequest{PupilID: w.pupil, Type: "thuiszittersoverleg", Purpose: "handhaving-leerplicht", Question: "Noor zit thuis; wat is nodig?"}
		if _, err := w.svc.Open(ctx, rid, w.op("leerplicht"), open); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("leerplicht opened without melding: %v", err)
		}

		// 3. Melding: the school reports the 16 hours to DUO.
		stored, err := db.Signals(ctx, rid, w.pupil)
		must(err)
		var s16 store.StoredSignal
		for _, s := range stored {
			if s.Kind == absence.Kind16Hours {
				s16 = s
			}
		}
		content, err := absence.ProposeMelding(s16.Signal)
		must(err)
		content.SuspectedReason, content.SchoolAction, content.Location, content.ParentPhone = "Komt niet meer naar school.", "Gesprekken met ouders.", "01AA00", "0612345678"
		content.Reporter = absence.Contact{Name: "Zorg Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@cw.example"}
		m, err := absence.NewMelding(w.pseudo, content, w.clock)
		must(err)
		_, err = db.CreateMelding(ctx, rid, w.pupil, w.school, s16.ID, m)
		must(err)

		// 4. The case: the zorgcoördinator opens a thuiszittersoverleg with broad regie.
		c, err := w.svc.Open(ctx, rid, w.op("zorgcoordinator"), casework.OpenRequest{PupilID: w.pupil, Type: "thuiszittersoverleg", Purpose: "toeleiding", Question: "Noor zit sinds januari thuis; welke plek en hulp passen?"})
		must(err)
		if c.MeldingRef == "" {
			t.Fatal("the case does not name the melding")
		}
		for _, who := range []string{"leerplicht", "swv-consulent", "jeugdhulpverlener"} {
			_, err := w.svc.AddProfessional(ctx, rid, w.op("zorgcoordinator"), c.ID, w.users[who].UserID, "")
			must(err)
		}
		// The GGD takes part in the thuiszittersoverleg when sick absence is involved (legal
		// review point 8; DOMAIN.md last section); it shares content only on the patient's consent.
		if _, err := w.svc.AddProfessional(ctx, rid, w.op("zorgcoordinator"), c.ID, w.users["jeugdarts"].UserID, ""); err != nil {
			t.Fatalf("jeugdarts not added to a thuiszittersoverleg: %v", err)
		}
		c, err = w.cases.Case(ctx, rid, c.ID)
		must(err)
		if c.RegieHolder(casework.RegiePartial) != w.users["leerplicht"].UserID || c.RegieHolder(casework.RegieCare) != w.users["jeugdhulpverlener"].UserID {
			t.Fatalf("regie: %+v", c.Regie)
		}

		// 5. The parents and Noor (13) are invited; the mother accepts, Noor refuses.
		c, err = w.svc.InviteFamily(ctx, rid, w.op("zorgcoordinator"), c.ID)
		must(err)
		if _, ok := c.Participant(casework.Ref("leerling")); !ok {
			t.Fatal("Noor (13) not invited")
		}
		_, err = w.svc.Respond(ctx, rid, w.op("moeder"), c.ID, casework.RefOf(w.mother), true, "")
		must(err)
		_, err = w.svc.Respond(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.Ref("leerling"), false, "wil liever niet aan tafel")
		must(err)

		// 6. Phases: a jump is refused with the allowed phases; then to the meeting.
		if _, err := w.svc.Advance(ctx, rid, w.op("zorgcoordinator"), c.ID, "plan-van-aanpak", ""); !errors.Is(err, casework.ErrIllegalTransition) {
			t.Fatalf("jump allowed: %v", err)
		}
		if _, err := w.svc.Advance(ctx, rid, w.op("leerplicht"), c.ID, "voorbereiding", ""); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("deelregie moved the case: %v", err)
		}
		for _, to := range []string{"voorbereiding", "overleg"} {
			_, err := w.svc.Advance(ctx, rid, w.op("zorgcoordinator"), c.ID, to, "")
			must(err)
		}

		// 7. The meeting with the mother: minutes and contributions.
		w.clock = w.clock.AddDate(0, 0, 7)
		_, err = w.svc.WriteMinutes(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: "Overleg met moeder. Noor wil naar een kleinere school.", ForParents: true})
		must(err)
		_, err = w.svc.Contribute(ctx, rid, w.op("jeugdhulpverlener"), c.ID, "jeugdhulp", "Gezinsbegeleiding loopt sinds december.")
		must(err)
		_, err = w.svc.Contribute(ctx, rid, w.op("leerplicht"), c.ID, "verzuim", "Melding in behandeling; gesprek gevoerd.")
		must(err)
		_, err = w.svc.Contribute(ctx, rid, w.op("swv-consulent"), c.ID, "ondersteuningsbehoefte", "Kleine setting, vaste mentor.")
		must(err)
		// The SWV brings no minutes; leerplicht no health data.
		if _, err := w.svc.WriteMinutes(ctx, rid, w.op("swv-consulent"), c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: "x"}); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("swv wrote minutes: %v", err)
		}
		if _, err := w.svc.Contribute(ctx, rid, w.op("leerplicht"), c.ID, "gezondheid", "x"); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("leerplicht brought in health data: %v", err)
		}

		minutes := "inhoud:Overleg met moeder. Noor wil naar een kleinere school."
		help, helpOut := "inhoud:jeugdhulp:Gezinsbegeleiding loopt sinds december.", "buitenkant:jeugdhulp:"
		absent := "inhoud:verzuim:Melding in behandeling; gesprek gevoerd."
		support := "inhoud:ondersteuningsbehoefte:Kleine setting, vaste mentor."
		// Without consent (and without a Verwijsindex match) the school does not even learn that
		// jeugdhulp is involved (Jeugdwet 7.3.11; legal review point 1).
		// The SWV's advice on support reaches the school (swv-naar-school).
		mustSee("zorgcoordinator", c.ID, seen{minutes: []string{minutes}, contribs: []string{absent, support}, hidden: 1})
		_ = helpOut
		mustSee("leerplicht", c.ID, seen{minutes: []string{minutes}, contribs: []string{absent}, hidden: 2})
		// Leerplicht involves the SWV after a melding (leerplicht-naar-swv); the school's minutes
		// reach the SWV in the overleg phase (school-naar-swv-casusoverleg, WPO 18a / WVO 17a).
		mustSee("swv-consulent", c.ID, seen{minutes: []string{minutes}, contribs: []string{absent, support}, hidden: 1})
		mustSee("jeugdhulpverlener", c.ID, seen{contribs: []string{help}, hidden: 3})
		mustSee("moeder", c.ID, seen{minutes: []string{minutes}, hidden: 3})
		mustNotOpen("mentor", c.ID)
		mustNotOpen("leerplicht2", c.ID)
		mustNotOpen("swv-consulent2", c.ID) // not escalated yet

		// An information request to jeugdhulp without consent: refused, not even a buitenkant
		// answer — under Jeugdwet 7.3.11 jeugdhulp may not confirm its involvement without the
		// consent of the right person (Noor is 14: her own) or a Verwijsindex match. The refusal
		// goes through the policy, is logged, and names the lawful routes.
		before, err := store.NewAuditStore(db).ForPupil(ctx, rid, w.pseudo)
		must(err)
		_, err = w.svc.Ask(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["jeugdhulpverlener"].UserID)), "gezinssituatie", "Wat speelt er thuis?")
		if !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("question without consent: %v", err)
		}
		for _, want := range []string{"ook niet dat jeugdhulp betrokken is", "de leerling zelf", "Verwijsindex", "Veilig Thuis"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("refusal %q lacks %q", err, want)
			}
		}
		after, err := store.NewAuditStore(db).ForPupil(ctx, rid, w.pseudo)
		must(err)
		if len(after) != len(before)+1 {
			t.Fatalf("refused question: %d audit entries added, want 1", len(after)-len(before))
		}
		if r := after[len(after)-1].Entry.Record(); r.Outcome != "geweigerd" || r.Name != "casus-informatievraag" || r.ConvenantVersion == "" {
			t.Errorf("refusal entry: %+v", r)
		}
		if qs, err := w.cases.InfoRequests(ctx, rid, c.ID); err != nil || len(qs) != 0 {
			t.Fatalf("a refused question was stored: %v %+v", err, qs)
		}

		// The mother consents to jeugdhulp sharing with the school: now the school sees content.
		w.consen[[3]string{"jeugdhulp", "school", "jeugdhulp"}] = 41
		w.consen[[3]string{"jeugdhulp", "school", "gezinssituatie"}] = 41
		mustSee("zorgcoordinator", c.ID, seen{minutes: []string{minutes}, contribs: []string{help, absent, support}})
		q, err := w.svc.Ask(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["jeugdhulpverlener"].UserID)), "gezinssituatie", "Wat speelt er thuis?")
		must(err)
		if q.Scope != casework.ScopeContent || q.Answer != "" {
			t.Fatalf("question with consent: %+v", q)
		}
		before, err = store.NewAuditStore(db).ForPupil(ctx, rid, w.pseudo)
		must(err)
		_, err = w.svc.Answer(ctx, rid, w.op("jeugdhulpverlener"), c.ID, q.ID, "Moeder staat er alleen voor.")
		must(err)
		// Jeugdhulp's provision under its own activity, the school's receipt under the school's
		// own (jeugdhulp-samenwerking-school), linked by trace context only.
		after, err = store.NewAuditStore(db).ForPupil(ctx, rid, w.pseudo)
		must(err)
		if len(after) != len(before)+2 {
			t.Fatalf("answer: %d audit entries added, want the provision and the receipt", len(after)-len(before))
		}
		share, rcv := after[len(after)-2].Entry.Record(), after[len(after)-1].Entry.Record()
		if got := rcv; share.Action != audit.ActionShare || got.Action != audit.ActionReceive || got.Actor.OrganisationID != w.users["zorgcoordinator"].OrganisationID ||
			got.Actor.UserID != 0 || share.Actor.OrganisationID != w.users["jeugdhulpverlener"].OrganisationID ||
			got.ProcessingActivity == share.ProcessingActivity || !strings.HasSuffix(got.ProcessingActivity, "jeugdhulp-samenwerking-school") ||
			got.TraceID == share.TraceID || got.Foreign == nil || got.Foreign.OperationID != share.OperationID || got.Foreign.TraceID != share.TraceID ||
			got.Foreign.Entity != audit.OrganisationURI(rid, share.Actor.OrganisationID) {
			t.Errorf("answer's provision %+v and receipt %+v", share, rcv)
		}

		// 8. Plan van aanpak: three agreements.
		_, err = w.svc.Advance(ctx, rid, w.op("zorgcoordinator"), c.ID, "plan-van-aanpak", "")
		must(err)
		add := func(desc string, owner casework.Ref, forParents bool) *casework.Agreement {
			t.Helper()
			due := w.clock.AddDate(0, 0, 14)
			a, err := w.svc.AddAgreement(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.AgreementInput{Description: &desc, Owner: &owner, Due: &due, ForParents: &forParents})
			must(err)
			return a
		}
		aMother := add("Moeder bezoekt de kleinere school", casework.RefOf(w.mother), false)
		aHelp := add("Jeugdhulp start gezinscoaching", casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["jeugdhulpverlener"].UserID)), false)
		add("School maakt een maatwerkrooster", casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["zorgcoordinator"].UserID)), true)
		mustSee("moeder", c.ID, seen{minutes: []string{minutes}, agreements: []string{"inhoud:Moeder bezoekt de kleinere school", "inhoud:School maakt een maatwerkrooster"}, hidden: 4})
		// Leerplicht sees the plan (art. 7.2, after a melding); the SWV and jeugdhulp only their own.
		plan := []string{"inhoud:Moeder bezoekt de kleinere school", "inhoud:Jeugdhulp start gezinscoaching", "inhoud:School maakt een maatwerkrooster"}
		mustSee("leerplicht", c.ID, seen{minutes: []string{minutes}, agreements: plan, contribs: []string{absent}, hidden: 2})
		mustSee("jeugdhulpverlener", c.ID, seen{agreements: []string{"inhoud:Jeugdhulp start gezinscoaching"}, contribs: []string{help}, hidden: 5})

		// 9. Execution stalls: seven weeks without progress, and Noor has been home > 3 months.
		_, err = w.svc.Advance(ctx, rid, w.op("zorgcoordinator"), c.ID, "uitvoering-en-evaluatie", "")
		must(err)
		w.clock = w.clock.AddDate(0, 0, 7*7)
		// The daily absence run still finds Noor at home.
		sigs[1].To, sigs[1].Days = absence.Date(w.clock.Unix()/86400), 70
		must(db.SaveSignals(ctx, rid, w.pupil, sigs, absence.Date(w.clock.Unix()/86400), w.clock))
		due, err := w.svc.DueForEscalation(ctx, rid)
		must(err)
		if len(due) != 1 || due[0].CaseID != c.ID || len(due[0].Triggers) != 2 {
			t.Fatalf("due for escalation: %+v", due)
		}
		// In this phase the school's minutes are shared with leerplicht, jeugdhulp content only as buitenkant.
		mustSee("zorgcoordinator", c.ID, seen{minutes: []string{minutes}, agreements: plan, contribs: []string{helpOut}, hidden: 2})
		// A question to jeugdhulp now gets the buitenkant answer at once (consent on file, the
		// phase lists jeugdhulp as buitenkant), and jeugdhulp cannot add content to it.
		q, err = w.svc.Ask(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.Ref(fmt.Sprintf("gebruiker:%d", w.users["jeugdhulpverlener"].UserID)), "jeugdhulp", "Loopt de hulp nog?")
		must(err)
		if q.Scope != casework.ScopeOutside || !strings.Contains(q.Answer, "is betrokken bij deze leerling") || q.AnsweredAt.IsZero() {
			t.Fatalf("buitenkant question: %+v", q)
		}
		if _, err := w.svc.Answer(ctx, rid, w.op("jeugdhulpverlener"), c.ID, q.ID, "Ja, twee keer per week."); err == nil {
			t.Fatal("content answer to a buitenkant question")
		}

		// 10. Doorbraakoverleg: the onderwijsconsulent comes in; the SWV sees the escalation.
		_, err = w.svc.Escalate(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.EscalateRequest{
			Reason: casework.ReasonThuiszitter, Detail: due[0].Triggers[1].Detail, ConsultantID: w.users["onderwijsconsulent"].UserID,
			Holder: casework.Doorzettingsmacht{Name: "A. Directeur", Function: "directeur-bestuurder samenwerkingsverband"}})
		must(err)
		v, err := w.svc.View(ctx, rid, w.op("swv-consulent2"), c.ID)
		must(err)
		if v.Case.Escalation == nil || len(v.Minutes)+len(v.Agreements)+len(v.Contribution) != 0 {
			t.Fatalf("SWV view of the escalation: %+v", v)
		}
		list, err := w.svc.List(ctx, rid, w.op("swv-consulent2"), true)
		must(err)
		if len(list) != 1 || !list[0].Escalated {
			t.Fatalf("SWV list: %+v", list)
		}
		mustNotOpen("leerplicht2", c.ID)
		if _, err := w.svc.DecideBreakthrough(ctx, rid, w.op("leerplicht"), c.ID, "x"); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("leerplicht decided: %v", err)
		}
		_, err = w.svc.DecideBreakthrough(ctx, rid, w.op("onderwijsconsulent"), c.ID, "Plaatsing op de kleinere school per 1 juni; SWV bekostigt het arrangement.")
		must(err)

		// Progress: the owners report their agreements done; others cannot change them.
		done := casework.AgreementDone
		_, err = w.svc.UpdateAgreement(ctx, rid, w.op("jeugdhulpverlener"), c.ID, aHelp.ID, aHelp.Version, casework.AgreementInput{Status: &done})
		must(err)
		_, err = w.svc.UpdateAgreement(ctx, rid, w.op("moeder"), c.ID, aMother.ID, aMother.Version, casework.AgreementInput{Status: &done})
		must(err)
		text := "iets anders"
		if _, err := w.svc.UpdateAgreement(ctx, rid, w.op("jeugdhulpverlener"), c.ID, aHelp.ID, aHelp.Version+1, casework.AgreementInput{Description: &text}); !errors.Is(err, casework.ErrNotAllowed) {
			t.Fatalf("jeugdhulp rewrote the agreement: %v", err)
		}

		// 11. Closing: Noor goes to another school; retention clocks start.
		w.clock = w.clock.AddDate(0, 1, 0)
		c, err = w.svc.Close(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.ResultOtherSchool, "")
		must(err)
		got, err := w.cases.Case(ctx, rid, c.ID)
		must(err)
		if got.Closure == nil || got.Closure.Result != casework.ResultOtherSchool || got.Phase != "afsluiting" || got.Type != casework.TypeDoorbraak || got.PreviousType != "thuiszittersoverleg" {
			t.Fatalf("closed case: %+v", got)
		}
		clocks := map[string]casework.RetentionClock{}
		for _, rc := range got.Closure.Retention {
			clocks[rc.Category+"@"+rc.Party] = rc
		}
		closedOn := time.Date(w.clock.Year(), w.clock.Month(), w.clock.Day(), 0, 0, 0, 0, time.UTC)
		if rc := clocks["casusverslag@school"]; !rc.Until.Equal(closedOn.AddDate(2, 0, 0)) {
			t.Errorf("school minutes kept until %v", rc.Until)
		}
		if rc := clocks["casusverslag@gemeente"]; !rc.Until.Equal(day("2031-04-02")) {
			t.Errorf("leerplicht minutes kept until %v (19 years after birth)", rc.Until)
		}
		if rc, ok := clocks["jeugdhulp@jeugdhulp"]; !ok || !rc.Until.IsZero() || rc.From != "einde-jeugdhulp" {
			t.Errorf("jeugdhulp clock: %+v", rc)
		}
		if _, err := w.svc.WriteMinutes(ctx, rid, w.op("zorgcoordinator"), c.ID, casework.MinutesInput{MeetingOn: w.clock, Text: "na afsluiting"}); !errors.Is(err, casework.ErrClosed) {
			t.Fatalf("minutes after closing: %v", err)
		}
		// After closing the school keeps its own record; the others see what the closing phase shares.
		mustSee("leerplicht", c.ID, seen{contribs: []string{absent}, hidden: 6})

		// Every step left audit entries for Noor, none with her name or BSN.
		leaves, err := store.NewAuditStore(db).ForPupil(ctx, rid, w.pseudo)
		must(err)
		if len(leaves) < 40 {
			t.Fatalf("only %d audit entries for the pupil", len(leaves))
		}
		var denied int
		for _, l := range leaves {
			if l.Entry.Record().Outcome == "geweigerd" {
				denied++
			}
		}
		if denied == 0 {
			t.Error("refusals were not audited")
		}
	})
}
