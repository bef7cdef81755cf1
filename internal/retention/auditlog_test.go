package retention

import (
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// logPeriods: the model's auditlog period (20 years after recording), the GGD's own register 25.
var logPeriods = periods{
	{"auditlog", ""}:    {Category: "auditlog", Period: convenant.Period{Years: 20}, From: EventRecorded, Source: "artikel 27"},
	{"auditlog", "ggd"}: {Category: "auditlog", Party: "ggd", Period: convenant.Period{Years: 25}, From: EventRecorded, Source: "register GGD"},
}

func TestAuditLogPlanner(t *testing.T) {
	school := Controller{Party: "school", OrganisationID: 7}
	gem := Controller{Party: "gemeente", OrganisationID: 3}
	ggd := Controller{Party: "ggd", OrganisationID: 4}
	at := d("2026-02-28")
	e := func(i uint64, c Controller) AuditEntry { return AuditEntry{Index: i, Time: at, Controller: c} }
	run := func(p Periods, from, limit uint64, day string, approved map[Controller]uint64, es ...AuditEntry) *AuditLogPlanner {
		pl := NewAuditLogPlanner(p, from, limit, d(day))
		if approved != nil {
			pl.RequireApproval(approved)
		}
		for _, x := range es {
			if !pl.Add(x) {
				break
			}
		}
		return pl
	}
	for _, c := range []struct {
		name     string
		pl       *AuditLogPlanner
		to       uint64
		item     bool
		stop     string
		awaiting bool
	}{
		{"the last day of 20 years (28 February 2046)", run(logPeriods, 0, 10, "2046-02-28", nil, e(0, school)), 0, false, "bewaren tot en met 28 februari 2046", false},
		{"the day after", run(logPeriods, 0, 10, "2046-03-01", nil, e(0, school), e(1, Controller{}), e(2, gem)), 3, true, "", false},
		{"a pupil that exists stops it", run(logPeriods, 0, 10, "2046-03-01", nil, e(0, school), AuditEntry{Index: 1, Time: at, Controller: gem, LivePupil: true}, e(2, gem)), 1, true, "leerling die nog bestaat", false},
		{"the GGD's own 25 years", run(logPeriods, 0, 10, "2046-03-01", nil, e(0, school), e(1, ggd), e(2, school)), 1, true, "bewaren tot en met 28 februari 2051", false},
		{"capped at the signed checkpoint", run(logPeriods, 0, 2, "2046-03-01", nil, e(0, school), e(1, school), e(2, school)), 2, true, "controlepunt", false},
		{"from the current boundary", run(logPeriods, 5, 10, "2046-03-01", nil, e(5, school), e(7, school)), 6, true, "regel 6 ontbreekt", false},
		{"only entries without an organisation: no one decides", run(logPeriods, 0, 10, "2046-03-01", nil, e(0, Controller{}), e(1, Controller{})), 2, false, "", false},
		{"waits for the gemeente's approval", run(logPeriods, 0, 10, "2046-03-01", map[Controller]uint64{school: 5}, e(0, school), e(1, Controller{}), e(2, gem), e(3, school)), 2, true, "wacht op het besluit van gemeente", true},
		{"an approval that ends before the entry", run(logPeriods, 0, 10, "2046-03-01", map[Controller]uint64{school: 1, gem: 9}, e(0, school), e(1, school)), 1, true, "wacht op het besluit van school", true},
		{"no auditlog period in the convenant", run(periods{}, 0, 10, "2090-01-01", nil, e(0, school)), 0, false, "geen bewaartermijn voor het auditlog", false},
		{"another start event than recording", run(periods{{"auditlog", ""}: {Period: convenant.Period{Years: 1}, From: EventLeftSchool}}, 0, 10, "2090-01-01", nil, e(0, school)), 0, false, "alleen de vastlegging", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			it, ok := c.pl.Item()
			if c.pl.To != c.to || ok != c.item || !strings.Contains(c.pl.Stop, c.stop) || c.pl.AwaitsApproval != c.awaiting {
				t.Fatalf("to %d (want %d), item %v (want %v), stop %q (want %q), awaiting %v", c.pl.To, c.to, ok, c.item, c.pl.Stop, c.stop, c.pl.AwaitsApproval)
			}
			if ok && (it.Unit.Kind != UnitAuditLog || it.Unit.From != c.pl.From || it.Unit.To != c.to || it.Status != ItemProposed) {
				t.Fatalf("item: %+v", it)
			}
		})
	}
	pl := run(logPeriods, 0, 10, "2052-01-01", nil, e(0, school), e(1, ggd), e(2, gem), e(3, Controller{}))
	it, _ := pl.Item()
	if got := pl.Controllers(); len(got) != 3 || got[0] != gem || got[1] != ggd || got[2] != school {
		t.Fatalf("controllers: %v", got)
	}
	if it.DueFrom.Format(time.DateOnly) != "2051-03-01" || len(it.Rules) != 4 || !strings.Contains(strings.Join(it.Rules, "|"), "ggd — auditlog: 25 jaar na vastlegging (register GGD)") {
		t.Fatalf("due from %s, rules %q", it.DueFrom.Format(time.DateOnly), it.Rules)
	}
	if it.Unit.String() != "auditlog regels 0 tot 4" {
		t.Fatal(it.Unit.String())
	}
}
