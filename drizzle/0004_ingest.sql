CREATE TABLE "engine_state" (
	"binding_id" uuid PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"state" jsonb NOT NULL,
	"gap_due_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_signals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"signal" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "workflow_signals_change_id_unique" UNIQUE("change_id")
);
--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "duration_ms" bigint;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "binding_id" uuid;--> statement-breakpoint
ALTER TABLE "excursions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sensor_readings" ADD COLUMN "binding_id" uuid;--> statement-breakpoint
ALTER TABLE "engine_state" ADD CONSTRAINT "engine_state_binding_id_device_bindings_id_fk" FOREIGN KEY ("binding_id") REFERENCES "public"."device_bindings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engine_state" ADD CONSTRAINT "engine_state_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "engine_state_gap_due_idx" ON "engine_state" USING btree ("gap_due_at");--> statement-breakpoint
CREATE INDEX "workflow_signals_unsent_idx" ON "workflow_signals" USING btree ("id") WHERE sent_at is null;