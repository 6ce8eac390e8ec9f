CREATE TABLE "allocation_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"policy_id" text NOT NULL,
	"version" integer NOT NULL,
	"policy" jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	CONSTRAINT "allocation_policies_policy_version_uq" UNIQUE("policy_id","version"),
	CONSTRAINT "allocation_policies_version_check" CHECK (version > 0)
);
--> statement-breakpoint
CREATE TABLE "urgency_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"justification" text NOT NULL,
	"signer_subject" text NOT NULL,
	"signer_name" text NOT NULL,
	"signer_role" text NOT NULL,
	"meaning" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"signature_hash" text NOT NULL,
	"custody_seq" integer NOT NULL,
	CONSTRAINT "urgency_assessments_tier_check" CHECK (tier in ('standard', 'urgent', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "waitlist_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"chain_version" integer NOT NULL,
	"slot_chain_id" uuid,
	"policy_row_id" uuid NOT NULL,
	"policy_id" text NOT NULL,
	"policy_version" integer NOT NULL,
	"position" integer NOT NULL,
	"weight" double precision NOT NULL,
	"rule" text NOT NULL,
	"chain" jsonb NOT NULL,
	"passed_over" jsonb NOT NULL,
	"reason" text NOT NULL,
	"allocated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "waitlist_allocations_chain_uq" UNIQUE("batch_id","chain_version")
);
--> statement-breakpoint
CREATE TABLE "waitlist_entries" (
	"batch_id" uuid PRIMARY KEY NOT NULL,
	"treatment_center_id" text NOT NULL,
	"apheresis_center_id" text NOT NULL,
	"product_id" text NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"earliest_collection_day" date,
	"state" text DEFAULT 'waiting' NOT NULL,
	"allocated_at" timestamp with time zone,
	CONSTRAINT "waitlist_entries_state_check" CHECK (state in ('waiting', 'allocated', 'withdrawn'))
);
--> statement-breakpoint
ALTER TABLE "urgency_assessments" ADD CONSTRAINT "urgency_assessments_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_allocations" ADD CONSTRAINT "waitlist_allocations_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_allocations" ADD CONSTRAINT "waitlist_allocations_slot_chain_id_slot_chains_id_fk" FOREIGN KEY ("slot_chain_id") REFERENCES "public"."slot_chains"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_allocations" ADD CONSTRAINT "waitlist_allocations_policy_row_id_allocation_policies_id_fk" FOREIGN KEY ("policy_row_id") REFERENCES "public"."allocation_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_treatment_center_id_sites_id_fk" FOREIGN KEY ("treatment_center_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_apheresis_center_id_sites_id_fk" FOREIGN KEY ("apheresis_center_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_product_id_product_profiles_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."product_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "allocation_policies_one_active" ON "allocation_policies" USING btree ("active") WHERE active;--> statement-breakpoint
CREATE INDEX "urgency_assessments_batch_idx" ON "urgency_assessments" USING btree ("batch_id","signed_at");--> statement-breakpoint
CREATE INDEX "waitlist_allocations_at_idx" ON "waitlist_allocations" USING btree ("allocated_at");--> statement-breakpoint
CREATE INDEX "waitlist_entries_waiting_idx" ON "waitlist_entries" USING btree ("enrolled_at") WHERE state = 'waiting';--> statement-breakpoint
-- The policy's own id and version are its columns' (the API validates the rest with allocationPolicySchema).
ALTER TABLE "allocation_policies" ADD CONSTRAINT "allocation_policies_policy_matches_check"
  CHECK (policy->>'id' = policy_id AND (policy->>'version')::int = version);
--> statement-breakpoint
-- A new version is a new row: only `active` and `activated_at` may ever change, and no row is deleted.
CREATE FUNCTION "v2v_allocation_policy_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'allocation_policies rows are never deleted (policy % version %)', OLD.policy_id, OLD.version USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.version IS DISTINCT FROM OLD.version OR NEW.policy IS DISTINCT FROM OLD.policy
     OR NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'allocation policy % version % is frozen: write a new version instead', OLD.policy_id, OLD.version USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "allocation_policies_frozen" BEFORE UPDATE OR DELETE ON "allocation_policies" FOR EACH ROW EXECUTE FUNCTION "v2v_allocation_policy_frozen"();
--> statement-breakpoint
-- Signed urgency assessments and allocation records are evidence: the processes may only append them.
REVOKE UPDATE, DELETE, TRUNCATE ON "urgency_assessments" FROM v2v_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "waitlist_allocations" FROM v2v_app;
--> statement-breakpoint
-- The built-in policies (src/domain/planning/policies.ts, BUILT_IN_POLICIES), as data; first-come is in force until
-- someone activates another. test/planning/waitlist/policies.int.test.ts holds these rows to the constants.
INSERT INTO "allocation_policies" ("policy_id", "version", "policy", "active", "created_by", "activated_at") VALUES
  ('first-come', 1, '{"ageingPerWeek":0,"fairShareStrength":0,"fairShareWindowDays":90,"id":"first-come","rules":["first-come"],"urgencyWeights":{"critical":1,"standard":1,"urgent":1},"version":1}', true, 'migration', now()),
  ('urgency', 1, '{"ageingPerWeek":0,"fairShareStrength":0,"fairShareWindowDays":90,"id":"urgency","rules":["urgency"],"urgencyWeights":{"critical":10,"standard":1,"urgent":3},"version":1}', false, 'migration', null),
  ('ageing', 1, '{"ageingPerWeek":0.2,"fairShareStrength":0,"fairShareWindowDays":90,"id":"ageing","rules":["ageing"],"urgencyWeights":{"critical":1,"standard":1,"urgent":1},"version":1}', false, 'migration', null),
  ('fair-share', 1, '{"ageingPerWeek":0,"fairShareStrength":0.5,"fairShareWindowDays":90,"id":"fair-share","rules":["fair-share"],"urgencyWeights":{"critical":1,"standard":1,"urgent":1},"version":1}', false, 'migration', null),
  ('urgency-ageing-fair-share', 1, '{"ageingPerWeek":0.2,"fairShareStrength":0.5,"fairShareWindowDays":90,"id":"urgency-ageing-fair-share","rules":["urgency","ageing","fair-share"],"urgencyWeights":{"critical":10,"standard":1,"urgent":3},"version":1}', false, 'migration', null);
