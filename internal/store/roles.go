package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Least privilege on PostgreSQL (docs/beheer.md, "Databaserollen op PostgreSQL"): the role that runs
// `grondslag migrate` owns the schema (tables, triggers, functions); the application connects as
// a separate role that SetupAppRole grants only what it needs. On the audit log that is INSERT and
// SELECT: no UPDATE, DELETE or TRUNCATE, and since it owns nothing it cannot ALTER a table or drop
// the append-only triggers either. Row-level security per region is the defence in depth behind
// the regio_id in every query.

// appendOnlyTables may be inserted into and read by the application, never changed.
var appendOnlyTables = []string{"audit_regel", "audit_knoop", "audit_controlepunt", "audit_sleutel", "regio_sleutel", "audit_snoei"}

// noDeleteTables may be changed but never emptied by the application.
var noDeleteTables = []string{"audit_kop", "regio"}

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// RegionSetting is the PostgreSQL setting that row-level security compares regio_id with: rows of
// the region it names are visible and writable, '*' (AllRegionsSetting) opens every region, and
// when it is absent or empty nothing is (fail closed). The store sets it per connection pool
// (scope.go) and per transaction (SetRegion).
const RegionSetting = "grondslag.regio"

// SetupAppRole grants the application role its privileges on the current schema and enables
// row-level security on every table with a regio_id column. It runs as the schema's owner (the
// migration role), after Migrate, and may be run again after every migration (new tables get
// their grants then). The role is created (LOGIN, no password: set one, or use certificate or
// peer authentication) when it does not exist.
func (db *DB) SetupAppRole(ctx context.Context, role string) error {
	if db.dialect != Postgres {
		return fmt.Errorf("databaserollen bestaan alleen in PostgreSQL")
	}
	if !roleName.MatchString(role) {
		return fmt.Errorf("rolnaam %q: gebruik kleine letters, cijfers en _ (begin met een letter)", role)
	}
	var me, schema string
	if err := db.w.QueryRowContext(ctx, "SELECT current_user, current_schema()").Scan(&me, &schema); err != nil {
		return fmt.Errorf("applicatierol instellen: %w", err)
	}
	if me == role {
		return fmt.Errorf("de applicatierol %s is de rol waarmee gemigreerd wordt; gebruik voor migraties een andere rol (de eigenaar van het schema)", role)
	}
	var tables []string
	rows, err := db.w.QueryContext(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'regio_id' AND NOT a.attisdropped)
		ORDER BY c.relname`, schema)
	if err != nil {
		return fmt.Errorf("applicatierol instellen: %w", err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("applicatierol instellen: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("applicatierol instellen: %w", err)
	}
	q := func(s string) string { return `"` + s + `"` }
	r, s := q(role), q(schema)
	stmts := []string{
		fmt.Sprintf(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN CREATE ROLE %s LOGIN; END IF; END $$`, role, r),
		"REVOKE CREATE ON SCHEMA " + s + " FROM PUBLIC",
		"REVOKE ALL ON ALL TABLES IN SCHEMA " + s + " FROM " + r,
		"GRANT USAGE ON SCHEMA " + s + " TO " + r,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + s + " TO " + r,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + s + " TO " + r,
		"REVOKE INSERT, UPDATE, DELETE ON schema_migraties FROM " + r,
	}
	for _, t := range appendOnlyTables {
		stmts = append(stmts, "REVOKE UPDATE, DELETE, TRUNCATE ON "+q(t)+" FROM "+r)
	}
	// Pruning at the end of the log's own retention (audit_prune.go) empties blad and leerling of
	// entries below the recorded boundary; the trigger of migration 0320 refuses anything else.
	stmts = append(stmts, "GRANT UPDATE (blad, leerling) ON "+q("audit_regel")+" TO "+r)
	for _, t := range noDeleteTables {
		stmts = append(stmts, "REVOKE DELETE, TRUNCATE ON "+q(t)+" FROM "+r)
	}
	// regio_zichtbaar (migration 0012): the region the session names, every region for '*',
	// nothing when the setting is absent or empty. The list of regions (codes and names) stays
	// readable: a command resolves its region there before it can name one.
	for _, t := range append(tables, "regio") {
		col := "regio_id"
		if t == "regio" {
			col = "id"
		}
		c := "regio_zichtbaar(" + col + ")"
		stmts = append(stmts,
			"ALTER TABLE "+q(t)+" ENABLE ROW LEVEL SECURITY",
			"DROP POLICY IF EXISTS regio_isolatie ON "+q(t),
			"CREATE POLICY regio_isolatie ON "+q(t)+" TO "+r+" USING ("+c+") WITH CHECK ("+c+")",
		)
	}
	stmts = append(stmts,
		"DROP POLICY IF EXISTS regio_lezen ON regio",
		"CREATE POLICY regio_lezen ON regio FOR SELECT TO "+r+" USING (true)",
	)
	return db.WithTx(ctx, func(tx *Tx) error {
		for _, st := range stmts {
			if _, err := tx.tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("%w\n%s", err, strings.TrimSpace(st))
			}
		}
		return nil
	})
}

// SetRegion limits the rest of the transaction to one region on PostgreSQL (row-level security,
// see SetupAppRole); a no-op on SQLite.
func (t *Tx) SetRegion(ctx context.Context, regionID int64) error {
	if t.db.dialect != Postgres {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, "SELECT set_config('"+RegionSetting+"', $1, true)", fmt.Sprint(regionID))
	return wrapErr(err, "regio van de transactie instellen")
}
