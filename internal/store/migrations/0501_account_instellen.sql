-- One-time setup links for accounts the beheerder creates (issue 7). The new account has no
-- password; its user opens the link once to choose one. Only the SHA-256 of the link's token is
-- stored (like sessions and API tokens), with an expiry; gebruikt_op spends it.
CREATE TABLE account_instellink (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	verloopt_op BIGINT NOT NULL,
	gebruikt_op BIGINT,
	aangemaakt_op BIGINT NOT NULL,
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);
CREATE INDEX account_instellink_gebruiker ON account_instellink (regio_id, gebruiker_id);
