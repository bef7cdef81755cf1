package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/envelope"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/storage"
)

// Content encryption (issue 17). Every free text, uploaded document and special-category field
// about a pupil is stored sealed with that pupil's own data key (internal/envelope); the data
// keys live wrapped by the region's key in the key vault (KeyVault), a separate database, so
// that destroying a pupil's key also makes the content in every backup of the main database
// unreadable. docs/sleutels.md describes the construction and the backup rules.
//
// Other packages use two helpers:
//
//	sealed, err := tx.SealForPupil(ctx, regionID, pupilID, "tabel.kolom", text) // in the write transaction
//	text, err := db.OpenForPupil(ctx, regionID, pupilID, "tabel.kolom", sealed)  // on read
//
// "tabel.kolom" must be the same on both sides (it is bound into the ciphertext). OpenForPupil
// returns ContentDestroyed (and ErrContentDestroyed) once the pupil's key was destroyed, and a
// value written before content encryption as it is (EncryptLegacyContent seals those).

// ErrContentDestroyed is storage.ErrContentDestroyed.
var ErrContentDestroyed = storage.ErrContentDestroyed

// ErrNoKeyVault is returned when content must be sealed but the store has no key vault.
var ErrNoKeyVault = errors.New("de sleutelkluis voor inhoud is niet ingesteld")

// ContentDestroyed is what a reader shows in place of destroyed content.
const ContentDestroyed = "[inhoud vernietigd]"

// RegionKeyRing is what the vault needs of the region key ring (ident.KeyRing).
type RegionKeyRing interface {
	Region(code string) (*ident.RegionKeys, error)
}

// KeyVault keeps the pupils' data keys, each wrapped by its region's current data key.
type KeyVault struct {
	db   *DB
	ring RegionKeyRing
	code func(ctx context.Context, regionID int64) (string, error)

	mu      sync.Mutex
	cache   map[[2]int64]cachedKey
	aliases map[aliasRef]cachedAlias // per-pupil audit aliases (audit_alias.go)
	// aliasesFilled: regions whose keys made before aliases got theirs (backfillAliases).
	aliasesFilled map[int64]bool
}

type cachedKey struct {
	key *envelope.Key
	at  time.Time
}

// keyCacheTTL bounds how long an unwrapped key stays in memory, so that another instance
// forgets a destroyed key within this time; keyCacheMax bounds the memory.
const (
	keyCacheTTL = 5 * time.Minute
	keyCacheMax = 20000
)

const vaultSchema = `CREATE TABLE IF NOT EXISTS leerling_sleutel (
	id {{id}},
	regio_id BIGINT NOT NULL,
	leerling_id BIGINT NOT NULL,
	sleutel {{bytes}},
	regio_sleutel_versie BIGINT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	herverpakt_op BIGINT,
	vernietigd_op BIGINT,
	audit_alias TEXT,
	UNIQUE (regio_id, leerling_id)
)`

// vaultAliasColumn adds the audit alias (audit_alias.go) to a vault made before it; the main
// database gets it from migration 0712.
const vaultAliasColumn = `ALTER TABLE leerling_sleutel ADD COLUMN audit_alias TEXT`

// OpenKeyVault opens (and if needed creates) the key vault at dsn: a SQLite file path or a
// postgres:// URL. For SQLite it must be another file than the main database.
func OpenKeyVault(ctx context.Context, dsn string, ring RegionKeyRing) (*KeyVault, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("sleutelkluis: %w", err)
	}
	v, err := NewKeyVault(ctx, db, ring)
	if err != nil {
		db.Close()
		return nil, err
	}
	return v, nil
}

