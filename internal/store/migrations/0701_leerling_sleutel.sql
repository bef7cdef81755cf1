-- The key vault's table (issue 17): each pupil's content key, wrapped by the region's data key
-- (internal/envelope, internal/store/content.go). The vault normally lives in a database of its
-- own (--sleutelkluis), which creates this table itself; the table is also made here so that a
-- PostgreSQL deployment that keeps the vault in the main database has it created by the
-- migration role (the application role cannot create tables). After destruction the row stays
-- as a tombstone with sleutel NULL and vernietigd_op set.
CREATE TABLE IF NOT EXISTS leerling_sleutel (
	id {{id}},
	regio_id BIGINT NOT NULL,
	leerling_id BIGINT NOT NULL,
	sleutel {{bytes}},
	regio_sleutel_versie BIGINT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	herverpakt_op BIGINT,
	vernietigd_op BIGINT,
	UNIQUE (regio_id, leerling_id)
);
