package casework

import (
	"context"
	"testing"
)

// TestParticipantShownFollowsThePolicy: who sits at the table is information. The school sees
// the mentor, the SWV and leerplicht; the jeugdhulpverlener and the jeugdarts only where the
// policy lets them disclose their involvement to the school (consent of the right person), and
// the family sees everyone.
func TestParticipantShownFollowsThePolicy(t *testing.T) {
	k := model(t)
	c := zat(t, k)
	c.Phase = "aanmelding"
	school, _ := c.ParticipantFor(zoco)
	f := Facts{RegionID: 1, DUOMelding: true, Now: day("2026-03-09"), Age: 14}
	for _, tt := range []struct {
		viewer, p Actor
		consent   [3]string
		want      bool
	}{
		{zoco, mentor, [3]string{}, true},
		{zoco, swvc, [3]string{}, true},
		{zoco, lpa, [3]string{}, true},
		{zoco, jhv, [3]string{}, false},
		{zoco, jhv, [3]string{"jeugdhulp", PartySchool, "jeugdhulp"}, true},
		{zoco, jarts, [3]string{}, false},
		{zoco, jarts, [3]string{"toeleiding", PartySchool, "gezondheid"}, true},
		{swvc, jhv, [3]string{}, false},
		{jhv, jhv, [3]string{}, true},
		{jhv, zoco, [3]string{}, true},
		{mother, jhv, [3]string{}, true},
		{pupilMe, jarts, [3]string{}, true},
	} {
		cs := consentSet{}
		if tt.consent[0] != "" {
			cs[tt.consent] = 9
		}
		viewer, _ := c.ParticipantFor(tt.viewer)
		p, _ := c.ParticipantFor(tt.p)
		got, v, err := guard(k, cs).ParticipantShown(context.Background(), c, viewer, p, f)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s sees %s (consent %v): %v, want %v (%s)", tt.viewer.Name, tt.p.Name, tt.consent[0] != "", got, tt.want, v.Reason)
		}
		if got && v.Scope != "" && !v.Decision.Allowed {
			t.Errorf("%s sees %s without an allowing decision", tt.viewer.Name, tt.p.Name)
		}
	}
	// The case as the school sees it: the jeugdhulpverlener and jeugdarts keep their reference
	// (regie, questions) but lose name, party, role, organisation and contact.
	shown, err := guard(k, consentSet{}).shownCase(context.Background(), c, school, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, p := range shown.Participants {
		if p.Name == HiddenParticipantName {
			hidden++
			if p.Party != "" || p.Role != "" || p.OrganisationID != 0 || p.Contact != "" || p.UserID == 0 {
				t.Errorf("hidden participant keeps %+v", p)
			}
		}
	}
	if hidden != 2 {
		t.Errorf("%d participants hidden from the school, want 2 (jeugdhulp, jeugdarts)", hidden)
	}
	if c.Participants[len(c.Participants)-1].Name == HiddenParticipantName {
		t.Error("shownCase changed the case itself")
	}
}
