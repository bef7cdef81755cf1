package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"golang.org/x/mod/sumdb/note"
)

// loadRing reads the key ring from GRONDSLAG_SLEUTELS or the key file, without creating anything:
// a missing key file is an empty ring.
func (c *config) loadRing() (*ident.KeyRing, error) {
	if strings.TrimSpace(c.KeysJSON) != "" {
		return ident.ParseKeyRing([]byte(c.KeysJSON))
	}
	return ident.OpenKeyFile(c.KeyFile)
}

// keyRing returns the key ring, checked once against the store that openStore opened: a key that
// differs from the fingerprints the database records is refused with the expected fingerprint,
// and a region the ring lacks fails on first use naming the fingerprints it needs. Nothing is
// ever created here.
func (c *config) keyRing() (*ident.KeyRing, error) {
	if c.ring != nil {
		return c.ring, nil
	}
	ring, err := c.loadRing()
	if err != nil {
		return nil, err
	}
	if c.db != nil {
		if err := verifyRing(context.Background(), c.db, ring, false); err != nil {
			return nil, err
		}
	}
	c.ring = ring
	return ring, nil
}

// verifyRing compares the ring with the fingerprints the store records for each region. With all
// set (serve), every region must have its keys; otherwise a region the ring does not hold is only
// refused when a command asks for its keys (ident.KeyRing.Region names what is expected).
func verifyRing(ctx context.Context, db *store.DB, ring *ident.KeyRing, all bool) (err error) {
	defer wrap(&err, "sleutels controleren")
	regions, err := db.Regions(ctx)
	if err != nil {
		return err
	}
	for _, r := range regions {
		fps, err := db.KeyFingerprints(ctx, r.ID)
		if err != nil {
			return err
		}
		if !all && !ring.Has(r.Code) {
			ring.Expect(r.Code, fps)
			continue
		}
		if _, err := ring.Verify(r.Code, fps); err != nil {
			return err
		}
	}
	return nil
}

func runSleutels(ctx context.Context, e env) (err error) {
	defer wrap(&err, "sleutels beheren")
	usage := "gebruik: grondslag sleutels aanmaken|koppelen|toon|roteren [opties]"
	if len(e.args) == 0 {
		return withExit(2, errors.New(usage))
	}
	sub, args := e.args[0], e.args[1:]
	fs := newFlagSet(e, "sleutels "+sub, "sleutels "+sub+" [--regio CODE] [--db …] [--sleutels BESTAND]")
	cfg := storeFlags(fs, e)
	kind := ""
	if sub == "roteren" {
		fs.StringVar(&kind, "soort", "", "welke sleutel: gegevens (de sleutel die gegevens en leerlingsleutels versleutelt) of ondertekening (controlepunten van het auditlog)")
	}
	switch sub {
	case "aanmaken", "koppelen", "toon", "roteren":
	default:
		return withExit(2, errors.New(usage))
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, err := cfg.region(ctx, db)
	if err != nil {
		return err
	}
	ring, err := cfg.loadRing()
	if err != nil {
		return err
	}
	bound, err := db.KeyFingerprints(ctx, reg.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	switch sub {
	case "toon":
		fmt.Fprintf(e.stdout, "Regio %s; sleutels gezocht in %s\n", reg.Code, ring.Source())
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "soort\tversie\tvastgelegd in de database\tin de sleutels")
		held := map[string]string{}
		if k, err := ring.Region(reg.Code); err == nil {
			for _, f := range k.Fingerprints() {
				held[fmt.Sprint(f.Kind, f.Version)] = f.Fingerprint
			}
		}
		seen := map[string]bool{}
		for _, f := range bound {
			k := fmt.Sprint(f.Kind, f.Version)
			seen[k] = true
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", f.Kind, f.Version, f.Fingerprint, dash(held[k]))
		}
		if k, err := ring.Region(reg.Code); err == nil {
			for _, f := range k.Fingerprints() {
				if !seen[fmt.Sprint(f.Kind, f.Version)] {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", f.Kind, f.Version, "-", f.Fingerprint)
				}
			}
		}
		tw.Flush()
		if _, err := ring.Verify(reg.Code, bound); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "De sleutels passen bij de database.")
		return nil
	case "aanmaken":
		if len(bound) > 0 {
			return fmt.Errorf("regio %s heeft al sleutels (vastgelegd in de database); nieuwe sleutels zouden bestaande gegevens onleesbaar maken. Roteren kan met 'grondslag sleutels roteren'", reg.Code)
		}
		if n, err := regionDataCount(ctx, db, reg.ID); err != nil {
			return err
		} else if n > 0 {
			return fmt.Errorf("regio %s heeft al %d leerlingen of auditregels, geschreven met sleutels die de database nog niet kent; zoek die sleutels en leg ze vast met 'grondslag sleutels koppelen --regio %s'", reg.Code, n, reg.Code)
		}
		keys, err := ring.Create(reg.Code)
		if err != nil {
			return err
		}
		if _, err := db.BindKeys(ctx, reg.ID, keys.Fingerprints(), now); err != nil {
			return errors.Join(err, ring.Discard(reg.Code))
		}
		fmt.Fprintf(e.stdout, "sleutels voor regio %s aangemaakt in %s en vastgelegd in de database\n", reg.Code, ring.Source())
		printFingerprints(e, keys.Fingerprints())
		return nil
	case "koppelen":
		if len(bound) > 0 {
			if _, err := ring.Verify(reg.Code, bound); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "regio %s: de sleutels waren al vastgelegd en passen\n", reg.Code)
			return nil
		}
		keys, err := ring.Region(reg.Code)
		if err != nil {
			return err
		}
		if err := checkSigningAgainstCheckpoints(ctx, db, reg, keys); err != nil {
			return err
		}
		if _, err := db.BindKeys(ctx, reg.ID, keys.Fingerprints(), now); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "sleutels van regio %s uit %s vastgelegd in de database\n", reg.Code, ring.Source())
		printFingerprints(e, keys.Fingerprints())
		return nil
	case "roteren":
		if _, err := ring.Verify(reg.Code, bound); err != nil {
			return err
		}
		var v int
		switch kind {
		case "gegevens":
			v, err = ring.RotateDataKey(reg.Code)
		case "ondertekening":
			v, err = ring.RotateSigningKey(reg.Code)
		default:
			return withExit(2, errors.New("--soort moet gegevens of ondertekening zijn"))
		}
		if err != nil {
			return err
		}
		keys, err := ring.Region(reg.Code)
		if err != nil {
			return err
		}
		if _, err := db.BindKeys(ctx, reg.ID, keys.Fingerprints(), now); err != nil {
			return fmt.Errorf("%w; de nieuwe sleutel staat wel in %s: voer de opdracht opnieuw uit met hetzelfde sleutelbestand nadat de database weer bereikbaar is", err, ring.Source())
		}
		fmt.Fprintf(e.stdout, "regio %s: %s-sleutel versie %d is nu in gebruik; oudere versies blijven voor bestaande gegevens en controlepunten\n", reg.Code, kind, v)
		if kind == "ondertekening" {
			fmt.Fprintln(e.stdout, "Geef externe controleurs de nieuwe verificatiesleutel: grondslag audit sleutel")
		}
		return nil
	}
	return nil
}

