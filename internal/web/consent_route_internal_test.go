package web

import (
	"testing"

	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// TestConsentRouteNamesTheDiscloser: every web decision that may rest on consent tells the
// register who discloses and who receives — for verstrekken the asking party discloses to the
// request's recipient (a jeugdarts' disclosure about a child of 12–15 needs the child's own
// consent, BW 7:457/7:465, a school's the parents', AVG art. 8); for lezen the reader receives
// what the pupil's school registered.
func TestConsentRouteNamesTheDiscloser(t *testing.T) {
	var got []ConsentAsk
	f := Facts{ConsentFor: func(ask ConsentAsk) (bool, int64, error) { got = append(got, ask); return true, 5, nil }}
	jeugdarts := dossier.Actor{RegionID: 1, OrgID: 30, Party: "ggd", Role: "jeugdarts"}
	disclose := policy.Request{Actor: policy.Actor{Party: "ggd", Role: "jeugdarts"}, Action: policy.Disclose, Category: "gezondheid",
		Purpose: "toeleiding", Recipient: policy.Actor{Party: "school", Role: "zorgcoordinator"}}
	if ok, id, err := f.consentRoute(disclose, jeugdarts)("gezondheid"); !ok || id != 5 || err != nil {
		t.Fatalf("route answered %v %d %v", ok, id, err)
	}
	swv := dossier.Actor{RegionID: 1, OrgID: 20, Party: "swv", Role: "swv-consulent"}
	read := policy.Request{Actor: policy.Actor{Party: "swv", Role: "swv-consulent"}, Action: policy.Read, Category: "contact", Purpose: "toeleiding"}
	if _, _, err := f.consentRoute(read, swv)("contact"); err != nil {
		t.Fatal(err)
	}
	want := []ConsentAsk{
		{Category: "gezondheid", Discloser: "ggd", Recipient: "school"},
		{Category: "contact", Discloser: "school", Recipient: "swv", RecipientOrg: 20},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("asked %+v, want %+v", got, want)
	}
	if (Facts{}).consentRoute(read, swv) != nil {
		t.Error("without a register the route must be nil (no consent look-up)")
	}
}