// NewKeyVault uses db (open, not the main SQLite database) as the key vault.
func NewKeyVault(ctx context.Context, db *DB, ring RegionKeyRing) (*KeyVault, error) {
	// The table exists when the vault is the main database (migration 0701); only a vault of its
	// own is created here (an application role without CREATE could not).
	if _, err := db.Exec(ctx, "SELECT 1 FROM leerling_sleutel WHERE 1 = 0"); err != nil {
		if _, err := db.Exec(ctx, db.expand(vaultSchema)); err != nil {
			return nil, fmt.Errorf("sleutelkluis aanmaken: %w", err)
		}
	}
	if _, err := db.Exec(ctx, "SELECT audit_alias FROM leerling_sleutel WHERE 1 = 0"); err != nil {
		if _, err := db.Exec(ctx, vaultAliasColumn); err != nil {
			return nil, fmt.Errorf("sleutelkluis bijwerken: %w", err)
		}
		if _, err := db.Exec(ctx, "CREATE INDEX IF NOT EXISTS leerling_sleutel_auditalias ON leerling_sleutel (regio_id, audit_alias)"); err != nil {
			return nil, fmt.Errorf("sleutelkluis bijwerken: %w", err)
		}
	}
	return &KeyVault{db: db, ring: ring, cache: map[[2]int64]cachedKey{}, aliases: map[aliasRef]cachedAlias{}, aliasesFilled: map[int64]bool{}}, nil
}

// Close closes the vault's database.
func (v *KeyVault) Close() error { return v.db.Close() }

// UseKeyVault makes db seal and open pupil content with the vault's keys.
func (db *DB) UseKeyVault(v *KeyVault) {
	var mu sync.Mutex
	codes := map[int64]string{}
	v.code = func(ctx context.Context, regionID int64) (string, error) {
		mu.Lock()
		c, ok := codes[regionID]
		mu.Unlock()
		if ok {
			return c, nil
		}
		if err := db.QueryRow(ctx, "SELECT code FROM regio WHERE id = ?", regionID).Scan(&c); err != nil {
			return "", fmt.Errorf("regio %d: %w", regionID, err)
		}
		mu.Lock()
		codes[regionID] = c
		mu.Unlock()
		return c, nil
	}
	db.vault = v
	if db.scopes != nil && v.db != db {
		db.setDefaultScope(db.RegionScope(context.Background())) // the vault follows the store's scope
	}
}

// KeyVault returns the vault the store uses, or nil.
func (db *DB) KeyVault() *KeyVault { return db.vault }

func (v *KeyVault) regionKeys(ctx context.Context, regionID int64) (*ident.RegionKeys, error) {
	if v.code == nil {
		return nil, errors.New("sleutelkluis: niet aan een database gekoppeld (UseKeyVault)")
	}
	code, err := v.code(ctx, regionID)
	if err != nil {
		return nil, err
	}
	return v.ring.Region(code)
}

// key returns the pupil's data key, creating it when create is set and the pupil has none.
func (v *KeyVault) key(ctx context.Context, regionID, pupilID int64, create bool) (*envelope.Key, error) {
	ck := [2]int64{regionID, pupilID}
	v.mu.Lock()
	if c, ok := v.cache[ck]; ok && time.Since(c.at) < keyCacheTTL {
		v.mu.Unlock()
		return c.key, nil
	}
	v.mu.Unlock()
	k, err := v.load(ctx, regionID, pupilID)
	if errors.Is(err, sql.ErrNoRows) && create {
		k, err = v.create(ctx, regionID, pupilID)
	}
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	if len(v.cache) >= keyCacheMax {
		clear(v.cache)
	}
	v.cache[ck] = cachedKey{key: k, at: time.Now()}
	v.mu.Unlock()
	return k, nil
}

func (v *KeyVault) load(ctx context.Context, regionID, pupilID int64) (*envelope.Key, error) {
	var id, version int64
	var wrapped []byte
	var destroyed sql.NullInt64
	err := v.db.QueryRow(ctx, "SELECT id, sleutel, regio_sleutel_versie, vernietigd_op FROM leerling_sleutel WHERE regio_id = ? AND leerling_id = ?",
		regionID, pupilID).Scan(&id, &wrapped, &version, &destroyed)
	if err != nil {
		return nil, fmt.Errorf("sleutel laden: %w", err)
	}
	if destroyed.Valid || len(wrapped) == 0 {
		return nil, ErrContentDestroyed
	}
	rk, err := v.regionKeys(ctx, regionID)
	if err != nil {
		return nil, err
	}
	raw, err := rk.Open(int(version), wrapped, envelope.WrapAAD(regionID, pupilID, id))
	if err != nil {
		return nil, fmt.Errorf("leerlingsleutel %d uitpakken: %w", id, err)
	}
	return envelope.NewAEADKey(id, raw)
}