func printFingerprints(e env, fps []ident.Fingerprint) {
	for _, f := range fps {
		fmt.Fprintf(e.stdout, "  %s\n", f)
	}
}

// regionDataCount counts the region's pupils and audit entries: data written with some key.
func regionDataCount(ctx context.Context, db *store.DB, regionID int64) (int64, error) {
	var pupils int64
	if err := db.QueryRow(ctx, "SELECT count(*) FROM leerling WHERE regio_id = ?", regionID).Scan(&pupils); err != nil {
		return 0, err
	}
	size, _, err := store.NewAuditStore(db).Head(ctx, regionID)
	return pupils + int64(size), err
}

// checkSigningAgainstCheckpoints refuses to bind a ring whose signing keys verify none of the
// region's stored checkpoints (when there are any): the clearest sign of a wrong key file.
func checkSigningAgainstCheckpoints(ctx context.Context, db *store.DB, reg regionRef, keys *ident.RegionKeys) error {
	cp, err := store.NewAuditStore(db).LatestCheckpoint(ctx, reg.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	vs, err := regionVerifiers(reg.Code, keys)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if _, err := audit.OpenCheckpoint(cp.Note, v); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: de ondertekeningssleutels in dit sleutelbestand ondertekenden het laatste controlepunt van regio %s niet; dit is niet het sleutelbestand van deze regio", ident.ErrKeyMismatch, reg.Code)
}

// regionVerifiers returns note verifiers for every signing key version of the region, the current
// one first: checkpoints signed before a rotation keep verifying.
func regionVerifiers(code string, keys *ident.RegionKeys) ([]note.Verifier, error) {
	pubs := keys.SigningPublicKeys()
	versions := make([]int, 0, len(pubs))
	for v := range pubs {
		versions = append(versions, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(versions)))
	out := make([]note.Verifier, 0, len(versions))
	for _, v := range versions {
		vkey, err := audit.VerifierKey(audit.Origin(code), pubs[v])
		if err != nil {
			return nil, err
		}
		nv, err := audit.ParseVerifierKey(vkey)
		if err != nil {
			return nil, err
		}
		out = append(out, nv)
	}
	return out, nil
}
