-- The registered absence per school and day (issue 15, lists under 100 ms at 50,000 pupils): the
-- monitor's registration-reliability check (store.MonitorSchoolAbsence) summed every
-- verzuim_registratie row of the last twelve months on each request (182,000 rows at 50,000
-- pupils: 0.7–2 s). This table holds the same sums per school and day, kept in step with
-- verzuim_registratie by triggers in the same transaction as every insert, update and delete
-- (the import's upsert, retention's destruction, whatever comes later), so the check reads one
-- row per school and day. No pupil in it: hours per school and day only.
CREATE TABLE monitor_schooldag (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	school_id BIGINT NOT NULL,
	datum TEXT NOT NULL,
	uren_centi BIGINT NOT NULL,
	ongeoorloofd_centi BIGINT NOT NULL,
	PRIMARY KEY (regio_id, school_id, datum),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id)
);

INSERT INTO monitor_schooldag (regio_id, school_id, datum, uren_centi, ongeoorloofd_centi)
	SELECT regio_id, school_id, datum, SUM(uren_centi), SUM(CASE WHEN reden = 'ongeoorloofd' THEN uren_centi ELSE 0 END)
	FROM verzuim_registratie GROUP BY regio_id, school_id, datum;

-- dialect: sqlite
CREATE TRIGGER monitor_schooldag_invoegen AFTER INSERT ON verzuim_registratie BEGIN INSERT INTO monitor_schooldag (regio_id, school_id, datum, uren_centi, ongeoorloofd_centi) VALUES (NEW.regio_id, NEW.school_id, NEW.datum, NEW.uren_centi, CASE WHEN NEW.reden = 'ongeoorloofd' THEN NEW.uren_centi ELSE 0 END) ON CONFLICT (regio_id, school_id, datum) DO UPDATE SET uren_centi = uren_centi + excluded.uren_centi, ongeoorloofd_centi = ongeoorloofd_centi + excluded.ongeoorloofd_centi; END;
CREATE TRIGGER monitor_schooldag_wijzigen AFTER UPDATE ON verzuim_registratie BEGIN UPDATE monitor_schooldag SET uren_centi = uren_centi - OLD.uren_centi, ongeoorloofd_centi = ongeoorloofd_centi - CASE WHEN OLD.reden = 'ongeoorloofd' THEN OLD.uren_centi ELSE 0 END WHERE regio_id = OLD.regio_id AND school_id = OLD.school_id AND datum = OLD.datum; INSERT INTO monitor_schooldag (regio_id, school_id, datum, uren_centi, ongeoorloofd_centi) VALUES (NEW.regio_id, NEW.school_id, NEW.datum, NEW.uren_centi, CASE WHEN NEW.reden = 'ongeoorloofd' THEN NEW.uren_centi ELSE 0 END) ON CONFLICT (regio_id, school_id, datum) DO UPDATE SET uren_centi = uren_centi + excluded.uren_centi, ongeoorloofd_centi = ongeoorloofd_centi + excluded.ongeoorloofd_centi; END;
CREATE TRIGGER monitor_schooldag_verwijderen AFTER DELETE ON verzuim_registratie BEGIN UPDATE monitor_schooldag SET uren_centi = uren_centi - OLD.uren_centi, ongeoorloofd_centi = ongeoorloofd_centi - CASE WHEN OLD.reden = 'ongeoorloofd' THEN OLD.uren_centi ELSE 0 END WHERE regio_id = OLD.regio_id AND school_id = OLD.school_id AND datum = OLD.datum; END;

-- dialect: postgres
CREATE OR REPLACE FUNCTION monitor_schooldag_bijwerken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM monitor_schooldag;
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE monitor_schooldag SET uren_centi = uren_centi - OLD.uren_centi,
			ongeoorloofd_centi = ongeoorloofd_centi - CASE WHEN OLD.reden = 'ongeoorloofd' THEN OLD.uren_centi ELSE 0 END
			WHERE regio_id = OLD.regio_id AND school_id = OLD.school_id AND datum = OLD.datum;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO monitor_schooldag (regio_id, school_id, datum, uren_centi, ongeoorloofd_centi)
			VALUES (NEW.regio_id, NEW.school_id, NEW.datum, NEW.uren_centi, CASE WHEN NEW.reden = 'ongeoorloofd' THEN NEW.uren_centi ELSE 0 END)
			ON CONFLICT (regio_id, school_id, datum) DO UPDATE SET uren_centi = monitor_schooldag.uren_centi + excluded.uren_centi,
				ongeoorloofd_centi = monitor_schooldag.ongeoorloofd_centi + excluded.ongeoorloofd_centi;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER monitor_schooldag_bijwerken AFTER INSERT OR UPDATE OR DELETE ON verzuim_registratie FOR EACH ROW EXECUTE FUNCTION monitor_schooldag_bijwerken();
CREATE TRIGGER monitor_schooldag_legen AFTER TRUNCATE ON verzuim_registratie FOR EACH STATEMENT EXECUTE FUNCTION monitor_schooldag_bijwerken();
