-- Rights per controller (issue 16): the requests of inzageverzoek now cover every right of AVG
-- art. 15–21 (soort), each addressed to one organisation that holds data about the pupil
-- (school_id is that organisation: each party is its own controller), with what the requester
-- asks (verzoek_tekst, sealed with the pupil's key), how it was answered (uitkomst) and, for a
-- parent's request to the JGZ, why the jeugdarts withholds the JGZ data (wgbo_reden, WGBO).
ALTER TABLE inzageverzoek ADD COLUMN soort TEXT NOT NULL DEFAULT 'inzage' CHECK (soort IN ('inzage', 'rectificatie', 'wissen', 'beperking', 'overdracht', 'bezwaar'));
ALTER TABLE inzageverzoek ADD COLUMN verzoek_tekst TEXT;
ALTER TABLE inzageverzoek ADD COLUMN uitkomst TEXT CHECK (uitkomst IS NULL OR uitkomst IN ('toegewezen', 'afgewezen'));
ALTER TABLE inzageverzoek ADD COLUMN wgbo_reden TEXT;

-- The objection of a pupil of 12 to 15 against the JGZ data going to the parents (BW 7:457,
-- 7:465 lid 3). One row per pupil; bezwaar 1 while it stands.
CREATE TABLE wgbo_bezwaar (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	bezwaar INTEGER NOT NULL CHECK (bezwaar IN (0, 1)),
	gewijzigd_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, leerling_id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
