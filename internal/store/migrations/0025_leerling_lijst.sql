-- Lists of pupils (issue 15): sorted by name or date of birth within a region, and the
-- gemeente's pupils (a melding in the actor's gemeente) found without reading the whole region.
CREATE INDEX leerling_naam ON leerling (regio_id, achternaam, voornaam, id);
CREATE INDEX leerling_geboortedatum ON leerling (regio_id, geboortedatum);
CREATE INDEX leerling_woongemeente ON leerling (regio_id, woongemeente_id);
