-- Retention and destruction (issue 17, internal/retention): destruction lists per controller
-- (proposed by the daily job, advised by the FG, decided by the controller's authorised
-- official), legal holds, and the record of every destruction (counts, never content).

CREATE TABLE vernietigingslijst (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	partij TEXT NOT NULL,
	organisatie_id BIGINT,
	peildatum TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('voorgesteld', 'advies-gegeven', 'goedgekeurd', 'afgewezen', 'uitgevoerd')),
	aangemaakt_op BIGINT NOT NULL,
	advies_door BIGINT,
	advies_naam TEXT NOT NULL DEFAULT '',
	advies_oordeel TEXT NOT NULL DEFAULT '',
	advies_toelichting TEXT NOT NULL DEFAULT '',
	advies_op BIGINT,
	besluit_door BIGINT,
	besluit_naam TEXT NOT NULL DEFAULT '',
	besluit_functie TEXT NOT NULL DEFAULT '',
	besluit_hoedanigheid TEXT NOT NULL DEFAULT '',
	besluit_goedgekeurd INTEGER,
	besluit_toelichting TEXT NOT NULL DEFAULT '',
	besluit_op BIGINT,
	uitgevoerd_op BIGINT,
	UNIQUE (regio_id, id)
);
CREATE INDEX vernietigingslijst_status ON vernietigingslijst (regio_id, status);

-- One unit per line; leerling_id and casus_id are plain numbers (no foreign key): the line
-- outlives what it destroyed.
CREATE TABLE vernietigingslijst_regel (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	lijst_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('leerling', 'casus')),
	leerling_id BIGINT NOT NULL,
	casus_id BIGINT NOT NULL DEFAULT 0,
	vernietigen_vanaf TEXT NOT NULL,
	categorieen TEXT NOT NULL,
	regels TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('voorgesteld', 'vernietigd', 'overgeslagen')),
	toelichting TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (regio_id, lijst_id) REFERENCES vernietigingslijst(regio_id, id)
);
CREATE INDEX vernietigingslijst_regel_lijst ON vernietigingslijst_regel (regio_id, lijst_id);
CREATE INDEX vernietigingslijst_regel_eenheid ON vernietigingslijst_regel (regio_id, leerling_id, casus_id);

-- Legal holds: while one is in force nothing of the pupil (casus_id 0) or of the case is
-- proposed or destroyed.
CREATE TABLE bewaarblokkade (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	casus_id BIGINT NOT NULL DEFAULT 0,
	reden TEXT NOT NULL,
	tot TEXT NOT NULL,
	ingesteld_door BIGINT NOT NULL,
	ingesteld_op BIGINT NOT NULL,
	opgeheven_op BIGINT,
	opgeheven_door BIGINT
);
CREATE INDEX bewaarblokkade_leerling ON bewaarblokkade (regio_id, leerling_id);

-- Every destruction (from a list, or an erasure request under AVG art. 17): what, when, under
-- which rule or request, approved by whom, and how many rows per table. No content, no name.
CREATE TABLE vernietiging (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	soort TEXT NOT NULL CHECK (soort IN ('leerling', 'casus')),
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
	aantallen TEXT NOT NULL
);
CREATE INDEX vernietiging_tijd ON vernietiging (regio_id, uitgevoerd_op);
