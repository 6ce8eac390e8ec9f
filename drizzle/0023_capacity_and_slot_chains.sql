CREATE TABLE "capacity_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" text NOT NULL,
	"resource" text NOT NULL,
	"line" text,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"capacity" integer NOT NULL,
	"reason" text NOT NULL,
	"set_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capacity_exceptions_days_check" CHECK (to_day >= from_day),
	CONSTRAINT "capacity_exceptions_capacity_check" CHECK (capacity >= 0),
	CONSTRAINT "capacity_exceptions_resource_check" CHECK (resource in ('collection', 'line', 'chair'))
);
--> statement-breakpoint
CREATE TABLE "collection_bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"site_id" text NOT NULL,
	"day" date NOT NULL,
	"slot" text NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collection_bookings_state_check" CHECK (state in ('active', 'released'))
);
--> statement-breakpoint
CREATE TABLE "slot_chains" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"facility_id" text NOT NULL,
	"collection_day" date NOT NULL,
	"line_start_day" date NOT NULL,
	"line_end_day" date NOT NULL,
	"infusion_day" date NOT NULL,
	"collection_booking_id" uuid,
	"manufacturing_slot_id" uuid,
	"state" text DEFAULT 'booked' NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slot_chains_state_check" CHECK (state in ('booked', 'confirmed', 'superseded', 'released'))
);
--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "collections_per_day" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "collection_days" text[] DEFAULT '{mon,tue,wed,thu,fri}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "capacity_exceptions" ADD CONSTRAINT "capacity_exceptions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_bookings" ADD CONSTRAINT "collection_bookings_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_bookings" ADD CONSTRAINT "collection_bookings_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_chains" ADD CONSTRAINT "slot_chains_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_chains" ADD CONSTRAINT "slot_chains_facility_id_sites_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_chains" ADD CONSTRAINT "slot_chains_collection_booking_id_collection_bookings_id_fk" FOREIGN KEY ("collection_booking_id") REFERENCES "public"."collection_bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_chains" ADD CONSTRAINT "slot_chains_manufacturing_slot_id_manufacturing_slots_id_fk" FOREIGN KEY ("manufacturing_slot_id") REFERENCES "public"."manufacturing_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "capacity_exceptions_site_idx" ON "capacity_exceptions" USING btree ("site_id","from_day");--> statement-breakpoint
CREATE INDEX "collection_bookings_batch_idx" ON "collection_bookings" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "slot_chains_batch_idx" ON "slot_chains" USING btree ("batch_id","version");--> statement-breakpoint
-- A line held ahead (booked at enrolment) takes the line as surely as a confirmed one.
ALTER TABLE "manufacturing_slots" DROP CONSTRAINT "manufacturing_slots_no_overlap";
--> statement-breakpoint
ALTER TABLE "manufacturing_slots" ADD CONSTRAINT "manufacturing_slots_no_overlap"
  EXCLUDE USING gist ("facility_id" WITH =, "line" WITH =, "during" WITH &&) WHERE ("state" IN ('reserved-ahead', 'reserved'));
--> statement-breakpoint
ALTER TABLE "manufacturing_slots" ADD CONSTRAINT "manufacturing_slots_state_check" CHECK ("state" IN ('reserved-ahead', 'reserved', 'released'));
--> statement-breakpoint
-- One collection per slot per day, and one active collection per batch: the database decides races.
CREATE UNIQUE INDEX "collection_bookings_one_per_slot" ON "collection_bookings" ("site_id", "day", "slot") WHERE "state" = 'active';
--> statement-breakpoint
CREATE UNIQUE INDEX "collection_bookings_one_active_per_batch" ON "collection_bookings" ("batch_id") WHERE "state" = 'active';
--> statement-breakpoint
-- One live chain per batch (booked or confirmed); superseded and released rows are its history.
CREATE UNIQUE INDEX "slot_chains_one_live_per_batch" ON "slot_chains" ("batch_id") WHERE "state" IN ('booked', 'confirmed');
--> statement-breakpoint
CREATE UNIQUE INDEX "slot_chains_batch_version" ON "slot_chains" ("batch_id", "version");
