-- The per-pupil audit alias (docs/audit.md §10, internal/store/audit_alias.go) beside the pupil's
-- key in the key vault, for readers that meet an alias and need the pupil (the FG's overview, the
-- notices' batch). Derived from the key and cleared with it when the key is destroyed. A vault of
-- its own adds the column itself (KeyVault); this is for a vault kept in the main database.
ALTER TABLE leerling_sleutel ADD COLUMN audit_alias TEXT;
CREATE INDEX leerling_sleutel_auditalias ON leerling_sleutel (regio_id, audit_alias);
