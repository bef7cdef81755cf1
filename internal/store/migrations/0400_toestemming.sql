-- Consent register (internal/consent). A consent (or refusal) is one row in toestemming with its
-- givers, purposes, recipients and categories in child tables; the exact text of the consent form
-- shown is kept once per hash in toestemming_formulier. toestemming_gebruik records which
-- disclosures relied on which consent, so that a withdrawal can list them.

CREATE TABLE toestemming_formulier (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	hash TEXT NOT NULL,
	versie TEXT NOT NULL,
	leerling_id BIGINT,
	doel TEXT NOT NULL,
	tekst TEXT NOT NULL,
	html TEXT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, hash),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);

CREATE TABLE toestemming (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('gegeven', 'geweigerd')),
	kanaal TEXT NOT NULL CHECK (kanaal IN ('schriftelijk', 'e-mail', 'digitaal-formulier', 'mondeling')),
	gehoord_door TEXT,
	formulier_versie TEXT NOT NULL,
	formulier_hash TEXT NOT NULL,
	bewijs_hash TEXT,
	gegeven_op BIGINT NOT NULL,
	geldig_van TEXT NOT NULL,
	geldig_tot TEXT,
	vastgelegd_door TEXT NOT NULL,
	notitie TEXT,
	ingetrokken_op BIGINT,
	ingetrokken_door TEXT,
	intrekking_vastgelegd_door TEXT,
	intrekking_notitie TEXT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	CHECK (kanaal <> 'mondeling' OR gehoord_door IS NOT NULL),
	CHECK (geldig_tot IS NULL OR geldig_tot >= geldig_van),
	CHECK ((ingetrokken_op IS NULL) = (ingetrokken_door IS NULL))
);
CREATE INDEX toestemming_leerling ON toestemming (regio_id, leerling_id);
CREATE INDEX toestemming_geldig_tot ON toestemming (regio_id, geldig_tot);

CREATE TABLE toestemming_gever (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('ouder', 'leerling')),
	ouder_id BIGINT,
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id),
	CHECK ((soort = 'ouder') = (ouder_id IS NOT NULL))
);
CREATE INDEX toestemming_gever_t ON toestemming_gever (regio_id, toestemming_id);

CREATE TABLE toestemming_doel (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	doel TEXT NOT NULL,
	PRIMARY KEY (regio_id, toestemming_id, doel),
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id)
);

CREATE TABLE toestemming_ontvanger (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	partij TEXT NOT NULL,
	organisatie_id BIGINT,
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);
CREATE INDEX toestemming_ontvanger_t ON toestemming_ontvanger (regio_id, toestemming_id);

CREATE TABLE toestemming_categorie (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	categorie TEXT NOT NULL,
	PRIMARY KEY (regio_id, toestemming_id, categorie),
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id)
);

CREATE TABLE toestemming_gebruik (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	op BIGINT NOT NULL,
	leerling_id BIGINT NOT NULL,
	doel TEXT NOT NULL,
	partij TEXT NOT NULL,
	organisatie_id BIGINT,
	categorie TEXT NOT NULL,
	verwijzing TEXT NOT NULL,
	door TEXT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);
CREATE INDEX toestemming_gebruik_t ON toestemming_gebruik (regio_id, toestemming_id);
