-- The region is the tenant. Every table below carries regio_id, and every reference between
-- region tables goes through (regio_id, id), so the database itself refuses a link across regions.
CREATE TABLE regio (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	naam TEXT NOT NULL,
	vakantieregio TEXT NOT NULL CHECK (vakantieregio IN ('noord', 'midden', 'zuid')),
	aangemaakt_op BIGINT NOT NULL
);

CREATE TABLE organisatie (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	soort TEXT NOT NULL,
	naam TEXT NOT NULL,
	brin TEXT,
	vestiging TEXT,
	sector TEXT,
	cbs_code TEXT,
	gemeente_id BIGINT,
	toegetreden_op TEXT,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, brin, vestiging),
	UNIQUE (regio_id, cbs_code),
	FOREIGN KEY (regio_id, gemeente_id) REFERENCES organisatie(regio_id, id)
);

CREATE TABLE gebruiker (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	organisatie_id BIGINT NOT NULL,
	naam TEXT NOT NULL,
	email TEXT NOT NULL,
	rol TEXT NOT NULL,
	actief INTEGER NOT NULL DEFAULT 1,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, email),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);

-- A pupil's BSN or onderwijsnummer is never stored in clear: pseudoniem is an HMAC under the
-- region's key (for look-up and matching), id_versleuteld the AES-GCM ciphertext (for display to
-- those allowed).
CREATE TABLE leerling (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	pseudoniem TEXT NOT NULL,
	id_soort TEXT NOT NULL CHECK (id_soort IN ('bsn', 'onderwijsnummer')),
	id_versleuteld {{bytes}} NOT NULL,
	sleutel_versie BIGINT NOT NULL,
	voornaam TEXT NOT NULL,
	achternaam TEXT NOT NULL,
	geboortedatum TEXT NOT NULL,
	woongemeente_id BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, pseudoniem),
	FOREIGN KEY (regio_id, woongemeente_id) REFERENCES organisatie(regio_id, id)
);

CREATE TABLE inschrijving (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	school_id BIGINT NOT NULL,
	leerlingnummer TEXT NOT NULL,
	van TEXT NOT NULL,
	tot TEXT,
	leerjaar TEXT NOT NULL,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, school_id, leerlingnummer, van),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id)
);
CREATE INDEX inschrijving_leerling ON inschrijving (regio_id, leerling_id);
CREATE INDEX inschrijving_school ON inschrijving (regio_id, school_id, leerlingnummer);

CREATE TABLE ouder (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	voornaam TEXT NOT NULL,
	achternaam TEXT NOT NULL,
	email TEXT,
	telefoon TEXT,
	UNIQUE (regio_id, id)
);

CREATE TABLE leerling_ouder (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	ouder_id BIGINT NOT NULL,
	relatie TEXT NOT NULL,
	gezag INTEGER NOT NULL,
	PRIMARY KEY (regio_id, leerling_id, ouder_id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id)
);
CREATE INDEX leerling_ouder_ouder ON leerling_ouder (regio_id, ouder_id);
