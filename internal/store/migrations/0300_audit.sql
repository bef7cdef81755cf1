-- The audit log: per region an append-only Merkle tree (RFC 6962) of audit entries.
-- audit_kop is the per-region head: the tree size and the compact range (the hashes of the
-- tree's right edge, concatenated), locked by every append so that leaf indexes are consecutive.
CREATE TABLE audit_kop (
	regio_id BIGINT PRIMARY KEY REFERENCES regio(id),
	grootte BIGINT NOT NULL,
	bereik {{bytes}} NOT NULL
);

-- One row per leaf. blad holds the canonical leaf bytes (JSON, see docs/audit.md), blad_hash
-- SHA-256(0x00 || blad). tijd and leerling (pseudonym, '' if none) are copies for look-up;
-- verify checks them against blad.
CREATE TABLE audit_regel (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	volgnummer BIGINT NOT NULL,
	tijd BIGINT NOT NULL,
	leerling TEXT NOT NULL,
	blad {{bytes}} NOT NULL,
	blad_hash {{bytes}} NOT NULL,
	PRIMARY KEY (regio_id, volgnummer)
);
CREATE INDEX audit_regel_leerling ON audit_regel (regio_id, leerling, volgnummer);

-- Hashes of the perfect subtrees at levels 8, 16, 24, ... (one per 256 leaves), so that proofs
-- need at most 256 hashes per node.
CREATE TABLE audit_knoop (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	niveau BIGINT NOT NULL,
	positie BIGINT NOT NULL,
	hash {{bytes}} NOT NULL,
	PRIMARY KEY (regio_id, niveau, positie)
);

-- Signed checkpoints (transparency-dev checkpoint in a signed note).
CREATE TABLE audit_controlepunt (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	grootte BIGINT NOT NULL,
	root {{bytes}} NOT NULL,
	tijd BIGINT NOT NULL,
	notitie TEXT NOT NULL,
	UNIQUE (regio_id, id)
);
CREATE INDEX audit_controlepunt_grootte ON audit_controlepunt (regio_id, grootte, id);

-- Public verifier keys (note format) that signed this region's checkpoints. Informational: an
-- outsider pins the key they were given, not this copy.
CREATE TABLE audit_sleutel (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	sleutel TEXT NOT NULL,
	eerst_gebruikt BIGINT NOT NULL,
	PRIMARY KEY (regio_id, sleutel)
);
