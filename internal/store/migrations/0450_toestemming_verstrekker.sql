-- The party whose disclosure a consent allows (issue 14): the jeugdarts (BW 7:457 and 7:465) and
-- the jeugdhulpverlener (Jeugdwet 7.3.11) need the child's own consent from 12, the school the
-- parents' up to 16. NULL: the school's disclosure (every consent recorded before this column).
ALTER TABLE toestemming ADD COLUMN verstrekker TEXT;
