-- Absence episodes (issue 13): one stored signal per episode of absence, which grows while the
-- absence continues and ends when the pupil is back or the case is closed; one melding per
-- episode.

-- The episode's track (ongeoorloofd, rmc, or the kind itself), the day its threshold was reached,
-- and its end (NULL while it runs) with the reason.
ALTER TABLE verzuim_signaal ADD COLUMN spoor TEXT NOT NULL DEFAULT '';
ALTER TABLE verzuim_signaal ADD COLUMN bereikt TEXT NOT NULL DEFAULT '';
ALTER TABLE verzuim_signaal ADD COLUMN einde TEXT;
ALTER TABLE verzuim_signaal ADD COLUMN einde_reden TEXT NOT NULL DEFAULT '';

-- Before the constraint: a melding submitted twice for one signal (possible before this
-- migration) keeps the first one linked; the later ones stay stored, unlinked.
UPDATE verzuimmelding SET signaal_id = NULL
	WHERE signaal_id IS NOT NULL AND status <> 'ingetrokken'
	AND id > (SELECT MIN(m2.id) FROM verzuimmelding m2
		WHERE m2.regio_id = verzuimmelding.regio_id AND m2.signaal_id = verzuimmelding.signaal_id AND m2.status <> 'ingetrokken');

-- At most one melding per episode (a withdrawn one does not count): a double submit cannot make
-- two.
CREATE UNIQUE INDEX verzuimmelding_een_per_episode ON verzuimmelding (regio_id, signaal_id)
	WHERE signaal_id IS NOT NULL AND status <> 'ingetrokken';
CREATE INDEX verzuim_signaal_leerling ON verzuim_signaal (regio_id, leerling_id);
