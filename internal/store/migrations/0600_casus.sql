-- Casusoverleg and doorbraakoverleg (internal/casework). The case row carries its own version
-- (optimistic concurrency) and the escalation and closing; participants, regie and phase
-- history, contributions, minutes, agreements, information requests and retention clocks hang
-- off it by (regio_id, casus_id).
CREATE TABLE casus (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL,
	vorige_soort TEXT NOT NULL DEFAULT '',
	doel TEXT NOT NULL,
	vraag TEXT NOT NULL,
	fase TEXT NOT NULL,
	geopend_op BIGINT NOT NULL,
	geopend_door BIGINT NOT NULL,
	melding TEXT NOT NULL DEFAULT '',
	versie BIGINT NOT NULL,
	escalatie_reden TEXT NOT NULL DEFAULT '',
	escalatie_toelichting TEXT NOT NULL DEFAULT '',
	escalatie_op BIGINT,
	escalatie_door BIGINT,
	onderwijsconsulent_id BIGINT,
	doorzetter_naam TEXT NOT NULL DEFAULT '',
	doorzetter_functie TEXT NOT NULL DEFAULT '',
	doorzetter_organisatie_id BIGINT,
	besluit TEXT NOT NULL DEFAULT '',
	besluit_op BIGINT,
	besluit_door BIGINT,
	resultaat TEXT NOT NULL DEFAULT '',
	resultaat_toelichting TEXT NOT NULL DEFAULT '',
	afgesloten_op BIGINT,
	afgesloten_door BIGINT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX casus_leerling ON casus (regio_id, leerling_id);

CREATE TABLE casus_deelnemer (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('professional', 'ouder', 'leerling')),
	gebruiker_id BIGINT,
	organisatie_id BIGINT,
	partij TEXT NOT NULL DEFAULT '',
	rol TEXT NOT NULL DEFAULT '',
	ouder_id BIGINT,
	naam TEXT NOT NULL DEFAULT '',
	contact TEXT NOT NULL DEFAULT '',
	doel TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	uitgenodigd_op BIGINT NOT NULL,
	gereageerd_op BIGINT,
	toelichting TEXT NOT NULL DEFAULT '',
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id)
);
CREATE INDEX casus_deelnemer_casus ON casus_deelnemer (regio_id, casus_id);
CREATE INDEX casus_deelnemer_gebruiker ON casus_deelnemer (regio_id, gebruiker_id);
CREATE INDEX casus_deelnemer_ouder ON casus_deelnemer (regio_id, ouder_id);

CREATE TABLE casus_regie (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	volgnummer BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('breed', 'deel', 'zorg')),
	gebruiker_id BIGINT NOT NULL,
	van_gebruiker_id BIGINT,
	op BIGINT NOT NULL,
	door BIGINT NOT NULL,
	toelichting TEXT NOT NULL,
	UNIQUE (regio_id, casus_id, volgnummer),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);

CREATE TABLE casus_fase (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	volgnummer BIGINT NOT NULL,
	van TEXT NOT NULL,
	naar TEXT NOT NULL,
	op BIGINT NOT NULL,
	door BIGINT NOT NULL,
	toelichting TEXT NOT NULL DEFAULT '',
	UNIQUE (regio_id, casus_id, volgnummer),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id)
);

CREATE TABLE casus_bewaartermijn (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	categorie TEXT NOT NULL,
	partij TEXT NOT NULL,
	termijn TEXT NOT NULL,
	vanaf TEXT NOT NULL,
	tot TEXT,
	bron TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (regio_id, casus_id, categorie, partij),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id)
);

CREATE TABLE casus_inbreng (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	fase TEXT NOT NULL,
	categorie TEXT NOT NULL,
	omvang TEXT NOT NULL CHECK (omvang IN ('inhoud', 'buitenkant')),
	tekst TEXT NOT NULL,
	auteur_id BIGINT NOT NULL,
	partij TEXT NOT NULL,
	rol TEXT NOT NULL,
	organisatie_id BIGINT NOT NULL,
	doel TEXT NOT NULL,
	toestemming_id BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, auteur_id) REFERENCES gebruiker(regio_id, id)
);
CREATE INDEX casus_inbreng_casus ON casus_inbreng (regio_id, casus_id);

CREATE TABLE casus_verslag (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	fase TEXT NOT NULL,
	datum TEXT NOT NULL,
	tekst TEXT NOT NULL,
	voor_ouders INTEGER NOT NULL,
	auteur_id BIGINT NOT NULL,
	partij TEXT NOT NULL,
	rol TEXT NOT NULL,
	doel TEXT NOT NULL,
	versie BIGINT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	gewijzigd_op BIGINT NOT NULL,
	gewijzigd_door BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, auteur_id) REFERENCES gebruiker(regio_id, id)
);
CREATE INDEX casus_verslag_casus ON casus_verslag (regio_id, casus_id);

CREATE TABLE casus_afspraak (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	fase TEXT NOT NULL,
	omschrijving TEXT NOT NULL,
	eigenaar TEXT NOT NULL,
	eigenaar_naam TEXT NOT NULL DEFAULT '',
	datum TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'loopt', 'afgerond', 'vervallen')),
	voor_ouders INTEGER NOT NULL,
	auteur_id BIGINT NOT NULL,
	partij TEXT NOT NULL,
	rol TEXT NOT NULL,
	doel TEXT NOT NULL,
	versie BIGINT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	gewijzigd_op BIGINT NOT NULL,
	gewijzigd_door TEXT NOT NULL,
	voortgang_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, auteur_id) REFERENCES gebruiker(regio_id, id)
);
CREATE INDEX casus_afspraak_casus ON casus_afspraak (regio_id, casus_id);

CREATE TABLE casus_vraag (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	casus_id BIGINT NOT NULL,
	fase TEXT NOT NULL,
	van_gebruiker_id BIGINT NOT NULL,
	aan TEXT NOT NULL,
	categorie TEXT NOT NULL,
	vraag TEXT NOT NULL,
	gesteld_op BIGINT NOT NULL,
	omvang TEXT NOT NULL,
	omvang_reden TEXT NOT NULL DEFAULT '',
	antwoord TEXT NOT NULL DEFAULT '',
	beantwoord_op BIGINT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, casus_id) REFERENCES casus(regio_id, id),
	FOREIGN KEY (regio_id, van_gebruiker_id) REFERENCES gebruiker(regio_id, id)
);
CREATE INDEX casus_vraag_casus ON casus_vraag (regio_id, casus_id);
