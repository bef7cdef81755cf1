package region

import (
	"slices"
	"testing"
	"time"
)

func TestClasses(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"7A", []string{"7A"}, false},
		{" 7A ;  2  havo a;7A", []string{"7A", "2 havo a"}, false},
		{"groep 5/6", []string{"groep 5/6"}, false},
		{"7A,7B", nil, true},
		{"1234567890123456789012345678901", nil, true},
		{"7\tA", []string{"7 A"}, false},
		{"7\u0000A", nil, true},
	} {
		got, err := ParseClasses(c.in)
		if (err != nil) != c.wantErr || !slices.Equal(got, c.want) {
			t.Errorf("ParseClasses(%q) = %q, %v", c.in, got, err)
		}
	}
	if _, err := NewEnrolment(Enrolment{SchoolID: 1, Number: "1", From: mustDate("2024-08-26"), Year: "groep 7", Class: "7;A"}); err == nil {
		t.Error("an enrolment with a bad class was accepted")
	}
	if e, err := NewEnrolment(Enrolment{SchoolID: 1, Number: "1", From: mustDate("2024-08-26"), Year: "groep 7", Class: "  "}); err != nil || e.Class != "" {
		t.Errorf("blank class: %q %v", e.Class, err)
	}
}

func mustDate(s string) time.Time {
	d, err := ParseDate("datum", s)
	if err != nil {
		panic(err)
	}
	return d
}
