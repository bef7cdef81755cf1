-- The pupil's own account (issue 16): invited by the school for a pupil of 12 or older (JGZ and
-- jeugdhulp consent from 12; consent and rights alone from 16), signing in with a one-time code
-- by e-mail like the parents. Sessions gain leerling_id: the table is rebuilt (sessions are
-- short-lived; everyone signs in again after this migration).

CREATE TABLE leerling_account (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	email TEXT NOT NULL,
	uitgenodigd_door TEXT NOT NULL,
	uitgenodigd_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, leerling_id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX leerling_account_email ON leerling_account (email);

CREATE TABLE leerling_code (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	code_hash TEXT NOT NULL,
	pogingen BIGINT NOT NULL DEFAULT 0,
	verloopt_op BIGINT NOT NULL,
	gebruikt_op BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX leerling_code_leerling ON leerling_code (regio_id, leerling_id);

DROP TABLE sessie;

CREATE TABLE sessie (
	id_hash TEXT PRIMARY KEY,
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT,
	ouder_id BIGINT,
	leerling_id BIGINT,
	fase TEXT NOT NULL CHECK (fase IN ('mfa', 'mfa-inschrijven', 'actief')),
	csrf TEXT NOT NULL,
	doel TEXT NOT NULL DEFAULT '',
	aangemaakt_op BIGINT NOT NULL,
	laatst_actief_op BIGINT NOT NULL,
	CHECK ((CASE WHEN gebruiker_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN ouder_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN leerling_id IS NULL THEN 0 ELSE 1 END) = 1),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX sessie_gebruiker ON sessie (regio_id, gebruiker_id);
CREATE INDEX sessie_aangemaakt ON sessie (aangemaakt_op);
