-- OpenID Connect: the account a provider's subject is bound to (issue 20). After the first login
-- through the provider that the user confirmed with Grondslag's own second factor (or with the
-- provider's MFA the organisation trusts), later logins find the account by issuer and subject,
-- never again by e-mail; an e-mail address that moves to another subject at the provider is
-- refused for an account that is bound.
CREATE TABLE gebruiker_oidc (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	gekoppeld_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, issuer, subject),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);
CREATE UNIQUE INDEX gebruiker_oidc_gebruiker ON gebruiker_oidc (regio_id, gebruiker_id, issuer);
