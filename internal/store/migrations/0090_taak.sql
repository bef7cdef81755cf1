-- Durable background jobs (internal/store/jobs.go): one row per job, unique per kind and key (the
-- day of a daily job), claimed by one runner at a time under a lease, retried with a delay until
-- its attempts run out. Rows survive a restart; a runner that dies leaves a lease that expires.
-- No personal data: the key names a day or a region, never a person.
CREATE TABLE taak (
	id {{id}},
	soort TEXT NOT NULL,
	sleutel TEXT NOT NULL,
	gepland_op BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('wacht', 'bezig', 'klaar', 'mislukt')),
	pogingen INTEGER NOT NULL DEFAULT 0,
	max_pogingen INTEGER NOT NULL,
	lease_tot BIGINT,
	eigenaar TEXT,
	fout TEXT,
	aangemaakt_op BIGINT NOT NULL,
	klaar_op BIGINT,
	UNIQUE (soort, sleutel)
);
CREATE INDEX taak_te_doen ON taak (status, gepland_op);
