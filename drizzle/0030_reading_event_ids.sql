-- Every stored reading's eventId once (src/db/schema/telemetry.ts): ingest asks it, with one probe,
-- whether an eventId is stored and with which time, instead of asking every month's partition.
-- The key and the index are made after the ids already stored are copied in: building them once
-- is cheaper than growing them a row at a time. On an installation with many readings this reads
-- them all once: run the migration in a quiet hour (2 minutes for 43 million
-- readings on the bench's 2-core machine, `v2v migrate` timed).
CREATE TABLE "reading_event_ids" (
	"event_id" uuid NOT NULL,
	"event_time" timestamp with time zone NOT NULL
);--> statement-breakpoint
INSERT INTO "reading_event_ids" ("event_id", "event_time")
SELECT DISTINCT ON ("event_id") "event_id", "event_time" FROM "sensor_readings" ORDER BY "event_id", "event_time";--> statement-breakpoint
ALTER TABLE "reading_event_ids" ADD CONSTRAINT "reading_event_ids_pkey" PRIMARY KEY ("event_id");--> statement-breakpoint
CREATE INDEX "reading_event_ids_time_idx" ON "reading_event_ids" USING brin ("event_time");--> statement-breakpoint
-- As 0028, and a detached month's ids deleted with it.
CREATE OR REPLACE FUNCTION "v2v_maintain_readings_partitions"(months_ahead integer, retention_months integer, today date DEFAULT current_date)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
-- Both DDL statements lock sensor_readings; waiting long for the lock would stall every insert queued behind it.
SET lock_timeout = '2s'
AS $$
DECLARE
  this_month date := date_trunc('month', today)::date;
  month date;
  name text;
BEGIN
  -- Several ingest processes call this at once: one at a time.
  PERFORM pg_advisory_xact_lock(hashtext('v2v_maintain_readings_partitions'));
  FOR i IN 0..greatest(months_ahead, 0) LOOP
    month := (this_month + make_interval(months => i))::date;
    name := format('sensor_readings_%s', to_char(month, 'YYYY_MM'));
    CONTINUE WHEN to_regclass(name) IS NOT NULL;
    BEGIN
      PERFORM v2v_ensure_readings_partition(month);
      action := 'created';
    EXCEPTION WHEN check_violation THEN
      -- Readings of that month already sit in the default partition: the month stays there.
      action := 'stays_in_default';
    END;
    partition_name := name;
    RETURN NEXT;
  END LOOP;
  IF retention_months > 0 THEN
    FOR name IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'sensor_readings'::regclass AND c.relname ~ '^sensor_readings_\d{4}_\d{2}$'
         AND to_date(substring(c.relname from 17), 'YYYY_MM') < this_month - make_interval(months => retention_months)
       ORDER BY c.relname
    LOOP
      EXECUTE format('ALTER TABLE sensor_readings DETACH PARTITION %I', name);
      -- Its readings left sensor_readings, so their ids leave the table that answers for it.
      DELETE FROM reading_event_ids
       WHERE event_time >= to_date(substring(name from 17), 'YYYY_MM')
         AND event_time < to_date(substring(name from 17), 'YYYY_MM') + interval '1 month';
      action := 'detached';
      partition_name := name;
      RETURN NEXT;
    END LOOP;
  END IF;
END;
$$;
