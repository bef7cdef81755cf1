-- Transparency notices (internal/notice): what was sent to whom about which day (the address as
-- a SHA-256 hash, so the table holds no address), holds where telling would harm the child
-- (meldcode / Veilig Thuis) with a reason and a date to tell later, and the days held back.
-- The daily batch reads the day's audit entries by time: an index on audit_regel(tijd).

CREATE INDEX audit_regel_tijd ON audit_regel (regio_id, tijd);

CREATE TABLE kennisgeving_verzonden (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling TEXT NOT NULL,
	dag TEXT NOT NULL,
	ontvanger_hash TEXT NOT NULL,
	aantal BIGINT NOT NULL,
	verzonden_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, leerling, dag, ontvanger_hash)
);

CREATE TABLE kennisgeving_uitstel (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	reden TEXT NOT NULL,
	tot TEXT NOT NULL,
	door TEXT NOT NULL,
	aangemaakt_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id)
);
CREATE INDEX kennisgeving_uitstel_leerling ON kennisgeving_uitstel (regio_id, leerling_id);

CREATE TABLE kennisgeving_achtergehouden (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling TEXT NOT NULL,
	dag TEXT NOT NULL,
	tot TEXT NOT NULL,
	vastgelegd_op BIGINT NOT NULL,
	PRIMARY KEY (regio_id, leerling, dag)
);
