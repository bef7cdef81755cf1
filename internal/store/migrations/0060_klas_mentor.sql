-- Groups (klassen) and their mentors (issue 15): a mentor sees only the pupils of the groups he
-- is mentor of. The group is part of the enrolment (klas, e.g. "2B"; NULL when the school did not
-- say); mentor_klas names, per mentor, the groups of his own school (the user's organisation) he
-- is mentor of. The relation check (store.relationClauses) limits a mentor to enrolments at his
-- school in one of those groups.
ALTER TABLE inschrijving ADD COLUMN klas TEXT;
CREATE INDEX inschrijving_klas ON inschrijving (regio_id, school_id, klas);

CREATE TABLE mentor_klas (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	klas TEXT NOT NULL,
	PRIMARY KEY (regio_id, gebruiker_id, klas),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);
