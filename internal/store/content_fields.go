package store

import (
	"context"
	"fmt"
)

// ContentField is one column that holds content about a pupil and is stored sealed with the
// pupil's key. PupilExpr is the SQL (on alias t) that finds the pupil of a row.
type ContentField struct {
	Table, Column string
	PupilExpr     string
	Key           string // the row's key within its region; "" means id
}

func (f ContentField) key() string {
	if f.Key == "" {
		return "id"
	}
	return f.Key
}

// Name is "table.column", the name bound into the ciphertext.
func (f ContentField) Name() string { return f.Table + "." + f.Column }

const viaCase = "(SELECT c.leerling_id FROM casus c WHERE c.regio_id = t.regio_id AND c.id = t.casus_id)"

// ContentFields lists every sealed column. A new free-text or document column about a pupil
// belongs here (and is written with SealForPupil, read with OpenForPupil); the grep test
// (TestNoContentInClear) and EncryptLegacyContent use this list.
var ContentFields = []ContentField{
	{"casus", "vraag", "t.leerling_id", ""},
	{"casus", "escalatie_toelichting", "t.leerling_id", ""},
	{"casus", "besluit", "t.leerling_id", ""},
	{"casus", "resultaat_toelichting", "t.leerling_id", ""},
	{"casus_deelnemer", "naam", viaCase, ""},
	{"casus_deelnemer", "contact", viaCase, ""},
	{"casus_deelnemer", "toelichting", viaCase, ""},
	{"casus_regie", "toelichting", viaCase, ""},
	{"casus_fase", "toelichting", viaCase, ""},
	{"casus_inbreng", "tekst", viaCase, ""},
	{"casus_verslag", "tekst", viaCase, ""},
	{"casus_afspraak", "omschrijving", viaCase, ""},
	{"casus_vraag", "vraag", viaCase, ""},
	{"casus_vraag", "omvang_reden", viaCase, ""},
	{"casus_vraag", "antwoord", viaCase, ""},
	{"verzuimmelding", "vermoedelijke_reden", "t.leerling_id", ""},
	{"verzuimmelding", "actie_school", "t.leerling_id", ""},
	{"verzuimmelding", "toelichting_geen_actie", "t.leerling_id", ""},
	{"verzuimmelding", "telefoon_ouder", "t.leerling_id", ""},
	{"verzuimmelding", "verblijfadres", "t.leerling_id", ""},
	{"vrijstelling", "toelichting", "t.leerling_id", ""},
	{"toestemming", "notitie", "t.leerling_id", ""},
	{"toestemming", "intrekking_notitie", "t.leerling_id", ""},
	{"toestemming_verzoek", "toelichting", "t.leerling_id", ""},
	{"toestemming_formulier", "tekst", "t.leerling_id", "hash"},
	{"toestemming_formulier", "html", "t.leerling_id", "hash"},
	{"toestemming_bewijs", "document", "t.leerling_id", "toestemming_id"},
	{"inzageverzoek", "verlenging_reden", "t.leerling_id", ""},
	{"inzageverzoek", "afhandeling_notitie", "t.leerling_id", ""},
	{"inzageverzoek", "verzoek_tekst", "t.leerling_id", ""},
}

// EncryptLegacyContent seals every content value written before content encryption (a value
// without the sealed prefix) with its pupil's key, in batches; it returns how many values it
// sealed per field. Running it again seals nothing. `grondslag migrate` runs it.
//
// On SQLite the old clear text is overwritten in the file (secure_delete); run VACUUM afterwards
// to also rewrite the pages, and remember that backups made before still hold the clear text.
func (db *DB) EncryptLegacyContent(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, f := range ContentFields {
		for {
			type row struct {
				id            any
				region, pupil int64
				value         string
			}
			var batch []row
			rows, err := db.Query(ctx, fmt.Sprintf(`SELECT t.%s, t.regio_id, COALESCE(%s, 0), t.%s FROM %s t
				WHERE t.%s IS NOT NULL AND t.%s <> '' AND t.%s NOT LIKE 'gs1:%%' AND COALESCE(%s, 0) <> 0 ORDER BY t.%s LIMIT 500`,
				f.key(), f.PupilExpr, f.Column, f.Table, f.Column, f.Column, f.Column, f.PupilExpr, f.key()))
			if err != nil {
				return out, fmt.Errorf("%s: %w", f.Name(), err)
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.region, &r.pupil, &r.value); err != nil {
					rows.Close()
					return out, fmt.Errorf("oude inhoud versleutelen: %w", err)
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return out, fmt.Errorf("oude inhoud versleutelen: %w", err)
			}
			if len(batch) == 0 {
				break
			}
			err = db.WithTx(ctx, func(tx *Tx) error {
				for _, r := range batch {
					sealed, err := tx.SealForPupil(ctx, r.region, r.pupil, f.Name(), r.value)
					if err != nil {
						return fmt.Errorf("oude inhoud versleutelen: %w", err)
					}
					if _, err := tx.Exec(ctx, "UPDATE "+f.Table+" SET "+f.Column+" = ? WHERE regio_id = ? AND "+f.key()+" = ? AND "+f.Column+" = ?", sealed, r.region, r.id, r.value); err != nil {
						return fmt.Errorf("oude inhoud versleutelen: %w", err)
					}
				}
				return nil
			})
			if err != nil {
				return out, fmt.Errorf("%s verzegelen: %w", f.Name(), err)
			}
			out[f.Name()] += len(batch)
		}
	}
	return out, nil
}

// HasLegacyContent reports whether any content value is still in clear (written before content
// encryption). It needs no keys.
func (db *DB) HasLegacyContent(ctx context.Context) (bool, error) {
	for _, f := range ContentFields {
		var n int
		err := db.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s t WHERE t.%s IS NOT NULL AND t.%s <> '' AND t.%s NOT LIKE 'gs1:%%' LIMIT 1) x",
			f.Table, f.Column, f.Column, f.Column)).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}
