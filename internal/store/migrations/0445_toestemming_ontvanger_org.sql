-- The pupils whose consent names an organisation as recipient (the consent relation of the
-- pupil lists, issue 15), found from the organisation instead of from every consent.
CREATE INDEX toestemming_ontvanger_org ON toestemming_ontvanger (regio_id, organisatie_id);
