import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type pg from 'pg';
import { excursionSignal, TASK_QUEUE, type ExcursionChange } from '../../workflows/messages.js';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import type { PgRow } from '../db/pg-row.js';
import type { workflowSignals } from '../db/schema/index.js';
import { inTransaction } from '../db/transaction.js';
import type { IngestMetrics } from './metrics.js';

/** Excursion changes are the only signals queued so far: the payload is one. */
type SignalRow = Pick<PgRow<typeof workflowSignals>, 'id' | 'workflow_id'> & { payload: ExcursionChange };

export interface Signaller {
  /** Sends now rather than at the next poll (called after a commit that queued signals). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Sends the queued workflow signals (workflow_signals) in order per workflow. Each round takes rows
 * FOR UPDATE SKIP LOCKED, so several ingest processes share the queue, sends, then marks them sent
 * in the same transaction: a crash in between re-sends, and the workflows ignore a change they
 * already know. A batch workflow that has ended is recorded as `not_running`; an equipment
 * workflow is started by its first signal (equipment lives for years; nothing else starts it).
 */
export function startSignaller(options: { pool: pg.Pool; temporal: Client; metrics: IngestMetrics; log: (msg: string, fields?: object) => void; intervalMs?: number }): Signaller {
  const { pool, temporal, metrics, log, intervalMs = 500 } = options;
  let stopping = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping || woken) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const send = async (row: SignalRow): Promise<'delivered' | 'not_running'> => {
    const equipmentPrefix = equipmentWorkflowId('');
    try {
      if (row.workflow_id.startsWith(equipmentPrefix)) {
        await temporal.workflow.signalWithStart('equipmentWorkflow', {
          workflowId: row.workflow_id,
          taskQueue: TASK_QUEUE,
          args: [{ equipmentId: row.workflow_id.slice(equipmentPrefix.length) }],
          signal: excursionSignal,
          signalArgs: [row.payload],
        });
      } else {
        await temporal.workflow.getHandle(row.workflow_id).signal(excursionSignal, row.payload);
      }
      return 'delivered';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'not_running';
      throw err;
    }
  };

  const round = async (): Promise<number> => {
    const sent = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<SignalRow>(
        'select id, workflow_id, payload from workflow_signals where sent_at is null order by id limit 200 for update skip locked',
      );
      const byWorkflow = new Map<string, SignalRow[]>();
      for (const row of rows) byWorkflow.set(row.workflow_id, [...(byWorkflow.get(row.workflow_id) ?? []), row]);
      const outcomes = await Promise.all(
        [...byWorkflow.values()].map(async (queue) => {
          const done: { id: string; outcome: string }[] = [];
          for (const row of queue) done.push({ id: row.id, outcome: await send(row) });
          return done;
        }),
      );
      const flat = outcomes.flat();
      if (flat.length > 0) {
        await client.query(
          `update workflow_signals w set sent_at = clock_timestamp(), outcome = t.outcome
             from unnest($1::bigint[], $2::text[]) as t(id, outcome) where w.id = t.id`,
          [flat.map((o) => o.id), flat.map((o) => o.outcome)],
        );
      }
      return flat;
    });
    for (const o of sent) metrics.signals.inc({ outcome: o.outcome });
    return sent.length;
  };

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      woken = false;
      try {
        const sent = await round();
        failures = 0;
        if (sent === 200) continue;
      } catch (err) {
        failures += 1;
        log('signaller: sending failed; the signals stay queued and are retried', { error: err instanceof Error ? err.message : String(err), failures });
      }
      await pause(failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, 10_000));
    }
  })();

  return {
    wake() {
      woken = true;
      wake?.();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
