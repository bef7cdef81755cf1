-- Enrolment indexes that answer the relation check and the pupil lists from the index alone
-- (issue 15, lists under 100 ms at 50,000 pupils). "Is this pupil enrolled at this school today
-- (in one of the mentor's groups)?" and "which pupils are enrolled at this school (in these
-- groups) today?" read van, tot and klas as well: with the earlier indexes each candidate cost a
-- look-up of its enrolment row, and for the school's candidates SQLite read every enrolment of
-- the region in pupil order (to merge the relations' UNION) rather than sort the school's.
--   school_dekkend: the school's pupils today, in pupil order (store.relationSource);
--   klas_dekkend: a mentor's groups (replaces 0060's inschrijving_klas);
--   leerling_school_dekkend: the relation check per pupil (replaces 0027's index).
CREATE INDEX inschrijving_school_dekkend ON inschrijving (regio_id, school_id, leerling_id, van, tot, klas);
CREATE INDEX inschrijving_klas_dekkend ON inschrijving (regio_id, school_id, klas, van, tot, leerling_id);
DROP INDEX inschrijving_klas;
CREATE INDEX inschrijving_leerling_school_dekkend ON inschrijving (regio_id, leerling_id, school_id, van, tot, klas);
DROP INDEX inschrijving_leerling_school;
