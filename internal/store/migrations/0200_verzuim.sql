-- Absence (internal/absence): registrations imported from schools, vrijstellingen and leave,
-- signals found by the Leerplichtwet rules, and DUO verzuimmeldingen with their status history.

-- One row per pupil, school, day and reason: a re-import of the same file replaces the hours
-- instead of adding them (the school's file is its statement for the keys it contains).
CREATE TABLE verzuim_registratie (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	school_id BIGINT NOT NULL,
	datum TEXT NOT NULL,
	reden TEXT NOT NULL CHECK (reden IN ('ongeoorloofd', 'ziek', 'ziek-vermoedelijk-ongeoorloofd', 'geoorloofd', 'verlof', 'schorsing', 'te-laat')),
	uren_centi BIGINT NOT NULL CHECK (uren_centi >= 0 AND uren_centi <= 2400),
	import_id BIGINT,
	gewijzigd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, leerling_id, school_id, datum, reden),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id)
);
CREATE INDEX verzuim_registratie_school ON verzuim_registratie (regio_id, school_id, datum);

CREATE TABLE verzuim_import (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	school_id BIGINT NOT NULL,
	bestand_sha256 TEXT NOT NULL,
	regels BIGINT NOT NULL,
	verwerkt BIGINT NOT NULL,
	overgeslagen BIGINT NOT NULL,
	geimporteerd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id)
);

CREATE TABLE vrijstelling (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('art5a', 'art5b', 'art5c', 'art5a-trekkend', 'art15', 'verlof-art13a', 'verlof-art14')),
	van TEXT NOT NULL,
	tot TEXT,
	toelichting TEXT NOT NULL,
	vastgelegd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX vrijstelling_leerling ON vrijstelling (regio_id, leerling_id);

-- A signal is identified by pupil, kind and start: re-evaluating updates its end, hours and days
-- (a long-term absence that goes on) instead of adding a second one.
CREATE TABLE verzuim_signaal (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL,
	van TEXT NOT NULL,
	tot TEXT NOT NULL,
	uren_centi BIGINT NOT NULL,
	dagen BIGINT NOT NULL,
	bron TEXT NOT NULL,
	prioriteit INTEGER NOT NULL,
	peildatum TEXT NOT NULL,
	gevonden_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	UNIQUE (regio_id, leerling_id, soort, van),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);

CREATE TABLE verzuimmelding (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	school_id BIGINT NOT NULL,
	signaal_id BIGINT,
	soort TEXT NOT NULL CHECK (soort IN ('16-uur-in-4-lesweken', 'luxe-verzuim', 'beginnend-verzuim', 'signaal-verzuim', 'verzuim-1-maand-of-langer')),
	begindatum TEXT NOT NULL,
	einddatum TEXT,
	vermoedelijke_reden TEXT NOT NULL,
	alle_lessen_verzuimd INTEGER NOT NULL,
	actie_school TEXT NOT NULL,
	actie_gemeente_gewenst INTEGER NOT NULL,
	toelichting_geen_actie TEXT NOT NULL,
	leslocatie TEXT NOT NULL,
	melder_naam TEXT NOT NULL,
	melder_functie TEXT NOT NULL,
	melder_telefoon TEXT NOT NULL,
	melder_email TEXT NOT NULL,
	telefoon_ouder TEXT NOT NULL,
	verblijfadres TEXT NOT NULL,
	verzuimde_dagen BIGINT NOT NULL,
	verzuimde_uren_centi BIGINT NOT NULL,
	signaal_soort TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('geregistreerd', 'ingetrokken', 'in-behandeling', 'afgesloten', 'ter-kennisgeving-aangenomen')),
	status_op BIGINT NOT NULL,
	reden_afsluiting TEXT NOT NULL,
	afsluitnotitie TEXT NOT NULL,
	contact_gemeente TEXT NOT NULL,
	duo_nummer TEXT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id),
	FOREIGN KEY (regio_id, signaal_id) REFERENCES verzuim_signaal(regio_id, id)
);
CREATE INDEX verzuimmelding_leerling ON verzuimmelding (regio_id, leerling_id, status);

CREATE TABLE verzuimmelding_status (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	melding_id BIGINT NOT NULL,
	status TEXT NOT NULL,
	door TEXT NOT NULL,
	reden_afsluiting TEXT NOT NULL,
	afsluitnotitie TEXT NOT NULL,
	op BIGINT NOT NULL,
	FOREIGN KEY (regio_id, melding_id) REFERENCES verzuimmelding(regio_id, id)
);
CREATE INDEX verzuimmelding_status_melding ON verzuimmelding_status (regio_id, melding_id);
