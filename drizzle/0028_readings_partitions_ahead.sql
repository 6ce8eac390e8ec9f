-- Readings partitions made ahead and old ones detached (src/ingest/partitions.ts calls this when
-- ingest starts and every hour). Made ahead, a month's partition exists before its first reading,
-- so that reading never lands in the default partition (which would keep the month from ever
-- getting its own). The retention rule: the partitions of the current month and of the
-- `retention_months` months before it stay attached; an older monthly partition is detached, not
-- dropped: it stays in the schema as a table of its own, under its name, for the operator to
-- archive or drop, and since its name is taken ingest never makes that month's partition again
-- (a very late reading of it lands in the default partition). 0 keeps everything. The default
-- partition is never detached. SECURITY DEFINER like v2v_ensure_readings_partition (0022): only
-- v2v_app may call it, and it touches nothing but the monthly partitions of sensor_readings.
CREATE FUNCTION "v2v_maintain_readings_partitions"(months_ahead integer, retention_months integer, today date DEFAULT current_date)
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
      action := 'detached';
      partition_name := name;
      RETURN NEXT;
    END LOOP;
  END IF;
END;
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION "v2v_maintain_readings_partitions"(integer, integer, date) FROM PUBLIC;--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'v2v_app') THEN
    GRANT EXECUTE ON FUNCTION "v2v_maintain_readings_partitions"(integer, integer, date) TO v2v_app;
  END IF;
END;
$$;
