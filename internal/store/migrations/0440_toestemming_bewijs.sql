-- The signed paper form kept as proof of a consent (issue 16): the scan or photo, checked by its
-- content (PDF, JPEG or PNG), sealed with the pupil's own data key (document is the envelope's
-- text form, field "toestemming_bewijs.document"), its SHA-256 equal to toestemming.bewijs_hash.
-- One document per consent; it is destroyed with the pupil's key and deleted with the consent.

CREATE TABLE toestemming_bewijs (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	toestemming_id BIGINT NOT NULL,
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL CHECK (soort IN ('application/pdf', 'image/jpeg', 'image/png')),
	grootte BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	document TEXT NOT NULL,
	opgeslagen_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, toestemming_id),
	FOREIGN KEY (regio_id, toestemming_id) REFERENCES toestemming(regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX toestemming_bewijs_leerling ON toestemming_bewijs (regio_id, leerling_id);
