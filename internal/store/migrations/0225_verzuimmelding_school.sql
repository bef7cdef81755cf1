-- A school's list of its meldingen (issue 15) read from an index, newest first.
CREATE INDEX verzuimmelding_school ON verzuimmelding (regio_id, school_id);
