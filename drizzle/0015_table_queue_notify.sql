-- Table queues (src/db/table-queue/) wake on a notification named after their table. A statement
-- trigger covers every inserter, present and future; PostgreSQL delivers the notification only
-- when the inserting transaction commits (never for a rollback) and folds a transaction's
-- identical notifications into one, so a chunk of thousands of rows costs one wake-up.
CREATE FUNCTION table_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_NAME, '');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION table_queue_notify();--> statement-breakpoint
CREATE TRIGGER workflow_signals_notify AFTER INSERT ON "workflow_signals" FOR EACH STATEMENT EXECUTE FUNCTION table_queue_notify();
