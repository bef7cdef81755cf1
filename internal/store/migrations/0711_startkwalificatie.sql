-- The date a pupil obtained a startkwalificatie (havo, vwo or mbo level 2; Leerplichtwet 1969
-- art. 4a/4b), when known. It ends the kwalificatieplicht before the 18th birthday and so starts
-- the retention of the gemeente's kwalificatieplicht file (einde-kwalificatieplicht + 2 years,
-- VNG Selectielijst 2020, 12.1.4). NULL: none known (the 18th birthday counts).
ALTER TABLE leerling ADD COLUMN startkwalificatie TEXT;
