-- The DUO exchange as a port (issue 13): how a melding went to DUO (duo_kanaal: "bestand" for the
-- file for the verzuimloket or the school's package, or the adapter's name), when it was sent,
-- and when DUO's status was last taken over (from the status file or by asking DUO). DUO's
-- meldingsnummer is duo_nummer (0200).
ALTER TABLE verzuimmelding ADD COLUMN duo_kanaal TEXT NOT NULL DEFAULT '';
ALTER TABLE verzuimmelding ADD COLUMN duo_verzonden_op BIGINT;
ALTER TABLE verzuimmelding ADD COLUMN duo_status_gelezen_op BIGINT;
CREATE INDEX verzuimmelding_duo_nummer ON verzuimmelding (regio_id, duo_nummer);
