import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import pg from 'pg';
import { chainAllocatedSignal, chainMovedSignal, excursionSignal, TASK_QUEUE, type ChainMove, type ExcursionChange, type SlotChain } from '../../workflows/messages.js';
import type { PgRow } from '../db/pg-row.js';
import { SIGNALLED_WORKFLOW_KINDS, type workflowSignals } from '../db/schema/index.js';
import { startTableQueue, type TableQueue } from '../db/table-queue/table-queue.js';
import type { IngestMetrics } from './metrics.js';

/**
 * An excursion change (to a batch or a unit), or a slot chain the waitlist's allocator gave a batch:
 * `signal` names it, as the workflow's signal of that name (workflows/messages.ts).
 */
type SignalRow = Pick<PgRow<typeof workflowSignals>, 'id' | 'workflow_id' | 'workflow_kind' | 'equipment_id' | 'signal'> & { payload: ExcursionChange | SlotChain | ChainMove };
type SignalOutcome = 'delivered' | 'not_running';

const PAGE_SIZE = 200;
/**
 * Workflows signalled at once per lane. Each equipment signal may start a workflow on the worker, so
 * a backlog of them sent all at once would crowd Temporal and the worker that batches need too.
 */
const LANE_CONCURRENCY: Record<SignalRow['workflow_kind'], number> = { batch: 64, equipment: 4 };

interface SignallerOptions {
  pool: pg.Pool;
  temporal: Client;
  metrics: IngestMetrics;
  log: (msg: string, fields?: object) => void;
  pollMs?: number;
}

/**
 * Sends the queued workflow signals (workflow_signals) as a table queue (src/db/table-queue/),
 * woken by the table's insert notification, so an excursion reaches its workflow as soon as the
 * engine commits it. Several ingest processes share the queue; a crash between send and commit
 * sends again, and the workflows ignore a change they already know. Order is kept per workflow
 * (each workflow's rows one after another; different workflows in parallel). A batch workflow
 * that has ended is recorded as `not_running`; an equipment workflow is started by its first
 * signal (equipment lives for years; nothing else starts it).
 *
 * Each workflow kind is a lane of its own, drained by its own loop: a batch's signal never waits
 * behind a backlog of equipment signals (a fleet of freezers catching up after an outage), and a
 * workflow's rows, all of one kind, still go in order.
 */
export function startSignaller(options: SignallerOptions): TableQueue {
  const lanes = SIGNALLED_WORKFLOW_KINDS.map((kind) => startLane(options, kind));
  return {
    async stop() {
      await Promise.all(lanes.map((lane) => lane.stop()));
    },
  };
}

function startLane(options: SignallerOptions, kind: SignalRow['workflow_kind']): TableQueue {
  const { temporal, metrics } = options;

  const sendOne = async (row: SignalRow): Promise<SignalOutcome> => {
    try {
      if (row.workflow_kind === 'equipment') {
        await temporal.workflow.signalWithStart('equipmentWorkflow', {
          workflowId: row.workflow_id,
          taskQueue: TASK_QUEUE,
          args: [{ equipmentId: row.equipment_id! }],
          signal: excursionSignal,
          signalArgs: [row.payload as ExcursionChange],
        });
      } else {
        // A batch's signal goes by the name the queue gives it: an excursion, the allocator's chain, or a disruption's move.
        if (row.signal === chainAllocatedSignal.name) await temporal.workflow.getHandle(row.workflow_id).signal(chainAllocatedSignal, row.payload as SlotChain);
        else if (row.signal === chainMovedSignal.name) await temporal.workflow.getHandle(row.workflow_id).signal(chainMovedSignal, row.payload as ChainMove);
        else await temporal.workflow.getHandle(row.workflow_id).signal(excursionSignal, row.payload as ExcursionChange);
      }
      return 'delivered';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'not_running';
      throw err;
    }
  };

  return startTableQueue<SignalRow, SignalOutcome>({
    pool: options.pool,
    table: 'workflow_signals',
    columns: ['id', 'workflow_id', 'workflow_kind', 'equipment_id', 'signal', 'payload'],
    sentAtColumn: 'sent_at',
    outcomeColumn: 'outcome',
    where: `workflow_kind = ${pg.escapeLiteral(kind)}`,
    log: options.log,
    pageSize: PAGE_SIZE,
    ...(options.pollMs === undefined ? {} : { pacing: { pollMs: options.pollMs } }),
    async send(rows) {
      const byWorkflow = new Map<string, SignalRow[]>();
      for (const row of rows) byWorkflow.set(row.workflow_id, [...(byWorkflow.get(row.workflow_id) ?? []), row]);
      const outcomes = new Map<string, SignalOutcome>();
      const queues = [...byWorkflow.values()];
      await Promise.all(
        Array.from({ length: Math.min(LANE_CONCURRENCY[kind], queues.length) }, async () => {
          for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
            for (const row of queue) outcomes.set(row.id, await sendOne(row));
          }
        }),
      );
      return rows.map((row) => outcomes.get(row.id)!);
    },
    onSent(_rows, outcomes) {
      for (const outcome of outcomes ?? []) metrics.signals.inc({ outcome });
    },
  });
}
