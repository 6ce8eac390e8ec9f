ALTER TABLE "capacity_exceptions" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "capacity_exceptions" ADD COLUMN "request_hash" text;--> statement-breakpoint
ALTER TABLE "capacity_exceptions" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "capacity_exceptions_idempotency_key_idx" ON "capacity_exceptions" USING btree ("idempotency_key");