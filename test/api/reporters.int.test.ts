import { WorkflowNotFoundError } from '@temporalio/client';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { equipment, sites } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { machineOf } from './tokens.js';

/**
 * Who may say what about a batch (DESIGN §3): the flaws the issue found, each as the attacker
 * tried it. The role × site × command matrix generated from the domain's table is in
 * reporter-matrix.int.test.ts.
 */
const { app, db, temporal, ids, identities, enrolled } = stackApp();
const elsewhere = unique('facility-elsewhere');
const ours = unique('bioreactor');
const theirs = unique('bioreactor-elsewhere');

const courier = machineOf('courier', [ids.apheresis]);
const manufacturing = machineOf('manufacturing', [ids.facility]);
const as = async (principal: typeof courier) => ({ authorization: `Bearer ${await identities.tokenFor(principal)}` });
const post = async (url: string, payload: object, principal: typeof courier) =>
  app.inject({ method: 'POST', url, payload, headers: await as(principal) });

let batchId: string;
beforeAll(async () => {
  await db.insert(sites).values({ id: elsewhere, kind: 'manufacturing_facility', name: 'Another facility' });
  await db.insert(equipment).values([
    { id: ours, siteId: ids.facility, kind: 'bioreactor', line: 'line-1' },
    { id: theirs, siteId: elsewhere, kind: 'bioreactor', line: 'line-1' },
  ]);
  ({ batchId } = await enrolled());
});
/** Now, as a reporter's clock reads it: the server takes no time ahead of its own or before the enrolment. */
let at: string;
beforeEach(() => {
  at = new Date().toISOString();
  temporal.calls.length = 0;
  temporal.status = new WorkflowNotFoundError('not found', `batch:${batchId}`, undefined);
});

describe('milestones are reported by their party only', () => {
  it.each(['manufacturing-failed', 'qc-complete'])('refuses a courier of the apheresis centre reporting %s, naming the rule', async (milestone) => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone, at, source: 'mes' }, courier);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('ERR_FORBIDDEN');
    expect(res.json().error.message).toContain(`\`${milestone}\` is reported by`);
    expect(res.json().error.message).toContain(`you are a courier of ${ids.apheresis}`);
    expect(temporal.calls).toEqual([]);
  });

  it('records the authenticated reporter as the source, whatever the body says', async () => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'activation-complete', at, source: 'the QC lab, honestly' }, manufacturing);
    expect(res.statusCode, res.body).toBe(202);
    const [call] = temporal.calls;
    expect(call!.args).toEqual([
      { milestone: 'activation-complete', at, source: manufacturing.name, actor: { name: manufacturing.name, role: 'manufacturing' } },
    ]);
  });

  it('ignores a hostile source: a NUL byte or a huge value never reaches the workflow', async () => {
    for (const source of ['lims\u0000', 'x'.repeat(60_000)]) {
      temporal.calls.length = 0;
      const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'expansion-complete', at, source }, manufacturing);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
      expect((temporal.calls[0]!.args[0] as { source: string }).source).toBe(manufacturing.name);
    }
  });

  it('refuses a repeat of a refused report the same way, and nothing reaches the batch', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'manufacturing-failed', at }, courier);
      expect(res.statusCode).toBe(403);
    }
    expect(temporal.calls).toEqual([]);
  });

  it('takes a milestone without a source (the token names the reporter)', async () => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'activation-complete', at }, manufacturing);
    expect(res.statusCode, res.body).toBe(202);
  });
});

describe("a milestone's equipment is the batch's facility's", () => {
  it('links a bioreactor of the facility', async () => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'manufacturing-started', at, source: 'mes', data: { equipmentId: ours } }, manufacturing);
    expect(res.statusCode, res.body).toBe(202);
  });

  it.each([
    ['a unit of another facility', () => theirs],
    ['a unit that does not exist', () => 'no-such-unit'],
    ['a number', () => 42],
  ])('refuses %s with 422 naming data.equipmentId', async (_, equipmentId) => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'manufacturing-started', at, source: 'mes', data: { equipmentId: equipmentId() } }, manufacturing);
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['data', 'equipmentId'] }));
    expect(res.json().error.message).toContain(ids.facility);
    expect(temporal.calls).toEqual([]);
  });

  // Text the database could not store is refused earlier still, at the edge, by the one text rule (docs/security/input.md).
  it.each([
    ['an id with a NUL byte', 'unit\u0000', ['data', 'equipmentId']],
    ['a huge id', 'b'.repeat(60_000), ['data']],
  ])('refuses %s at the edge with 400 naming the field', async (_, equipmentId, path) => {
    const res = await post(`/v1/batches/${batchId}/milestones`, { milestone: 'manufacturing-started', at, source: 'mes', data: { equipmentId } }, manufacturing);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path }));
    expect(temporal.calls).toEqual([]);
  });
});

describe('hand-offs are scanned by their party only', () => {
  it('refuses a courier scanning the facility receipt, naming the rule', async () => {
    const courierEverywhere = machineOf('courier', [ids.apheresis, ids.facility]);
    const res = await post(`/v1/batches/${batchId}/handoffs`, { step: 'facility-receipt', coiId: 'COI-0000-0000-0000-0', din: 'W123426000123', location: 'dock' }, courierEverywhere);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.message).toContain('`facility-receipt` is reported by the batch\'s manufacturing facility');
    expect(temporal.calls).toEqual([]);
  });
});
