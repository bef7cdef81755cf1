-- The end of the audit log's own retention period (docs/audit.md §14). An entry past the period
-- whose pupil no longer exists loses its content: blad becomes empty and leerling '', while
-- volgnummer, tijd and blad_hash stay. The tree, every node and every signed checkpoint are
-- unchanged, so `audit verify` still recomputes every root from the stored hashes; what it can
-- no longer do for those entries is compare the hash with the bytes. One audit_snoei row per
-- pruning says up to which index content may be missing and which signed checkpoint (of at
-- least that size) already covered the pruned hashes. The append-only triggers allow exactly
-- that change and nothing else.
CREATE TABLE audit_snoei (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	tot BIGINT NOT NULL,
	controlepunt_id BIGINT NOT NULL,
	aantal BIGINT NOT NULL,
	uitgevoerd_op BIGINT NOT NULL,
	uitgevoerd_door BIGINT,
	grond TEXT NOT NULL,
	PRIMARY KEY (regio_id, tot)
);

-- dialect: sqlite
DROP TRIGGER audit_regel_geen_wijziging;
CREATE TRIGGER audit_regel_geen_wijziging BEFORE UPDATE ON audit_regel WHEN NOT (NEW.regio_id = OLD.regio_id AND NEW.volgnummer = OLD.volgnummer AND NEW.tijd = OLD.tijd AND NEW.blad_hash = OLD.blad_hash AND length(NEW.blad) = 0 AND NEW.leerling = '' AND OLD.volgnummer < COALESCE((SELECT MAX(s.tot) FROM audit_snoei s WHERE s.regio_id = OLD.regio_id), 0)) BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_regel kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_snoei_geen_wijziging BEFORE UPDATE ON audit_snoei BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_snoei kan niet worden gewijzigd'); END;
CREATE TRIGGER audit_snoei_geen_verwijdering BEFORE DELETE ON audit_snoei BEGIN SELECT RAISE(ABORT, 'het auditlog is alleen-toevoegen: audit_snoei kan niet worden verwijderd'); END;

-- dialect: postgres
CREATE OR REPLACE FUNCTION audit_regel_snoeien() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.regio_id = OLD.regio_id AND NEW.volgnummer = OLD.volgnummer AND NEW.tijd = OLD.tijd
		AND NEW.blad_hash = OLD.blad_hash AND length(NEW.blad) = 0 AND NEW.leerling = ''
		AND OLD.volgnummer < COALESCE((SELECT MAX(s.tot) FROM audit_snoei s WHERE s.regio_id = OLD.regio_id), 0) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'het auditlog is alleen-toevoegen: % op % is niet toegestaan', TG_OP, TG_TABLE_NAME
		USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER audit_regel_alleen_toevoegen ON audit_regel;
CREATE TRIGGER audit_regel_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_regel FOR EACH ROW EXECUTE FUNCTION audit_regel_snoeien();
CREATE TRIGGER audit_snoei_alleen_toevoegen BEFORE UPDATE OR DELETE ON audit_snoei FOR EACH ROW EXECUTE FUNCTION audit_alleen_toevoegen();
CREATE TRIGGER audit_snoei_niet_legen BEFORE TRUNCATE ON audit_snoei FOR EACH STATEMENT EXECUTE FUNCTION audit_alleen_toevoegen();
