-- The start pages' work lists (issue 15) ask per signal whether a melding was made for it; the
-- unique index on signaal_id is partial (withdrawn meldingen excluded), so the look-up read every
-- melding of the region for every signal (10 s for a school of 5,000 pupils in a region of 50,000).
CREATE INDEX verzuimmelding_signaal ON verzuimmelding (regio_id, signaal_id);
