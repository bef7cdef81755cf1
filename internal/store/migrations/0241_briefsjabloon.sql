-- Letter templates of the leerplicht dossier per region (issue 13): the region's beheerder edits
-- the invitation and the warning; every save is a new version (never overwritten), the newest
-- applies, and without any the model text does.
CREATE TABLE briefsjabloon (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	soort TEXT NOT NULL,
	versie BIGINT NOT NULL,
	tekst TEXT NOT NULL,
	door BIGINT NOT NULL,
	opgeslagen_op BIGINT NOT NULL,
	UNIQUE (regio_id, soort, versie)
);