func (v *KeyVault) create(ctx context.Context, regionID, pupilID int64) (*envelope.Key, error) {
	rk, err := v.regionKeys(ctx, regionID)
	if err != nil {
		return nil, err
	}
	raw, err := envelope.NewKey()
	if err != nil {
		return nil, fmt.Errorf("sleutel maken: %w", err)
	}
	var k *envelope.Key
	err = v.db.WithTx(ctx, func(tx *Tx) error {
		// The id goes into the wrapping's additional data, so the row is inserted first and
		// the wrapped key written once the id is known, in the same transaction.
		id, err := tx.InsertID(ctx, "INSERT INTO leerling_sleutel (regio_id, leerling_id, regio_sleutel_versie, aangemaakt_op) VALUES (?, ?, ?, ?)",
			regionID, pupilID, rk.CurrentDataKeyVersion(), time.Now().UnixMilli())
		if err != nil {
			return fmt.Errorf("sleutel maken: %w", err)
		}
		version, wrapped, err := rk.Seal(raw, envelope.WrapAAD(regionID, pupilID, id))
		if err != nil {
			return fmt.Errorf("sleutel maken: %w", err)
		}
		if k, err = envelope.NewAEADKey(id, raw); err != nil {
			return fmt.Errorf("sleutel maken: %w", err)
		}
		_, err = tx.Exec(ctx, "UPDATE leerling_sleutel SET sleutel = ?, regio_sleutel_versie = ?, audit_alias = ? WHERE id = ?", wrapped, version, k.AuditAlias(regionID, pupilID), id)
		return err
	})
	if err != nil && isUnique(err) {
		return v.load(ctx, regionID, pupilID) // another writer made it first
	}
	if err != nil {
		return nil, fmt.Errorf("leerlingsleutel maken: %w", err)
	}
	return k, nil
}

