-- Ingest connects as a member of v2v_app, which may not CREATE in the schema (0018): its call to
-- create a month's readings partition was refused and the month stayed in the default partition.
-- The function now runs with its owner's rights, on a fixed search path, and only v2v_app may call
-- it; it creates nothing but a partition of sensor_readings for the month it is given. The
-- partition is the owner's, and the default privileges of 0018 give v2v_app its DML.
ALTER FUNCTION "v2v_ensure_readings_partition"(date) SECURITY DEFINER SET search_path = public, pg_temp;--> statement-breakpoint
REVOKE ALL ON FUNCTION "v2v_ensure_readings_partition"(date) FROM PUBLIC;--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'v2v_app') THEN
    GRANT EXECUTE ON FUNCTION "v2v_ensure_readings_partition"(date) TO v2v_app;
  END IF;
END;
$$;
