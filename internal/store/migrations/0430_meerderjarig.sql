-- From 18 the parents' gezag ends (BW 1:233): their access to the young adult's data ends unless
-- the young adult authorises a parent (machtiging). One row per authorisation; a withdrawal sets
-- ingetrokken_op.

CREATE TABLE ouder_machtiging (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	ouder_id BIGINT NOT NULL,
	gegeven_op BIGINT NOT NULL,
	ingetrokken_op BIGINT,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, ouder_id) REFERENCES ouder(regio_id, id)
);
CREATE INDEX ouder_machtiging_leerling ON ouder_machtiging (regio_id, leerling_id, ouder_id);