// Prepare makes the data keys of the given pupils that have none yet, all in one vault
// transaction (one fsync instead of one per pupil): for bulk writers such as imports and the demo.
// Pupils with a key, or a destroyed one, are left alone. It returns how many keys it made.
func (v *KeyVault) Prepare(ctx context.Context, regionID int64, pupilIDs []int64) (int, error) {
	rk, err := v.regionKeys(ctx, regionID)
	if err != nil {
		return 0, err
	}
	have := map[int64]bool{}
	rows, err := v.db.Query(ctx, "SELECT leerling_id FROM leerling_sleutel WHERE regio_id = ?", regionID)
	if err != nil {
		return 0, fmt.Errorf("sleutels voorbereiden: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sleutels voorbereiden: %w", err)
		}
		have[id] = true
	}
	rows.Close()
	n := 0
	err = v.db.WithTx(ctx, func(tx *Tx) error {
		for _, p := range pupilIDs {
			if have[p] {
				continue
			}
			have[p] = true
			raw, err := envelope.NewKey()
			if err != nil {
				return fmt.Errorf("sleutels voorbereiden: %w", err)
			}
			id, err := tx.InsertID(ctx, "INSERT INTO leerling_sleutel (regio_id, leerling_id, regio_sleutel_versie, aangemaakt_op) VALUES (?, ?, ?, ?)",
				regionID, p, rk.CurrentDataKeyVersion(), time.Now().UnixMilli())
			if err != nil {
				return fmt.Errorf("sleutels voorbereiden: %w", err)
			}
			version, wrapped, err := rk.Seal(raw, envelope.WrapAAD(regionID, p, id))
			if err != nil {
				return fmt.Errorf("sleutels voorbereiden: %w", err)
			}
			k, err := envelope.NewAEADKey(id, raw)
			if err != nil {
				return fmt.Errorf("sleutels voorbereiden: %w", err)
			}
			if _, err := tx.Exec(ctx, "UPDATE leerling_sleutel SET sleutel = ?, regio_sleutel_versie = ?, audit_alias = ? WHERE id = ?", wrapped, version, k.AuditAlias(regionID, p), id); err != nil {
				return fmt.Errorf("sleutels voorbereiden: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("leerlingsleutels maken: %w", err)
	}
	return n, nil
}

// Destroy destroys the pupil's data key (crypto-shredding): the wrapped key is overwritten and
// a tombstone stays, so no new key is made for this pupil and readers say the content was
// destroyed. It reports whether a key existed. Destroying twice is harmless.
func (v *KeyVault) Destroy(ctx context.Context, regionID, pupilID int64, now time.Time) (bool, error) {
	var existed bool
	err := v.db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, "UPDATE leerling_sleutel SET sleutel = NULL, audit_alias = NULL, vernietigd_op = ? WHERE regio_id = ? AND leerling_id = ? AND vernietigd_op IS NULL",
			now.UnixMilli(), regionID, pupilID)
		if err != nil {
			return fmt.Errorf("sleutel vernietigen: %w", err)
		}
		n, _ := res.RowsAffected()
		existed = n > 0
		if !existed {
			_, err = tx.Exec(ctx, `INSERT INTO leerling_sleutel (regio_id, leerling_id, regio_sleutel_versie, aangemaakt_op, vernietigd_op)
				SELECT ?, ?, 0, ?, ? WHERE NOT EXISTS (SELECT 1 FROM leerling_sleutel WHERE regio_id = ? AND leerling_id = ?)`,
				regionID, pupilID, now.UnixMilli(), now.UnixMilli(), regionID, pupilID)
		}
		return wrapErr(err, "sleutel vernietigen")
	})
	if err != nil {
		return false, fmt.Errorf("leerlingsleutel vernietigen: %w", err)
	}
	v.mu.Lock()
	delete(v.cache, [2]int64{regionID, pupilID})
	for ref, a := range v.aliases {
		if ref.region == regionID && a.pupil == pupilID {
			delete(v.aliases, ref)
		}
	}
	v.mu.Unlock()
	v.scrub(ctx)
	return existed, nil
}

// scrub removes the overwritten key bytes from the vault's files as far as the engine allows:
// SQLite runs with secure_delete (freed pages are zeroed) and the WAL is checkpointed and
// truncated; PostgreSQL vacuums the table so the dead row version is removed. Errors are
// ignored: the key is already gone from the live table.
func (v *KeyVault) scrub(ctx context.Context) {
	if v.db.dialect == SQLite {
		v.db.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return
	}
	v.db.Exec(ctx, "VACUUM leerling_sleutel")
}

