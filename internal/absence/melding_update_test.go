package absence

import "testing"

func TestUpgradeMeldingType(t *testing.T) {
	for _, tc := range []struct {
		cur  MeldingType
		kind Kind
		want MeldingType
		ok   bool
	}{
		{MeldingStarting, Kind16Hours, Melding16Hours, true},
		{MeldingStarting, KindLongTerm, Melding16Hours, true},
		{MeldingStarting, KindStarting, MeldingStarting, false},
		{Melding16Hours, KindLongTerm, Melding16Hours, false},
		{MeldingLuxury, Kind16Hours, MeldingLuxury, false},
		{MeldingSignal, Kind16Hours, MeldingSignal, false},
	} {
		got, ok := UpgradeMeldingType(tc.cur, tc.kind)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s + %s: %s %v, want %s %v", tc.cur, tc.kind, got, ok, tc.want, tc.ok)
		}
	}
	u := MeldingUpdate{From: MeldingStarting, To: Melding16Hours}
	if !u.Upgraded() || (MeldingUpdate{From: Melding16Hours, To: Melding16Hours}).Upgraded() {
		t.Fatal("Upgraded")
	}
}
