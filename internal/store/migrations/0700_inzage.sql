-- Access requests of data subjects (inzage, AVG art. 15; internal/rights). A request is made for
-- one pupil by a parent with gezag or by the pupil from 16, and is addressed to the school where
-- the pupil was enrolled (the controller that answers). termijn is the deadline in force: one
-- month after ontvangen_op, or up to three after one extension with its reason (AVG art. 12
-- lid 3). Who extended or handled it is a user of that school.
CREATE TABLE inzageverzoek (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	school_id BIGINT NOT NULL,
	aanvrager TEXT NOT NULL CHECK (aanvrager IN ('ouder', 'leerling')),
	ouder_id BIGINT,
	ontvangen_op TEXT NOT NULL,
	termijn TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('ontvangen', 'verlengd', 'afgehandeld')),
	verlengd_maanden BIGINT NOT NULL DEFAULT 0 CHECK (verlengd_maanden BETWEEN 0 AND 2),
	verlenging_reden TEXT,
	verlengd_op TEXT,
	verlengd_door BIGINT,
	afgehandeld_op TEXT,
	afgehandeld_door BIGINT,
	afhandeling_notitie TEXT,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, school_id) REFERENCES organisatie(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id),
	FOREIGN KEY (regio_id, verlengd_door) REFERENCES gebruiker(regio_id, id),
	FOREIGN KEY (regio_id, afgehandeld_door) REFERENCES gebruiker(regio_id, id),
	CHECK ((aanvrager = 'ouder') = (ouder_id IS NOT NULL)),
	CHECK (termijn > ontvangen_op),
	CHECK ((verlengd_maanden = 0) = (verlenging_reden IS NULL)),
	CHECK ((status = 'afgehandeld') = (afgehandeld_op IS NOT NULL))
);
CREATE INDEX inzageverzoek_leerling ON inzageverzoek (regio_id, leerling_id);
CREATE INDEX inzageverzoek_school ON inzageverzoek (regio_id, school_id, status, termijn);
