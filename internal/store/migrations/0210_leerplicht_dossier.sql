-- The leerplicht dossier (issue 13): the leerplichtambtenaar's file on one child, on a ground of
-- its own: relative absence after a DUO melding, or absoluut verzuim (enrolled nowhere). At most
-- one open dossier per child and ground. Steps (notes, invitations, talks, warnings, HALT,
-- proces-verbaal, agreements) carry their date; the source and the text are sealed with the
-- pupil's content key.
CREATE TABLE leerplicht_dossier (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	grond TEXT NOT NULL CHECK (grond IN ('relatief-verzuim', 'absoluut-verzuim')),
	gemeente_id BIGINT NOT NULL,
	melding_id BIGINT,
	geopend_op TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'gesloten')),
	gesloten_op TEXT,
	sluitreden TEXT NOT NULL,
	vastgelegd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, gemeente_id) REFERENCES organisatie(regio_id, id),
	FOREIGN KEY (regio_id, melding_id) REFERENCES verzuimmelding(regio_id, id)
);
CREATE UNIQUE INDEX leerplicht_dossier_een_open ON leerplicht_dossier (regio_id, leerling_id, grond) WHERE status = 'open';
CREATE INDEX leerplicht_dossier_gemeente ON leerplicht_dossier (regio_id, gemeente_id, status);

CREATE TABLE leerplicht_dossier_stap (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	dossier_id BIGINT NOT NULL,
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL,
	datum TEXT NOT NULL,
	uiterlijk TEXT,
	bron TEXT NOT NULL,
	tekst TEXT NOT NULL,
	door TEXT NOT NULL,
	vastgelegd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, dossier_id) REFERENCES leerplicht_dossier(regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX leerplicht_dossier_stap_dossier ON leerplicht_dossier_stap (regio_id, dossier_id);
