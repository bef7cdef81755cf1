-- Row-level security per region (SetupAppRole, roles.go) denies when a session names no region.
-- Before this migration the policies read an absent or empty grondslag.regio as "the row's own
-- region", so a transaction that forgot to name its region saw and could change every region:
-- the defence in depth failed open. regio_zichtbaar is now the one condition of every policy:
-- the region the session names, every region only for the explicit value '*', and nothing when
-- the setting is absent, empty or another region. Existing policies are rewritten here; new ones
-- come from `grondslag migrate --app-rol`. SQLite has no roles nor row-level security.

-- dialect: postgres
CREATE OR REPLACE FUNCTION regio_zichtbaar(rij_regio BIGINT) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE coalesce(current_setting('grondslag.regio', true), '')
		WHEN '*' THEN true
		WHEN '' THEN false
		ELSE rij_regio = current_setting('grondslag.regio', true)::bigint
	END
$$;
DO $$
DECLARE
	p record;
	col text;
BEGIN
	FOR p IN SELECT tablename, roles FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'regio_isolatie' LOOP
		col := CASE WHEN p.tablename = 'regio' THEN 'id' ELSE 'regio_id' END;
		EXECUTE format('ALTER POLICY regio_isolatie ON %I USING (regio_zichtbaar(%I)) WITH CHECK (regio_zichtbaar(%I))', p.tablename, col, col);
		IF p.tablename = 'regio' AND NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema() AND tablename = 'regio' AND policyname = 'regio_lezen') THEN
			EXECUTE format('CREATE POLICY regio_lezen ON regio FOR SELECT TO %s USING (true)', (SELECT string_agg(quote_ident(r), ', ') FROM unnest(p.roles) r));
		END IF;
	END LOOP;
END
$$;
