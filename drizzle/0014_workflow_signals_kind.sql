ALTER TABLE "workflow_signals" ADD COLUMN "workflow_kind" text;--> statement-breakpoint
ALTER TABLE "workflow_signals" ADD COLUMN "equipment_id" text;--> statement-breakpoint
-- Rows queued before this migration: the kind as the signaller used to read it from the id's prefix, once.
UPDATE "workflow_signals" SET "workflow_kind" = 'equipment', "equipment_id" = substr("workflow_id", length('equipment:') + 1) WHERE "workflow_id" LIKE 'equipment:%';--> statement-breakpoint
UPDATE "workflow_signals" SET "workflow_kind" = 'batch' WHERE "workflow_kind" IS NULL;--> statement-breakpoint
ALTER TABLE "workflow_signals" ALTER COLUMN "workflow_kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_signals" ADD CONSTRAINT "workflow_signals_kind_check" CHECK (workflow_kind in ('batch', 'equipment'));--> statement-breakpoint
ALTER TABLE "workflow_signals" ADD CONSTRAINT "workflow_signals_equipment_id_check" CHECK ((workflow_kind = 'equipment') = (equipment_id is not null));
