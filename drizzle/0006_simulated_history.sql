CREATE TABLE "equipment_daily_telemetry" (
	"equipment_id" text NOT NULL,
	"day" date NOT NULL,
	"metric" text NOT NULL,
	"n" integer NOT NULL,
	"mean" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"stddev" double precision NOT NULL,
	"minutes_out_of_range" double precision NOT NULL,
	CONSTRAINT "equipment_daily_telemetry_equipment_id_metric_day_pk" PRIMARY KEY("equipment_id","metric","day")
);
--> statement-breakpoint
CREATE TABLE "maintenance_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"equipment_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"downtime_hours" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_events_entry_uq" UNIQUE("equipment_id","kind","at")
);
--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "simulation_seed" bigint;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "simulated" boolean GENERATED ALWAYS AS (simulation_seed is not null) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "simulation_seed" bigint;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "simulated" boolean GENERATED ALWAYS AS (simulation_seed is not null) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "custody_events" ADD COLUMN "simulation_seed" bigint;--> statement-breakpoint
ALTER TABLE "equipment" ADD COLUMN "installed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "equipment" ADD COLUMN "simulation_seed" bigint;--> statement-breakpoint
ALTER TABLE "equipment" ADD COLUMN "simulated" boolean GENERATED ALWAYS AS (simulation_seed is not null) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "equipment_daily_telemetry" ADD CONSTRAINT "equipment_daily_telemetry_equipment_id_equipment_id_fk" FOREIGN KEY ("equipment_id") REFERENCES "public"."equipment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_events" ADD CONSTRAINT "maintenance_events_equipment_id_equipment_id_fk" FOREIGN KEY ("equipment_id") REFERENCES "public"."equipment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_id_simulation_seed_uq" UNIQUE("id","simulation_seed");--> statement-breakpoint
ALTER TABLE "custody_events" ADD CONSTRAINT "custody_events_simulated_batch_fk" FOREIGN KEY ("batch_id","simulation_seed") REFERENCES "public"."batches"("id","simulation_seed") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batches_simulation_seed_idx" ON "batches" USING btree ("simulation_seed") WHERE simulation_seed is not null;--> statement-breakpoint
CREATE INDEX "infusion_bookings_batch_idx" ON "infusion_bookings" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "manufacturing_slots_batch_idx" ON "manufacturing_slots" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "device_bindings_shipment_idx" ON "device_bindings" USING btree ("shipment_id");