-- A simulated history (`v2v simulate history --seed S`) is not evidence: writing a seed again
-- replaces it, so its custody records must be deletable. Only those are: a record carries a seed
-- only if its batch has that seed (custody_events_simulated_batch_fk), and no record can be
-- updated, so a real record can never become a simulated one. UPDATE and TRUNCATE stay refused
-- for every record, DELETE for every real one.
CREATE OR REPLACE FUNCTION "v2v_refuse_custody_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.simulation_seed IS NOT NULL THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'custody_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