// Rewrap wraps every live pupil key of the region whose wrapping is not under the region's
// current data key again with the current one (after ident.KeyRing.RotateDataKey). The content
// sealed with the pupil keys is not touched. It returns how many keys it rewrapped.
func (v *KeyVault) Rewrap(ctx context.Context, regionID int64, now time.Time) (int, error) {
	rk, err := v.regionKeys(ctx, regionID)
	if err != nil {
		return 0, err
	}
	cur := int64(rk.CurrentDataKeyVersion())
	type row struct {
		id, pupil, version int64
		wrapped            []byte
	}
	var todo []row
	rows, err := v.db.Query(ctx, "SELECT id, leerling_id, regio_sleutel_versie, sleutel FROM leerling_sleutel WHERE regio_id = ? AND vernietigd_op IS NULL AND regio_sleutel_versie <> ?", regionID, cur)
	if err != nil {
		return 0, fmt.Errorf("sleutels opnieuw inpakken: %w", err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.pupil, &r.version, &r.wrapped); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sleutels opnieuw inpakken: %w", err)
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sleutels opnieuw inpakken: %w", err)
	}
	n := 0
	for start := 0; start < len(todo); start += 500 {
		batch := todo[start:min(start+500, len(todo))]
		err := v.db.WithTx(ctx, func(tx *Tx) error {
			for _, r := range batch {
				aad := envelope.WrapAAD(regionID, r.pupil, r.id)
				raw, err := rk.Open(int(r.version), r.wrapped, aad)
				if err != nil {
					return fmt.Errorf("leerlingsleutel %d: %w", r.id, err)
				}
				version, wrapped, err := rk.Seal(raw, aad)
				if err != nil {
					return fmt.Errorf("sleutels opnieuw inpakken: %w", err)
				}
				if _, err := tx.Exec(ctx, "UPDATE leerling_sleutel SET sleutel = ?, regio_sleutel_versie = ?, herverpakt_op = ? WHERE id = ? AND vernietigd_op IS NULL",
					wrapped, version, now.UnixMilli(), r.id); err != nil {
					return fmt.Errorf("sleutels opnieuw inpakken: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("herverpakken: %w", err)
		}
		n += len(batch)
	}
	return n, nil
}

// KeyStats counts the region's pupil keys by state and by region key version.
type KeyStats struct {
	Live, Destroyed int
	ByVersion       map[int]int
}

// Stats counts the region's pupil keys.
func (v *KeyVault) Stats(ctx context.Context, regionID int64) (KeyStats, error) {
	s := KeyStats{ByVersion: map[int]int{}}
	rows, err := v.db.Query(ctx, "SELECT regio_sleutel_versie, vernietigd_op IS NOT NULL, COUNT(*) FROM leerling_sleutel WHERE regio_id = ? GROUP BY regio_sleutel_versie, vernietigd_op IS NOT NULL", regionID)
	if err != nil {
		return s, fmt.Errorf("sleuteltelling lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var version, n int
		var destroyed bool
		if err := rows.Scan(&version, &destroyed, &n); err != nil {
			return s, fmt.Errorf("sleuteltelling lezen: %w", err)
		}
		if destroyed {
			s.Destroyed += n
		} else {
			s.Live += n
			s.ByVersion[version] += n
		}
	}
	return s, rows.Err()
}

// DestroyedPupils lists the pupils of the region whose key was destroyed.
func (v *KeyVault) DestroyedPupils(ctx context.Context, regionID int64) ([]int64, error) {
	rows, err := v.db.Query(ctx, "SELECT leerling_id FROM leerling_sleutel WHERE regio_id = ? AND vernietigd_op IS NOT NULL ORDER BY leerling_id", regionID)
	if err != nil {
		return nil, fmt.Errorf("vernietigde leerlingsleutels lezen: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("vernietigde leerlingsleutels lezen: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Destroyed reports whether the pupil's key was destroyed.
func (v *KeyVault) Destroyed(ctx context.Context, regionID, pupilID int64) (bool, error) {
	var d sql.NullInt64
	err := v.db.QueryRow(ctx, "SELECT vernietigd_op FROM leerling_sleutel WHERE regio_id = ? AND leerling_id = ?", regionID, pupilID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return d.Valid, wrapErr(err, "vernietiging van leerlingsleutel lezen")
}

func (db *DB) contentKey(ctx context.Context, regionID, pupilID int64, create bool) (*envelope.Key, error) {
	if db.vault == nil {
		return nil, ErrNoKeyVault
	}
	if pupilID == 0 {
		return nil, errors.New("inhoud verzegelen: geen leerling")
	}
	return db.vault.key(ctx, regionID, pupilID, create)
}

// SealForPupil seals a text about a pupil for storage in field ("table.column"); an empty text
// stays empty. The pupil's key is made on first use.
func (t *Tx) SealForPupil(ctx context.Context, regionID, pupilID int64, field, plain string) (string, error) {
	if plain == "" || !sealingEnabled {
		return plain, nil
	}
	k, err := t.db.contentKey(ctx, regionID, pupilID, true)
	if err != nil {
		return "", fmt.Errorf("%s verzegelen: %w", field, err)
	}
	return k.Seal(envelope.Binding{Region: regionID, Pupil: pupilID, Field: field}, []byte(plain))
}

// SealBytesForPupil seals a document (an upload) about a pupil; the stored form is text.
func (t *Tx) SealBytesForPupil(ctx context.Context, regionID, pupilID int64, field string, doc []byte) (string, error) {
	if len(doc) == 0 || !sealingEnabled {
		return string(doc), nil
	}
	k, err := t.db.contentKey(ctx, regionID, pupilID, true)
	if err != nil {
		return "", fmt.Errorf("%s verzegelen: %w", field, err)
	}
	return k.Seal(envelope.Binding{Region: regionID, Pupil: pupilID, Field: field}, doc)
}

// OpenForPupil opens what SealForPupil stored. A value stored before content encryption is
// returned as it is. When the pupil's key was destroyed it returns ContentDestroyed with
// ErrContentDestroyed.
func (db *DB) OpenForPupil(ctx context.Context, regionID, pupilID int64, field, stored string) (string, error) {
	b, err := db.OpenBytesForPupil(ctx, regionID, pupilID, field, stored)
	if errors.Is(err, ErrContentDestroyed) {
		return ContentDestroyed, err
	}
	return string(b), err
}

// OpenBytesForPupil opens what SealBytesForPupil stored.
func (db *DB) OpenBytesForPupil(ctx context.Context, regionID, pupilID int64, field, stored string) ([]byte, error) {
	if !envelope.IsSealed(stored) {
		return []byte(stored), nil
	}
	k, err := db.contentKey(ctx, regionID, pupilID, false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", field, ErrContentDestroyed) // sealed, but the vault has no key at all
	}
	if err != nil {
		return nil, err
	}
	plain, err := k.Open(envelope.Binding{Region: regionID, Pupil: pupilID, Field: field}, stored)
	if err != nil {
		return nil, fmt.Errorf("%s van leerling %d: %w", field, pupilID, err)
	}
	return plain, nil
}

// opener opens many fields of one pupil for a reader: destroyed content becomes
// ContentDestroyed, any other failure is kept in err (first one wins).
type opener struct {
	ctx    context.Context
	db     *DB
	region int64
	err    error
}

func (db *DB) opener(ctx context.Context, regionID int64) *opener {
	return &opener{ctx: ctx, db: db, region: regionID}
}

// open replaces *s (stored form) with its plain text.
func (o *opener) open(pupilID int64, field string, s *string) {
	if o.err != nil || !envelope.IsSealed(*s) {
		return
	}
	plain, err := o.db.OpenForPupil(o.ctx, o.region, pupilID, field, *s)
	if err != nil && !errors.Is(err, ErrContentDestroyed) {
		o.err = err
		return
	}
	*s = plain
}

// sealer seals many fields of one pupil in a write transaction (first failure kept).
type sealer struct {
	ctx    context.Context
	tx     *Tx
	region int64
	pupil  int64
	err    error
}

func (t *Tx) sealer(ctx context.Context, regionID, pupilID int64) *sealer {
	return &sealer{ctx: ctx, tx: t, region: regionID, pupil: pupilID}
}

// seal returns the stored form of plain for field.
func (s *sealer) seal(field, plain string) string {
	if s.err != nil || plain == "" {
		return ""
	}
	out, err := s.tx.SealForPupil(s.ctx, s.region, s.pupil, field, plain)
	if err != nil {
		s.err = err
	}
	return out
}

// casePupil returns the pupil a case is about (for sealing its child rows).
func (t *Tx) casePupil(ctx context.Context, regionID, caseID int64) (int64, error) {
	var p int64
	err := t.QueryRow(ctx, "SELECT leerling_id FROM casus WHERE regio_id = ? AND id = ?", regionID, caseID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("casus %d: %w", caseID, ErrNotFound)
	}
	return p, wrapErr(err, "leerling van de casus lezen")
}

func (db *DB) casePupil(ctx context.Context, regionID, caseID int64) (int64, error) {
	var p int64
	err := db.QueryRow(ctx, "SELECT leerling_id FROM casus WHERE regio_id = ? AND id = ?", regionID, caseID).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("casus %d: %w", caseID, ErrNotFound)
	}
	return p, wrapErr(err, "leerling van de casus lezen")
}
