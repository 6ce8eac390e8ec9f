import { describe, expect, it } from 'vitest';
import { custodyRecordOf, evolve, initialState, type JourneyCommand } from '../../src/domain/batch/index.js';
import type { BatchJourneyRecord } from '../../src/domain/batch/journey-record.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from '../sim/twin-fixtures.js';
import {
  assessmentUpdate,
  bookingUpdate,
  cancelBookingUpdate,
  cancelUpdate,
  equipmentRiskSignal,
  excursionSignal,
  handoffUpdate,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
} from '../../workflows/messages.js';
import { inMemoryActivities } from './in-memory-activities.js';
import { startBatch, type BatchHandle } from './journey-driver.js';
import { useBatchWorkflowEnv } from './workflow-env.js';

const scenario = baselineScenario();
const network = scenario.network;
const ctx = useBatchWorkflowEnv(
  inMemoryActivities({
    sites: [
      ...network.apheresisCentres.map((s) => ({ id: s.id, infusionChairs: 0, manufacturingLines: 0 })),
      ...network.treatmentCentres.map((s) => ({ id: s.id, infusionChairs: s.infusionChairsPerDay, manufacturingLines: 0 })),
      ...network.facilities.map((s) => ({ id: s.id, infusionChairs: 0, manufacturingLines: s.lines })),
    ],
  }),
);

/** The custody records the twin's run implies, as (kind, step): what the workflow must write too. */
function twinCustody(batch: BatchJourneyRecord) {
  let state = initialState(batch.input, batch.enrolledAt);
  const records: string[] = [];
  for (const event of batch.events) {
    const record = custodyRecordOf(event, state);
    if (record) records.push(`${record.kind}:${record.step ?? ''}`);
    state = evolve(state, event);
  }
  return records;
}

const shift = (iso: string, by: number) => new Date(Date.parse(iso) + by).toISOString();

/**
 * Sends the twin's commands for one batch to the real workflow, at the same offsets in time. The
 * workflow makes its own slot requests and timers (its activities and its clock answer them), and
 * its shipment legs raise their own stability deviations, so those commands are not sent.
 */
async function replayOnWorkflow(batch: BatchJourneyRecord, handle: BatchHandle, offset: number) {
  const { env } = ctx;
  const signalled = async (count: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await count()); i++) await new Promise((r) => setTimeout(r, 10));
  };
  for (const command of batch.commands) {
    const due = Date.parse(command.at) + offset - (await env.currentTimeMs());
    if (due > 0) await env.sleep(due);
    await send(command, handle, offset, signalled);
  }
}

async function send(c: JourneyCommand, handle: BatchHandle, offset: number, signalled: (done: () => Promise<boolean>) => Promise<void>) {
  const timeline = async () => (await handle.query(statusQuery)).timeline.length;
  const before = await timeline();
  switch (c.type) {
    case 'scan':
      return handle.executeUpdate(handoffUpdate, { args: [{ ...c.scan, ...(c.scan.at ? { at: shift(c.scan.at, offset) } : {}) }] }).catch(() => undefined);
    case 'milestone':
      await handle.signal(milestoneSignal, { ...c.milestone, at: shift(c.milestone.at, offset) });
      return signalled(async () => (await timeline()) > before);
    case 'excursion':
      await handle.signal(excursionSignal, { ...c.change, at: shift(c.change.at, offset) });
      return signalled(async () => (await timeline()) > before);
    case 'equipment-risk':
      await handle.signal(equipmentRiskSignal, { ...c.risk, at: shift(c.risk.at, offset) });
      return signalled(async () => (await timeline()) > before);
    case 'qa-disposition':
      return handle.executeUpdate(qaDispositionUpdate, { args: [c.decision] });
    case 'assess': {
      // A leg's deviation is named after the workflow's own shipment id, which the twin cannot know.
      const awaiting = (await handle.query(statusQuery)).awaiting;
      const excursionId = c.assessment.excursionId.startsWith('deviation:leg:') && awaiting?.kind === 'excursion-assessment' ? awaiting.excursionId : c.assessment.excursionId;
      return handle.executeUpdate(assessmentUpdate, { args: [{ ...c.assessment, excursionId }] });
    }
    case 'book':
      return handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: shift(c.request.infusionDate, offset) }] });
    case 'cancel-booking':
      return handle.executeUpdate(cancelBookingUpdate);
    case 'cancel':
      return handle.executeUpdate(cancelUpdate, { args: [c.command] });
    case 'slot-answer':
    case 'timer-fired':
    case 'leg-overdue':
      return undefined;
  }
}

describe('the twin and the workflow run the same journey', () => {
  const run = simulate(scenario, { seed: 5, batches: 60, telemetry: false });
  const ended = run.batches.filter((b) => ['COMPLETED', 'CANCELLED'].includes(b.final.stage));
  const pick = (label: string, test: (b: BatchJourneyRecord) => boolean) => [label, ended.find(test)] as const;
  const cases = [
    pick('a batch infused without incident', (b) => b.final.stage === 'COMPLETED' && b.final.issues.length === 0 && b.final.attempt === 1),
    pick('a batch held by an excursion', (b) => b.final.stage === 'COMPLETED' && b.final.issues.some((i) => i.kind === 'excursion')),
    pick('a batch that did not proceed to infusion', (b) => b.final.stage === 'CANCELLED'),
  ];

  it('finds each kind of batch in the twin run', () => {
    expect(cases.filter(([, b]) => !b).map(([label]) => label)).toEqual([]);
  });

  for (const [label, batch] of cases) {
    it(`ends ${label} in the same stage with the same custody steps`, async ({ skip }) => {
      if (!batch) return skip();
      const input = { ...batch.input, batchId: `twin-${batch.input.batchId}` };
      const handle = await startBatch(ctx.env, input);
      await replayOnWorkflow({ ...batch, input }, handle, (await ctx.env.currentTimeMs()) - Date.parse(batch.enrolledAt));
      const status = await handle.query(statusQuery);
      expect(status.stage).toBe(batch.final.stage);
      const written = [...ctx.fake.custody.values()].filter((r) => r.batchId === input.batchId).sort((a, b) => a.seq - b.seq);
      expect(written.map((r) => `${r.kind}:${r.step ?? ''}`)).toEqual(twinCustody(batch));
    });
  }
});
