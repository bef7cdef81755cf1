package tenant_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"github.com/grondslag/grondslag/internal/tenant"
)

// strictConvenant is the model convenant in which the mentor no longer reads or records absence
// for signalering (the school-mentor exchange loses the category verzuim).
func strictConvenant(t *testing.T) string {
	t.Helper()
	src := string(convenant.DefaultYAML())
	i := strings.Index(src, "  - id: school-mentor\n")
	if i < 0 {
		t.Fatal("the model convenant has no exchange school-mentor; pick another rule for this test")
	}
	j := strings.Index(src[i:], "categorieen: [identificatie, contact, onderwijs, verzuim]")
	if j < 0 || strings.Contains(src[i:i+j], "\n  - id:") {
		t.Fatal("the exchange school-mentor no longer lists identificatie, contact, onderwijs, verzuim; adapt this test")
	}
	src = src[:i+j] + "categorieen: [identificatie, contact, onderwijs]" + src[i+j+len("categorieen: [identificatie, contact, onderwijs, verzuim]"):]
	// …and signs its users out after 15 idle minutes instead of 30.
	if !strings.Contains(src, "    inactief: 30m\n") {
		t.Fatal("the model convenant no longer states sessieduur.inactief: 30m; adapt this test")
	}
	src = strings.Replace(src, "    inactief: 30m\n", "    inactief: 15m\n", 1)
	path := filepath.Join(t.TempDir(), "streng.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(path string) (*convenant.Compiled, error) {
	if path == "" {
		return convenant.Default()
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return convenant.Load(src, path)
}

var mentorReadsAbsence = policy.Request{Actor: policy.Actor{Party: "school", Role: "mentor"}, Action: policy.Read, Category: "verzuim", Purpose: "signalering",
	Context: policy.Context{Level: policy.LevelPerson}}

// TestTwoRegionsTwoConvenants: one registry over a database with two regions, each with its own
// convenant. A decision in one region uses that region's rules only (the same question gets
// each region's answer, under each region's convenant version); a region's decision point and
// casework service refuse the other region; a region created later is served too.
func TestTwoRegionsTwoConvenants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now()
		a, err := db.CreateRegion(ctx, region.Region{Code: "regio-a", Name: "Regio A", Holiday: region.Noord}, now)
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.CreateRegion(ctx, region.Region{Code: "regio-b", Name: "Regio B", Holiday: region.Zuid}, now)
		if err != nil {
			t.Fatal(err)
		}
		ring, err := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json")) // makes a region's keys on first use
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tenant.Open(ctx, db, ring, tenant.Config{PerRegion: map[string]string{"regio-x": "x.yaml"}, Load: load, Now: time.Now}); err == nil {
			t.Error("a convenant for a region the database does not hold was accepted")
		}
		reg, err := tenant.Open(ctx, db, ring, tenant.Config{PerRegion: map[string]string{"regio-b": strictConvenant(t)}, Load: load, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(reg.Regions()); n != 2 {
			t.Fatalf("%d regions loaded", n)
		}
		pa, err := reg.For(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := reg.For(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pa.Convenant().Hash() == pb.Convenant().Hash() {
			t.Fatal("both regions decide by the same convenant")
		}
		da, err := pa.Ask(ctx, access.Request{RegionID: a.ID, Request: mentorReadsAbsence})
		if err != nil {
			t.Fatal(err)
		}
		db2, err := pb.Ask(ctx, access.Request{RegionID: b.ID, Request: mentorReadsAbsence})
		if err != nil {
			t.Fatal(err)
		}
		if !da.Allowed || db2.Allowed {
			t.Fatalf("region A allowed=%v (want true), region B allowed=%v (want false: %s)", da.Allowed, db2.Allowed, db2.Reason)
		}
		if da.ConvenantVersion != pa.Convenant().Hash() || db2.ConvenantVersion != pb.Convenant().Hash() {
			t.Errorf("a decision names another region's convenant: A %s, B %s", da.ConvenantVersion, db2.ConvenantVersion)
		}
		// A's point never decides for B, and the other way round.
		if _, err := pa.Ask(ctx, access.Request{RegionID: b.ID, Request: mentorReadsAbsence}); !errors.Is(err, access.ErrOtherRegion) {
			t.Errorf("region A's point decided for region B: %v", err)
		}
		if _, err := pb.For(ctx, a.ID); !errors.Is(err, access.ErrOtherRegion) {
			t.Errorf("region B's point served region A: %v", err)
		}
		// Each region's sessions end by its own convenant; a sweep keeps the longest.
		ta, err := reg.SessionTimeouts(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := reg.SessionTimeouts(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ta.Idle != 30*time.Minute || tb.Idle != 15*time.Minute || reg.LongestTimeouts().Idle != 30*time.Minute {
			t.Errorf("session idle limits: A %v (want 30m), B %v (want 15m), longest %v", ta.Idle, tb.Idle, reg.LongestTimeouts().Idle)
		}
		// Each region's consent rules are its own (the web's decision facts use them).
		if ca, err := reg.ConsentConfig(ctx, a.ID); err != nil || ca.Rules == nil {
			t.Errorf("consent config of A: %v", err)
		}
		if _, err := reg.SessionTimeouts(ctx, b.ID+1000); !errors.Is(err, tenant.ErrUnknownRegion) {
			t.Errorf("session limits of an unknown region: %v", err)
		}
		// Each region's casework service decides by its own convenant.
		ca, err := reg.Casework(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := reg.Casework(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ca == cb || ca.Guard().Convenant().Hash() != pa.Convenant().Hash() || cb.Guard().Convenant().Hash() != pb.Convenant().Hash() {
			t.Error("the casework services do not follow their region's convenant")
		}
		// A region created after start is served on first use; an unknown one is refused.
		c, err := db.CreateRegion(ctx, region.Region{Code: "regio-c", Name: "Regio C", Holiday: region.Midden}, now)
		if err != nil {
			t.Fatal(err)
		}
		if pc, err := reg.For(ctx, c.ID); err != nil || pc.RegionID() != c.ID {
			t.Errorf("new region: %v", err)
		}
		if _, err := reg.For(ctx, c.ID+100); !errors.Is(err, tenant.ErrUnknownRegion) {
			t.Errorf("unknown region: %v", err)
		}
	})
}
