-- What drizzle's schema cannot express: exclusion constraints on time ranges, append-only
-- custody records and the partitions of sensor_readings.

CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint

-- No double booking: one infusion chair holds one active booking at a time.
ALTER TABLE "infusion_bookings" ADD CONSTRAINT "infusion_bookings_no_overlap"
  EXCLUDE USING gist ("site_id" WITH =, "chair" WITH =, "during" WITH &&) WHERE ("state" = 'active');
--> statement-breakpoint
CREATE UNIQUE INDEX "infusion_bookings_one_active_per_batch" ON "infusion_bookings" ("batch_id") WHERE "state" = 'active';
--> statement-breakpoint

-- A manufacturing line makes one batch at a time.
ALTER TABLE "manufacturing_slots" ADD CONSTRAINT "manufacturing_slots_no_overlap"
  EXCLUDE USING gist ("facility_id" WITH =, "line" WITH =, "during" WITH &&) WHERE ("state" = 'reserved');
--> statement-breakpoint

-- A device is bound to exactly one shipment or piece of equipment at any instant.
ALTER TABLE "device_bindings" ADD CONSTRAINT "device_bindings_one_target"
  CHECK (num_nonnulls("shipment_id", "equipment_id") = 1);
--> statement-breakpoint
ALTER TABLE "device_bindings" ADD CONSTRAINT "device_bindings_no_overlap"
  EXCLUDE USING gist ("device_id" WITH =, "during" WITH &&);
--> statement-breakpoint

-- Custody records are evidence: the database itself refuses to change or remove them,
-- whoever the client is (short of a superuser disabling the trigger, which verify detects).
CREATE FUNCTION "v2v_refuse_custody_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custody_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "custody_events_append_only" BEFORE UPDATE OR DELETE ON "custody_events"
  FOR EACH ROW EXECUTE FUNCTION "v2v_refuse_custody_change"();
--> statement-breakpoint
CREATE TRIGGER "custody_events_no_truncate" BEFORE TRUNCATE ON "custody_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "v2v_refuse_custody_change"();
--> statement-breakpoint

-- Readings land in monthly partitions; the default partition catches anything not yet covered,
-- so an insert never fails for want of a partition.
CREATE TABLE "sensor_readings_default" PARTITION OF "sensor_readings" DEFAULT;
--> statement-breakpoint
CREATE FUNCTION "v2v_ensure_readings_partition"(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := format('sensor_readings_%s', to_char(first, 'YYYY_MM'));
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF sensor_readings FOR VALUES FROM (%L) TO (%L)',
      name, first, (first + interval '1 month')::date);
  END IF;
  RETURN name;
END;
$$;
