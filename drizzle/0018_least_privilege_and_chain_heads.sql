-- The processes (API, worker, ingest) connect as a member of v2v_app, never as the owner of the
-- tables: they may read and write the operational tables, but custody records only INSERT and
-- SELECT, and chain heads only SELECT. Without ownership they cannot ALTER a table, disable its
-- triggers, or TRUNCATE it. Migrations keep running as the owner. `v2v stack up` creates the
-- login role; on a managed PostgreSQL an administrator does (README, "Database roles").
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'v2v_app') THEN
    CREATE ROLE v2v_app NOLOGIN;
  END IF;
END;
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO v2v_app;--> statement-breakpoint
REVOKE CREATE ON SCHEMA public FROM v2v_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO v2v_app;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO v2v_app;--> statement-breakpoint
-- Tables later migrations create (as the same owner) are operational by default; evidence tables revoke, as below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO v2v_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO v2v_app;--> statement-breakpoint
REVOKE ALL ON "custody_events" FROM PUBLIC;--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "custody_events" FROM v2v_app;--> statement-breakpoint
REVOKE ALL ON "custody_heads" FROM PUBLIC;--> statement-breakpoint
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "custody_heads" FROM v2v_app;--> statement-breakpoint
-- So a process can tell that the schema is current without being able to change it (src/db/migrate.ts).
GRANT USAGE ON SCHEMA drizzle TO v2v_app;--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO v2v_app;--> statement-breakpoint

-- The chain head moves in the inserting transaction, and only forward: the next record must carry
-- the next seq and point at the head's hash. SECURITY DEFINER, so the head is written with the
-- owner's rights while the inserting role may only read it. A simulated batch's records (deletable
-- when its seed is written again) have no head: they are not evidence.
CREATE FUNCTION "v2v_custody_advance_head"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  head_seq integer;
  head_hash text;
BEGIN
  IF NEW.simulation_seed IS NOT NULL THEN
    RETURN NULL;
  END IF;
  SELECT seq, hash INTO head_seq, head_hash FROM custody_heads WHERE batch_id = NEW.batch_id FOR UPDATE;
  IF NOT FOUND THEN
    IF NEW.seq <> 1 OR NEW.prev_hash IS NOT NULL THEN
      RAISE EXCEPTION 'custody record seq % of batch % does not start its chain', NEW.seq, NEW.batch_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    INSERT INTO custody_heads (batch_id, seq, hash) VALUES (NEW.batch_id, NEW.seq, NEW.hash);
  ELSE
    IF NEW.seq <> head_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
      RAISE EXCEPTION 'custody record seq % of batch % does not follow its chain head (seq %)', NEW.seq, NEW.batch_id, head_seq USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE custody_heads SET seq = NEW.seq, hash = NEW.hash, updated_at = now() WHERE batch_id = NEW.batch_id;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "v2v_custody_advance_head"() FROM PUBLIC;--> statement-breakpoint
INSERT INTO "custody_heads" ("batch_id", "seq", "hash")
  SELECT DISTINCT ON (batch_id) batch_id, seq, hash FROM "custody_events" WHERE simulation_seed IS NULL ORDER BY batch_id, seq DESC;--> statement-breakpoint
CREATE TRIGGER "custody_events_advance_head" AFTER INSERT ON "custody_events"
  FOR EACH ROW EXECUTE FUNCTION "v2v_custody_advance_head"();--> statement-breakpoint

-- Writing a simulated history again clears its seed's custody records. The processes have no DELETE
-- on custody_events; this function deletes a seed's records and nothing else (and the append-only
-- trigger would still refuse any real record).
CREATE FUNCTION "v2v_clear_simulated_custody"(seed bigint) RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH gone AS (DELETE FROM custody_events WHERE simulation_seed = seed AND seed IS NOT NULL RETURNING 1)
  SELECT count(*) FROM gone;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "v2v_clear_simulated_custody"(bigint) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION "v2v_clear_simulated_custody"(bigint) TO v2v_app;
