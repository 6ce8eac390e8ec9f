CREATE TABLE "equipment_assessments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"equipment_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"failure_probability_7d" double precision NOT NULL,
	"rul_days" double precision,
	"method" text NOT NULL,
	"failure_model_id" text,
	"rul_model_id" text,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipment_assessments_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "landmarks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"stage" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"facts" jsonb NOT NULL,
	"ahead" jsonb NOT NULL,
	"simulation_seed" bigint,
	"simulated" boolean GENERATED ALWAYS AS (simulation_seed is not null) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "landmarks_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "maintenance_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"equipment_id" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"reason" text NOT NULL,
	"failure_probability_7d" double precision NOT NULL,
	"rul_days" double precision,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_tickets_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"scope" text NOT NULL,
	"version" integer NOT NULL,
	"state" text DEFAULT 'candidate' NOT NULL,
	"trained_from" timestamp with time zone NOT NULL,
	"trained_to" timestamp with time zone NOT NULL,
	"features" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"artifact" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"promoted_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	CONSTRAINT "models_target_scope_version_uq" UNIQUE("target","scope","version")
);
--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "batch_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "equipment_id" text;--> statement-breakpoint
ALTER TABLE "forecasts" ADD COLUMN "landmark_id" bigint;--> statement-breakpoint
ALTER TABLE "infusion_bookings" ADD COLUMN "at_risk" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "infusion_bookings" ADD COLUMN "safe_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "equipment" ADD COLUMN "line" text;--> statement-breakpoint
ALTER TABLE "equipment_assessments" ADD CONSTRAINT "equipment_assessments_equipment_id_equipment_id_fk" FOREIGN KEY ("equipment_id") REFERENCES "public"."equipment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "landmarks" ADD CONSTRAINT "landmarks_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_tickets" ADD CONSTRAINT "maintenance_tickets_equipment_id_equipment_id_fk" FOREIGN KEY ("equipment_id") REFERENCES "public"."equipment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "equipment_assessments_unit_idx" ON "equipment_assessments" USING btree ("equipment_id","at");--> statement-breakpoint
CREATE INDEX "landmarks_at_idx" ON "landmarks" USING btree ("at");--> statement-breakpoint
CREATE INDEX "landmarks_batch_idx" ON "landmarks" USING btree ("batch_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_tickets_one_open_idx" ON "maintenance_tickets" USING btree ("equipment_id") WHERE state = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "models_one_active_idx" ON "models" USING btree ("target","scope") WHERE state = 'active';--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_landmark_id_landmarks_id_fk" FOREIGN KEY ("landmark_id") REFERENCES "public"."landmarks"("id") ON DELETE no action ON UPDATE no action;