package region

import (
	"strings"
	"testing"
	"time"
)

func TestReadResidents(t *testing.T) {
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	good := "bsn,voornaam,voorvoegsel,achternaam,geboortedatum\n999900018,Bart,,Jansen,2012-04-02\n999900031,Zoë,van,Dijk,15-06-2015\n"
	for name, in := range variants("bsn,voornaam,voorvoegsel,achternaam,geboortedatum", []string{"999900018", "Bart", "", "Jansen", "2012-04-02"}, []string{"999900031", "Zoë", "van", "Dijk", "15-06-2015"}) {
		rows, err := ReadResidents(strings.NewReader(in), now)
		if err != nil || len(rows) != 2 || rows[1].Pupil.LastName != "van Dijk" || rows[1].Pupil.FirstName != "Zoë" || rows[1].Line != 3 {
			t.Fatalf("%s: %+v %v", name, rows, err)
		}
	}
	if _, err := ReadResidents(strings.NewReader(good), now); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ in, want string }{
		"dubbel BSN":      {good + "999900018,Bart,,Jansen,2012-04-02\n", "regel 4, kolom bsn: dit BSN staat ook op regel 2"},
		"fout BSN":        {good + "123456789,X,,Y,2012-04-02\n", "regel 4, kolom bsn"},
		"geen datum":      {good + "999900043,X,,Y,31-02-2012\n", "regel 4, kolom geboortedatum"},
		"kolom ontbreekt": {"bsn,voornaam,achternaam\n", "geboortedatum"},
		"onbekende kolom": {"bsn,voornaam,achternaam,geboortedatum,adres\n", "adres"},
	} {
		if _, err := ReadResidents(strings.NewReader(tc.in), now); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
