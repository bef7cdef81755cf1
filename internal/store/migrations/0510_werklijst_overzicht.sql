-- The daily digest of the work lists (issue 15): a professional turns it on or off on his start
-- page; laatst_verstuurd (YYYY-MM-DD) is the last day it was sent, so a day is sent once even with
-- several instances or a restart.
CREATE TABLE werklijst_overzicht (
	regio_id BIGINT NOT NULL REFERENCES regio(id),
	gebruiker_id BIGINT NOT NULL,
	aan INTEGER NOT NULL,
	laatst_verstuurd TEXT,
	PRIMARY KEY (regio_id, gebruiker_id),
	FOREIGN KEY (regio_id, gebruiker_id) REFERENCES gebruiker(regio_id, id)
);
