CREATE TABLE "command_texts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"batch_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"sha256" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "command_texts_kind_check" CHECK (kind in ('cancel-reason', 'milestone-data')),
	CONSTRAINT "command_texts_sha256_check" CHECK (sha256 ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "command_texts" ADD CONSTRAINT "command_texts_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "command_texts_batch_idx" ON "command_texts" USING btree ("batch_id");--> statement-breakpoint
-- The texts behind the references in workflow histories and custody records are evidence: the processes may only append and read them.
REVOKE UPDATE, DELETE, TRUNCATE ON "command_texts" FROM v2v_app;
