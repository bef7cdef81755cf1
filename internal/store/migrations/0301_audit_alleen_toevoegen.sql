-- The audit log is append-only in the database itself: rows of audit_regel (leaves),
-- audit_knoop (stored subtree hashes) and audit_controlepunt (signed checkpoints) can be inserted
-- but never updated or deleted. This stops accidental and application-level changes (a bug, a
-- stray UPDATE, SQL injection through the application's account). Whoever can drop the triggers
-- (a DBA, the owner of the schema) can still change rows; `grondslag audit verify` catches that
-- (docs/audit.md, "Append-only in the database"). audit_kop (the head) is updated by every append
-- and stays writable; verify checks it against the recomputed tree.

-- dialect: sqlite
CREATE TRIGGER audit_regel_geen_wijziging BEFORE UPDATE ON audit_regel BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_regel kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_regel_geen_verwijdering BEFORE DELETE ON audit_regel BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_regel kan niet worden verwijderd'); END;
CREATE TRIGGER audit_knoop_geen_wijziging BEFORE UPDATE ON audit_knoop BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_knoop kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_knoop_geen_verwijdering BEFORE DELETE ON audit_knoop BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_knoop kan niet worden verwijderd'); END;
CREATE TRIGGER audit_controlepunt_geen_wijziging BEFORE UPDATE ON audit_controlepunt BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_controlepunt kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_controlepunt_geen_verwijdering BEFORE DELETE ON audit_controlepunt BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_controlepunt kan niet worden verwijderd'); END;

-- dialect: postgres
-- One function for every table and operation; TG_TABLE_NAME and TG_OP name what was refused.
-- The statement-level TRUNCATE triggers close the one way around row triggers.
CREATE OR REPLACE FUNCTION audit_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'het auditlog is alleen-toevoegen: % op % is niet toegestaan', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_regel_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_regel FOR EACH ROW EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_regel_niet_legen BEFORE TRUNCATE ON audit_regel FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_knoop_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_knoop FOR EACH ROW EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_knoop_niet_legen BEFORE TRUNCATE ON audit_knoop FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_controlepunt_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_controlepunt FOR EACH ROW EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_controlepunt_niet_legen BEFORE TRUNCATE ON audit_controlepunt FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen();
