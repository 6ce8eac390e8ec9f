import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latestCheckpointFile, readCheckpointFile } from '../../src/audit/checkpoint-file.js';
import { loadVerifyingKey } from '../../src/audit/checkpoint-key.js';
import { startCheckpointTimer } from '../../src/audit/checkpoint-timer.js';
import { createDatabase } from '../../src/db/client.js';
import { payloadDigest, type CheckpointPayload } from '../../src/domain/audit-checkpoint.js';
import { createLogger } from '../../src/logging.js';
import { pollUntil } from '../../src/poll-until.js';
import { stackConfig, unique } from '../setup/services.js';

const dir = mkdtempSync(path.join(tmpdir(), 'v2v-audit-timer-'));
// A topic of this run's own: the timers judge what is due from the checkpoints queued for it.
const config = {
  ...stackConfig(),
  V2V_AUDIT_KEY_FILE: path.join(dir, 'key.pem'),
  V2V_AUDIT_PUBLIC_KEY_FILE: path.join(dir, 'key.pub.pem'),
  V2V_AUDIT_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
  V2V_AUDIT_CHECKPOINT_TOPIC: unique('test.audit.timer'),
};
const logger = createLogger({ LOG_LEVEL: 'warn' }, 'audit-timer-test');
// Two workers: each its own pool, as two processes would have.
const workers = [createDatabase(config.DATABASE_URL!, { max: 2 }), createDatabase(config.DATABASE_URL!, { max: 2 })];
const everyMs = 1_500;

afterAll(async () => {
  for (const { pool } of workers) await pool.end();
});

const queued = async () =>
  (
    await workers[0]!.pool.query<{ created_at: Date; payload: { payload: CheckpointPayload } }>(
      'select created_at, payload from outbox where topic = $1 order by id',
      [config.V2V_AUDIT_CHECKPOINT_TOPIC],
    )
  ).rows;

describe("the worker's checkpoint timer", () => {
  it('takes a checkpoint at start and then one per interval, however many workers run it', async () => {
    // The second worker starts out of step with the first, as workers do: after its first checkpoint.
    const stops = [startCheckpointTimer(workers[0]!.pool, config, logger, { everyMs })];
    let rows: Awaited<ReturnType<typeof queued>>;
    try {
      await pollUntil('the first worker\'s checkpoint at start', async () => (await queued()).length >= 1, { timeoutMs: 60_000, intervalMs: 50 });
      stops.push(startCheckpointTimer(workers[1]!.pool, config, logger, { everyMs }));
      rows = await pollUntil('four scheduled checkpoints', async () => {
        const all = await queued();
        return all.length >= 4 && all;
      }, { timeoutMs: 60_000, intervalMs: 100 });
    } finally {
      await Promise.all(stops.map((stop) => stop()));
    }
    rows = await queued();

    // One per interval, not one per worker: by the database's clock, each follows the last by at least the interval.
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.created_at.getTime() - rows[i - 1]!.created_at.getTime()).toBeGreaterThanOrEqual(everyMs);
    }
    // Taken one at a time: each names the one before it, and each file was queued.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.payload.payload.previous).toBe(payloadDigest(rows[i - 1]!.payload.payload));
    expect(readdirSync(config.V2V_AUDIT_CHECKPOINT_DIR).length).toBe(rows.length);
    const latest = readCheckpointFile(latestCheckpointFile(config.V2V_AUDIT_CHECKPOINT_DIR)!, loadVerifyingKey(config.V2V_AUDIT_PUBLIC_KEY_FILE));
    expect(latest.payload).toEqual(rows.at(-1)!.payload.payload);
  });
});
