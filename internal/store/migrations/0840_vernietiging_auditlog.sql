-- The audit log's own retention period on the destruction lists (docs/bewaartermijnen.md §1,
-- docs/audit.md §14): a line of kind 'auditlog' names a range of the region's log, entries
-- audit_van up to (not including) audit_tot, whose content is destroyed when every controller
-- with entries in it approved; the record of the destruction names the same range. leerling_id
-- and casus_id are 0 for such a line. SQLite cannot change a CHECK constraint: its two tables are
-- rebuilt (same columns, rows and ids, plus the range).

-- dialect: postgres
ALTER TABLE vernietigingslijst_regel DROP CONSTRAINT IF EXISTS vernietigingslijst_regel_soort_check;
ALTER TABLE vernietigingslijst_regel ADD CONSTRAINT vernietigingslijst_regel_soort_check CHECK (soort IN ('leerling', 'casus', 'auditlog'));
ALTER TABLE vernietigingslijst_regel ADD COLUMN audit_van BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vernietigingslijst_regel ADD COLUMN audit_tot BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vernietiging DROP CONSTRAINT IF EXISTS vernietiging_soort_check;
ALTER TABLE vernietiging ADD CONSTRAINT vernietiging_soort_check CHECK (soort IN ('leerling', 'casus', 'auditlog'));
ALTER TABLE vernietiging ADD COLUMN audit_van BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vernietiging ADD COLUMN audit_tot BIGINT NOT NULL DEFAULT 0;

-- dialect: sqlite
CREATE TABLE vernietigingslijst_regel_nieuw (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	lijst_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('leerling', 'casus', 'auditlog')),
	leerling_id BIGINT NOT NULL,
	casus_id BIGINT NOT NULL DEFAULT 0,
	vernietigen_vanaf TEXT NOT NULL,
	categorieen TEXT NOT NULL,
	regels TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('voorgesteld', 'vernietigd', 'overgeslagen')),
	toelichting TEXT NOT NULL DEFAULT '',
	audit_van BIGINT NOT NULL DEFAULT 0,
	audit_tot BIGINT NOT NULL DEFAULT 0,
	FOREIGN KEY (regio_id, lijst_id) REFERENCES vernietigingslijst(regio_id, id)
);
INSERT INTO vernietigingslijst_regel_nieuw (id, regio_id, lijst_id, soort, leerling_id, casus_id, vernietigen_vanaf, categorieen, regels, status, toelichting)
	SELECT id, regio_id, lijst_id, soort, leerling_id, casus_id, vernietigen_vanaf, categorieen, regels, status, toelichting FROM vernietigingslijst_regel;
DROP TABLE vernietigingslijst_regel;
ALTER TABLE vernietigingslijst_regel_nieuw RENAME TO vernietigingslijst_regel;
CREATE INDEX vernietigingslijst_regel_lijst ON vernietigingslijst_regel (regio_id, lijst_id);
CREATE INDEX vernietigingslijst_regel_eenheid ON vernietigingslijst_regel (regio_id, leerling_id, casus_id);
CREATE TABLE vernietiging_nieuw (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	soort TEXT NOT NULL CHECK (soort IN ('leerling', 'casus', 'auditlog')),
	leerling_id BIGINT NOT NULL,
	casus_id BIGINT NOT NULL DEFAULT 0,
	grond TEXT NOT NULL CHECK (grond IN ('bewaartermijn', 'wissingsverzoek', 'na-herstel')),
	lijsten TEXT NOT NULL DEFAULT '',
	verzoek TEXT NOT NULL DEFAULT '',
	regels TEXT NOT NULL DEFAULT '',
	goedgekeurd_door TEXT NOT NULL DEFAULT '',
	uitgevoerd_door BIGINT,
	uitgevoerd_op BIGINT NOT NULL,
	sleutel_vernietigd INTEGER NOT NULL,
	aantallen TEXT NOT NULL,
	audit_van BIGINT NOT NULL DEFAULT 0,
	audit_tot BIGINT NOT NULL DEFAULT 0
);
INSERT INTO vernietiging_nieuw (id, regio_id, soort, leerling_id, casus_id, grond, lijsten, verzoek, regels, goedgekeurd_door, uitgevoerd_door, uitgevoerd_op, sleutel_vernietigd, aantallen)
	SELECT id, regio_id, soort, leerling_id, casus_id, grond, lijsten, verzoek, regels, goedgekeurd_door, uitgevoerd_door, uitgevoerd_op, sleutel_vernietigd, aantallen FROM vernietiging;
DROP TABLE vernietiging;
ALTER TABLE vernietiging_nieuw RENAME TO vernietiging;
CREATE INDEX vernietiging_tijd ON vernietiging (regio_id, uitgevoerd_op);
