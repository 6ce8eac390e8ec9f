-- The signaller drains each workflow kind as a lane of its own (src/ingest/signaller.ts), so its
-- claim reads the due rows of one kind in id order.
DROP INDEX "workflow_signals_unsent_idx";--> statement-breakpoint
CREATE INDEX "workflow_signals_unsent_idx" ON "workflow_signals" USING btree ("workflow_kind","id") WHERE sent_at is null;