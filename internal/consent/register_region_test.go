package consent

import (
	"context"
	"errors"
	"testing"
)

// TestRegisterUsesEachRegionsRules: a register over several regions (WithRegionConfig) answers
// with the rules of the region asked about. Region 2's convenant asks both parents with gezag
// for signalering; region 1 keeps the model's one parent. A register without per-region rules
// keeps its own; an unknown region is an error, never the default's answer.
func TestRegisterUsesEachRegionsRules(t *testing.T) {
	ctx := context.Background()
	strict, err := NewRules(Rule{Purpose: PurposeSignalering, ConsentRequired: true, PupilAlsoFrom: 16, PupilAloneFrom: 16,
		Parents: ParentsAll, Source: "convenant regio 2, artikel 22"})
	if err != nil {
		t.Fatal(err)
	}
	strictCfg, err := NewConfig(strict, DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	errUnknown := errors.New("onbekende regio")
	repo := &memRepo{fam: family("2014-01-01")}
	base := NewRegister(repo, BuiltinConfig(), nil)
	reg := base.WithRegionConfig(func(_ context.Context, regionID int64) (Config, error) {
		switch regionID {
		case 1:
			return BuiltinConfig(), nil
		case 2:
			return strictCfg, nil
		}
		return Config{}, errUnknown
	})
	now := at("2026-04-01 09:00")
	r1, err := reg.Needed(ctx, 1, 1, PurposeSignalering, now)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := reg.Needed(ctx, 2, 1, PurposeSignalering, now)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Parents != ParentsOne || r2.Parents != ParentsAll {
		t.Errorf("signalering: region 1 asks %q (want %q), region 2 asks %q (want %q)", r1.Parents, ParentsOne, r2.Parents, ParentsAll)
	}
	if own, err := base.Needed(ctx, 2, 1, PurposeSignalering, now); err != nil || own.Parents != ParentsOne {
		t.Errorf("a register without per-region rules: %q, %v", own.Parents, err)
	}
	if _, err := reg.Needed(ctx, 3, 1, PurposeSignalering, now); !errors.Is(err, errUnknown) {
		t.Errorf("unknown region: %v", err)
	}
	// Recording follows the region's rules too: one parent suffices in region 1, not in 2.
	d := draft(ParentGiver(10))
	d.Purposes, d.Categories = []string{PurposeSignalering}, []string{"gezinssituatie"}
	if _, err := reg.Record(ctx, 1, d, nil); err != nil {
		t.Errorf("region 1, one parent: %v", err)
	}
	if _, err := reg.Record(ctx, 2, d, nil); err == nil {
		t.Error("region 2 recorded signalering consent of one parent where its convenant asks both")
	}
}
