-- One row that /gereed (readiness) rewrites to prove the store can still commit a write: a full
-- disk, a read-only database or a lost primary make the probe fail and take the instance out of
-- the load balancer. Holds nothing but a time.
CREATE TABLE gereed_proef (
	id BIGINT PRIMARY KEY,
	tijd BIGINT NOT NULL
);
