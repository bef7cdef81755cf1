-- Sign-in of parents and pupils through an OpenID Connect provider configured per region
-- (issue 16; DigiD brokers speak OIDC). oidc_burger is the region's provider (the client secret
-- sealed with the web key); burger_oidc_koppeling binds a provider's subject to a parent or a
-- pupil once the person confirmed the first sign-in with the one-time code sent to the e-mail
-- address the school holds. No BSN or e-mail from the provider is stored; the subject is.
CREATE TABLE oidc_burger (
	regio_id BIGINT NOT NULL PRIMARY KEY REFERENCES regio(id),
	naam TEXT NOT NULL,
	issuer TEXT NOT NULL,
	client_id TEXT NOT NULL,
	client_geheim {{bytes}} NOT NULL
);

CREATE TABLE burger_oidc_koppeling (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	ouder_id BIGINT,
	leerling_id BIGINT,
	gekoppeld_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, issuer, subject),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	CHECK ((ouder_id IS NULL) <> (leerling_id IS NULL))
);
CREATE UNIQUE INDEX burger_oidc_ouder ON burger_oidc_koppeling (regio_id, issuer, ouder_id);
CREATE UNIQUE INDEX burger_oidc_leerling ON burger_oidc_koppeling (regio_id, issuer, leerling_id);
