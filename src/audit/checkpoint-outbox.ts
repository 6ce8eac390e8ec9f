import type pg from 'pg';
import type { SignedCheckpoint } from './checkpoint-file.js';

/** The event id a checkpoint leaves with (the `v2v-event-id` header): a consumer dedupes by it. */
export const checkpointEventId = (checkpoint: Pick<SignedCheckpoint, 'payload'>) => `audit-checkpoint:${checkpoint.payload.id}`;

/**
 * Queues a signed checkpoint in the transactional outbox, so the worker's outbox publisher sends it
 * to the topic until Kafka takes it. The value is the payload and its signature, not the heads (the
 * signed root stands for them); the key is its id. Queuing one twice is a no-op.
 */
export async function queueCheckpoint(client: pg.ClientBase, topic: string, checkpoint: SignedCheckpoint): Promise<void> {
  await client.query(
    `insert into outbox (event_id, topic, key, payload) values ($1, $2, $3, $4::jsonb) on conflict (event_id) do nothing`,
    [checkpointEventId(checkpoint), topic, checkpoint.payload.id, JSON.stringify({ payload: checkpoint.payload, signature: checkpoint.signature })],
  );
}

/**
 * Milliseconds until the next scheduled checkpoint is due: `everyMs` after the last one queued for
 * the topic, by the database's clock (the one clock every worker shares), or 0 when none was.
 * Walks the outbox backwards by id, so it reads only the rows queued since that checkpoint.
 */
export async function checkpointDueInMs(client: pg.ClientBase, topic: string, everyMs: number): Promise<number> {
  const { rows } = await client.query<{ last: Date | null; now: Date }>(
    'select (select created_at from outbox where topic = $1 order by id desc limit 1) as last, now() as now',
    [topic],
  );
  const { last, now } = rows[0]!;
  return last === null ? 0 : Math.max(0, last.getTime() + everyMs - now.getTime());
}
