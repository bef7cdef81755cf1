-- The fingerprints of each region's keys (never the keys themselves). Every command compares the
-- key ring it was given with these rows and refuses a missing or different key, so a server or
-- `audit verify` started beside the wrong key file can neither make a second pseudonym for a
-- child nor call an intact log tampered. Rows are added by `grondslag regio aanmaken`,
-- `grondslag sleutels aanmaken|koppelen|roteren`; a rotation adds a version, old versions stay.
CREATE TABLE regio_sleutel (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	soort TEXT NOT NULL CHECK (soort IN ('pseudoniem', 'gegevens', 'ondertekening')),
	versie BIGINT NOT NULL,
	vingerafdruk TEXT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, soort, versie)
);
