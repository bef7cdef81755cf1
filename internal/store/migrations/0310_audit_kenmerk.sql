-- Search columns of the audit log (issue 15: the FG filters by user, organisation, outcome and
-- purpose). These live inside the encoded leaf (audit_regel.blad); audit_kenmerk holds them per
-- entry so that a filter is an index look-up instead of decoding every leaf of the period. It is
-- derived: AuditStore.Search fills it from the leaves it has not seen yet (so entries written
-- before this migration are covered too), and every result is still decoded from its leaf and
-- checked against it. Append-only like the log itself.
CREATE TABLE audit_kenmerk (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	volgnummer BIGINT NOT NULL,
	tijd BIGINT NOT NULL,
	gebruiker_id BIGINT NOT NULL,
	organisatie_id BIGINT NOT NULL,
	uitkomst TEXT NOT NULL,
	doel TEXT NOT NULL,
	PRIMARY KEY (regio_id, volgnummer)
);
CREATE INDEX audit_kenmerk_gebruiker ON audit_kenmerk (regio_id, gebruiker_id, volgnummer);
CREATE INDEX audit_kenmerk_organisatie ON audit_kenmerk (regio_id, organisatie_id, volgnummer);
CREATE INDEX audit_kenmerk_uitkomst ON audit_kenmerk (regio_id, uitkomst, volgnummer);
CREATE INDEX audit_kenmerk_doel ON audit_kenmerk (regio_id, doel, volgnummer);

-- dialect: sqlite
CREATE TRIGGER audit_kenmerk_geen_wijziging BEFORE UPDATE ON audit_kenmerk BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_kenmerk kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_kenmerk_geen_verwijdering BEFORE DELETE ON audit_kenmerk BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_kenmerk kan niet worden verwijderd'); END;

-- dialect: postgres
CREATE TRIGGER audit_kenmerk_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_kenmerk FOR EACH ROW EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_kenmerk_niet_legen BEFORE TRUNCATE ON audit_kenmerk FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen();
