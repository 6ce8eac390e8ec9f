import { defaultPayloadConverter } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { createIngestMetrics } from '../../src/ingest/metrics.js';
import { startSignaller } from '../../src/ingest/signaller.js';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { batchWorkflowId, type ExcursionChange } from '../../workflows/messages.js';
import { stackConfig, unique } from '../setup/services.js';
import { useTemporalClient } from '../setup/temporal-client.js';

const { pool } = createDatabase(stackConfig().DATABASE_URL!, { max: 4 });
const temporal = useTemporalClient();
const problems: string[] = [];
const log = (msg: string, fields?: object) => problems.push(`${msg} ${JSON.stringify(fields)}`);
afterAll(() => pool.end());

const change = (): ExcursionChange => ({ excursionId: unique('excursion'), change: 'opened', kind: 'excursion', deviceId: unique('logger'), at: new Date().toISOString() });

async function queue(row: { workflowId: string; kind: 'batch' | 'equipment'; equipmentId: string | null; payload: ExcursionChange }) {
  await pool.query(
    `insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload) values ($1, $2, $3, $4, 'excursion', $5)`,
    [`${row.payload.excursionId}:opened`, row.workflowId, row.kind, row.equipmentId, JSON.stringify(row.payload)],
  );
}

async function outcomeOf(workflowId: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ outcome: string | null }>('select outcome from workflow_signals where workflow_id = $1', [workflowId]);
    if (rows[0]?.outcome) return rows[0].outcome;
    if (Date.now() > deadline) throw new Error(`no outcome for ${workflowId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the signaller', () => {
  it('starts an equipment workflow for the stored unit, records an ended batch as not running, both woken by the insert', async () => {
    const signaller = startSignaller({ pool, temporal: temporal.client, metrics: createIngestMetrics(pool), log, pollMs: 60_000 });
    // Past the start-up rounds, so only the insert's notification can explain a prompt send.
    await new Promise((r) => setTimeout(r, 1_000));
    const equipmentId = unique('freezer');
    const equipmentChange = change();
    const batchId = unique('gone');
    try {
      await queue({ workflowId: equipmentWorkflowId(equipmentId), kind: 'equipment', equipmentId, payload: equipmentChange });
      await queue({ workflowId: batchWorkflowId(batchId), kind: 'batch', equipmentId: null, payload: change() });

      expect(await outcomeOf(equipmentWorkflowId(equipmentId))).toBe('delivered');
      expect(await outcomeOf(batchWorkflowId(batchId))).toBe('not_running');
      const { events } = await temporal.client.workflow.getHandle(equipmentWorkflowId(equipmentId)).fetchHistory();
      const started = events![0]!.workflowExecutionStartedEventAttributes!;
      expect(defaultPayloadConverter.fromPayload(started.input!.payloads![0]!)).toEqual({ equipmentId });
      const signalled = events!.map((e) => e.workflowExecutionSignaledEventAttributes).find((a) => a?.signalName === 'excursion');
      expect(defaultPayloadConverter.fromPayload(signalled!.input!.payloads![0]!)).toEqual(equipmentChange);
      expect(problems).toEqual([]);
    } finally {
      await signaller.stop();
      await temporal.client.workflow.getHandle(equipmentWorkflowId(equipmentId)).terminate('test over').catch(() => undefined);
    }
  });

  it("sends the allocator's chain to a waitlisted batch under the queue's signal name", async () => {
    const signaller = startSignaller({ pool, temporal: temporal.client, metrics: createIngestMetrics(pool), log, pollMs: 60_000 });
    const batchId = unique('waitlisted');
    const workflowId = batchWorkflowId(batchId);
    const chain = { version: 1, facilityId: 'central-cell-facility', collectionDay: '2031-03-04', lineStartDay: '2031-03-05', lineEndDay: '2031-03-19', infusionDay: '2031-03-25' };
    // A batch workflow no worker runs: the server records the signal all the same.
    await temporal.client.workflow.start('batchWorkflow', { taskQueue: unique('no-worker'), workflowId, args: [{ batchId }] });
    try {
      await pool.query(
        `insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload) values ($1, $2, 'batch', null, 'chain-allocated', $3)`,
        [`chain-allocated:${batchId}:v1`, workflowId, JSON.stringify(chain)],
      );
      expect(await outcomeOf(workflowId)).toBe('delivered');
      const { events } = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
      const signalled = events!.map((e) => e.workflowExecutionSignaledEventAttributes).find((a) => a?.signalName === 'chain-allocated');
      expect(defaultPayloadConverter.fromPayload(signalled!.input!.payloads![0]!)).toEqual(chain);
    } finally {
      await signaller.stop();
      await temporal.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    }
  });

  it("sends a disruption's move to a batch under its own signal name", async () => {
    const signaller = startSignaller({ pool, temporal: temporal.client, metrics: createIngestMetrics(pool), log, pollMs: 60_000 });
    const batchId = unique('moved');
    const workflowId = batchWorkflowId(batchId);
    const move = { from: 1, chain: { version: 2, facilityId: 'central-cell-facility', collectionDay: '2031-03-06', lineStartDay: '2031-03-07', lineEndDay: '2031-03-21', infusionDay: '2031-03-27' }, why: 'line down' };
    await temporal.client.workflow.start('batchWorkflow', { taskQueue: unique('no-worker'), workflowId, args: [{ batchId }] });
    try {
      await pool.query(
        `insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload) values ($1, $2, 'batch', null, 'chain-moved', $3)`,
        [`chain-moved:test:${batchId}`, workflowId, JSON.stringify(move)],
      );
      expect(await outcomeOf(workflowId)).toBe('delivered');
      const { events } = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
      const signalled = events!.map((e) => e.workflowExecutionSignaledEventAttributes).find((a) => a?.signalName === 'chain-moved');
      expect(defaultPayloadConverter.fromPayload(signalled!.input!.payloads![0]!)).toEqual(move);
    } finally {
      await signaller.stop();
      await temporal.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    }
  });

  it("sends a batch's signal at once, while a backlog of equipment signals is still being sent", async () => {
    const units = Array.from({ length: 5 }, () => unique('freezer'));
    // A fleet catching up after an outage: 1,000 equipment signals, 200 per unit, each unit's in order.
    await pool.query(
      `insert into workflow_signals (change_id, workflow_id, workflow_kind, equipment_id, signal, payload)
       select u || ':' || n, 'equipment:' || u, 'equipment', u, 'excursion', $2::jsonb || jsonb_build_object('excursionId', gen_random_uuid())
         from generate_series(1, 200) n, unnest($1::text[]) u order by n, u`,
      [units, JSON.stringify({ change: 'opened', kind: 'excursion', deviceId: unique('probe'), at: new Date().toISOString() })],
    );
    const batchId = unique('in-transit');
    await queue({ workflowId: batchWorkflowId(batchId), kind: 'batch', equipmentId: null, payload: change() });
    const signaller = startSignaller({ pool, temporal: temporal.client, metrics: createIngestMetrics(pool), log, pollMs: 60_000 });
    try {
      expect(await outcomeOf(batchWorkflowId(batchId))).toBe('not_running');
      const { rows } = await pool.query<{ after: number }>(
        `select count(*)::int as after from workflow_signals e, workflow_signals b
          where e.workflow_id = any($1::text[]) and b.workflow_id = $2 and (e.sent_at is null or e.sent_at > b.sent_at)`,
        [units.map(equipmentWorkflowId), batchWorkflowId(batchId)],
      );
      // Queued last, sent while most of the backlog was still due.
      expect(rows[0]!.after).toBeGreaterThan(500);
    } finally {
      await signaller.stop();
      await pool.query("update workflow_signals set sent_at = now(), outcome = 'not_running' where sent_at is null and workflow_id = any($1::text[])", [units.map(equipmentWorkflowId)]);
      for (const unit of units) await temporal.client.workflow.getHandle(equipmentWorkflowId(unit)).terminate('test over').catch(() => undefined);
    }
  });
});
