-- A refusal by DUO (issue 13): DUO did not take the melding (afgewezen) or the exchange failed at
-- DUO (fout). It is a line in the melding's status history with an error status (fout: the kind
-- and DUO's text, without a persoonsgebonden nummer; door 'duo'; the status column repeats the
-- melding's status, which does not change), and the melding keeps the last refusal until a later
-- submission succeeds, for the DUO block of its page and the API. (Numbered 0830 from the range
-- given to this work; the concern is 0200–0299.)
ALTER TABLE verzuimmelding_status ADD COLUMN fout TEXT NOT NULL DEFAULT '';
ALTER TABLE verzuimmelding ADD COLUMN duo_weigering TEXT NOT NULL DEFAULT '';
ALTER TABLE verzuimmelding ADD COLUMN duo_geweigerd_op BIGINT;
