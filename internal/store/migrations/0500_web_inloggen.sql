-- Web sign-in (issue 7): credentials next to the foundation's gebruiker, recovery codes, one-time
-- e-mail codes for parents, server-side sessions, login throttling, API clients and OIDC per
-- organisation. Secrets are stored as hashes (sessions, tokens, codes) or sealed with AES-GCM
-- (TOTP secrets, OIDC client secrets); never in clear.
CREATE TABLE gebruiker_inlog (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	wachtwoord_hash TEXT,
	totp_geheim {{bytes}},
	totp_bevestigd INTEGER NOT NULL DEFAULT 0,
	totp_laatste_stap BIGINT NOT NULL DEFAULT 0,
	gewijzigd_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, gebruiker_id),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);

CREATE TABLE herstelcode (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	code_hash TEXT NOT NULL,
	gebruikt_op BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, gebruiker_id, code_hash),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);

CREATE TABLE eenmalige_code (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	ouder_id BIGINT NOT NULL,
	code_hash TEXT NOT NULL,
	pogingen BIGINT NOT NULL DEFAULT 0,
	verloopt_op BIGINT NOT NULL,
	gebruikt_op BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id)
);
CREATE INDEX eenmalige_code_ouder ON eenmalige_code (regio_id, ouder_id);

-- id_hash is the SHA-256 of the session token in the cookie; the token itself is not stored.
CREATE TABLE sessie (
	id_hash TEXT PRIMARY KEY,
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT,
	ouder_id BIGINT,
	fase TEXT NOT NULL CHECK (fase IN ('mfa', 'mfa-inschrijven', 'actief')),
	csrf TEXT NOT NULL,
	doel TEXT NOT NULL DEFAULT '',
	aangemaakt_op BIGINT NOT NULL,
	laatst_actief_op BIGINT NOT NULL,
	CHECK ((gebruiker_id IS NULL) <> (ouder_id IS NULL)),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id)
);
CREATE INDEX sessie_gebruiker ON sessie (regio_id, gebruiker_id);
CREATE INDEX sessie_aangemaakt ON sessie (aangemaakt_op);

-- Login throttling is shared by every instance. sleutel is 'account:<hash>' or 'adres:<hash>';
-- it is not region data (an address is throttled across regions), so it has no regio_id.
CREATE TABLE inlog_beperking (
	sleutel TEXT PRIMARY KEY,
	mislukt BIGINT NOT NULL,
	venster_start BIGINT NOT NULL,
	geblokkeerd_tot BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_client (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	organisatie_id BIGINT NOT NULL,
	naam TEXT NOT NULL,
	rol TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	scopes TEXT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	ingetrokken_op BIGINT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);

CREATE TABLE oidc_koppeling (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	organisatie_id BIGINT NOT NULL,
	issuer TEXT NOT NULL,
	client_id TEXT NOT NULL,
	client_geheim {{bytes}} NOT NULL,
	mfa_van_idp INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (regio_id, organisatie_id),
	FOREIGN KEY (regio_id, organisatie_id) REFERENCES organisatie(regio_id, id)
);
