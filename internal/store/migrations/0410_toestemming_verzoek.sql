-- Online consent requests (internal/consent ask.go): the school asks once for one purpose, with
-- the recipients, categories and the exact form (version and hash, kept in toestemming_formulier);
-- every person whose consent counts answers online. The answers that lead to a consent (or a
-- refusal) name the record in toestemming_id.

CREATE TABLE toestemming_verzoek (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	doel TEXT NOT NULL,
	formulier_versie TEXT NOT NULL,
	formulier_hash TEXT NOT NULL,
	gevraagd_door TEXT NOT NULL,
	gevraagd_op BIGINT NOT NULL,
	toelichting TEXT,
	status TEXT NOT NULL CHECK (status IN ('open', 'gegeven', 'geweigerd')),
	toestemming_id BIGINT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id),
	CHECK ((status = 'open') = (toestemming_id IS NULL))
);
CREATE INDEX toestemming_verzoek_leerling ON toestemming_verzoek (regio_id, leerling_id);

CREATE TABLE toestemming_verzoek_ontvanger (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	verzoek_id BIGINT NOT NULL,
	partij TEXT NOT NULL,
	organisatie_id BIGINT,
	FOREIGN KEY (regio_id, verzoek_id) REFERENCES toestemming_verzoek(regio_id, id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);
CREATE INDEX toestemming_verzoek_ontvanger_v ON toestemming_verzoek_ontvanger (regio_id, verzoek_id);

CREATE TABLE toestemming_verzoek_categorie (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	verzoek_id BIGINT NOT NULL,
	categorie TEXT NOT NULL,
	PRIMARY KEY (regio_id, verzoek_id, categorie),
	FOREIGN KEY (regio_id, verzoek_id) REFERENCES toestemming_verzoek(regio_id, id)
);

CREATE TABLE toestemming_verzoek_antwoord (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	verzoek_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('ouder', 'leerling')),
	ouder_id BIGINT,
	antwoord TEXT NOT NULL CHECK (antwoord IN ('ja', 'nee')),
	op BIGINT NOT NULL,
	kanaal TEXT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, verzoek_id) REFERENCES toestemming_verzoek(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id),
	CHECK ((soort = 'ouder') = (ouder_id IS NOT NULL))
);
CREATE INDEX toestemming_verzoek_antwoord_v ON toestemming_verzoek_antwoord (regio_id, verzoek_id);
