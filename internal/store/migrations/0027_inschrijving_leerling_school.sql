-- "Is this pupil enrolled at this school?" (the enrolment relation, the start pages' work lists,
-- the pupil lists; issue 15). With only (regio_id, leerling_id) and the school indexes, SQLite's
-- planner answered EXISTS (… i.leerling_id = l.id AND i.school_id = ?) by reading every
-- enrolment of the school for every row: 7.8 s for the expiring consents of a school of 5,300
-- pupils; 3 ms with this index.
CREATE INDEX inschrijving_leerling_school ON inschrijving (regio_id, leerling_id, school_id);
