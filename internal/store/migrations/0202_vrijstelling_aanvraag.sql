-- Requests and decisions for vrijstellingen (Leerplichtwet 1969 art. 5, 5a, 15) and leave above
-- ten school days (art. 14 lid 3). A granted decision adds its row to vrijstelling (the period the
-- rules skip) in the same transaction. Free text about the pupil (the requester's name, the
-- reason, the documents, the reasons of the decision) is sealed with the pupil's content key.
CREATE TABLE vrijstelling_aanvraag (
	id {{id}},
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	leerling_id BIGINT NOT NULL,
	soort TEXT NOT NULL,
	artikel TEXT NOT NULL,
	aanvrager TEXT NOT NULL,
	aanvrager_naam TEXT NOT NULL,
	ontvangen TEXT NOT NULL,
	van TEXT NOT NULL,
	tot TEXT,
	schooldagen BIGINT NOT NULL,
	reden TEXT NOT NULL,
	documenten TEXT NOT NULL,
	besluit TEXT NOT NULL CHECK (besluit IN ('', 'toegekend', 'afgewezen')),
	besloten_op TEXT,
	motivering TEXT NOT NULL,
	besluit_van TEXT,
	besluit_tot TEXT,
	besloten_door TEXT NOT NULL,
	vrijstelling_id BIGINT,
	vastgelegd_op BIGINT NOT NULL,
	UNIQUE (regio_id, id),
	FOREIGN KEY (regio_id, leerling_id) REFERENCES leerling(regio_id, id),
	FOREIGN KEY (regio_id, vrijstelling_id) REFERENCES vrijstelling(regio_id, id)
);
CREATE INDEX vrijstelling_aanvraag_leerling ON vrijstelling_aanvraag (regio_id, leerling_id);
