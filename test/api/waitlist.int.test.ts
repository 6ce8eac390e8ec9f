import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocationPolicies, batches, sites, waitlistEntries } from '../../src/db/schema/index.js';
import { BUILT_IN_POLICIES } from '../../src/domain/planning/policies.js';
import { joinWaitlist } from '../../src/planning/waitlist/join-waitlist.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

/** The waitlist and its policies through the API, per role: who sees what, and positions in the whole list. */
const { app, db, ids, identities, enrolled } = stackApp();
const otherCentre = unique('treatment');
const DAY_MS = 86_400_000;
let ours: string;
let theirs: string;

const as = async (principal: ReturnType<typeof userOf>, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: await identities.bearer(principal), ...(payload ? { payload } : {}) });
const coordinator = userOf('coordinator', [ids.treatment]);
const scheduler = () => userOf('scheduler', [ids.treatment]);

async function activeRowId(policyId: string) {
  const [row] = await db.select({ id: allocationPolicies.id }).from(allocationPolicies).where(eq(allocationPolicies.policyId, policyId));
  return row!.id;
}

beforeAll(async () => {
  // The list is V2V-wide: what earlier runs left waiting is withdrawn (integration files run one at a time).
  await db.update(waitlistEntries).set({ state: 'withdrawn' }).where(eq(waitlistEntries.state, 'waiting'));
  await db.insert(sites).values({ id: otherCentre, kind: 'treatment_center', name: 'Another cell therapy unit' });
  const [other] = await db.insert(batches).values({
    coiId: `COI-${randomUUID()}`, patientRef: unique('ref'), productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: otherCentre, facilityId: ids.facility,
  }).returning({ id: batches.id });
  theirs = other!.id;
  ours = (await enrolled()).batchId;
  // Theirs waited longer: first under first-come.
  await joinWaitlist(db, theirs, new Date(Date.now() - 20 * DAY_MS));
  await joinWaitlist(db, ours, new Date(Date.now() - 5 * DAY_MS));
});
afterAll(async () => {
  await db.update(waitlistEntries).set({ state: 'withdrawn' }).where(eq(waitlistEntries.state, 'waiting'));
  await app.inject({ method: 'POST', url: `/v1/allocation-policies/${await activeRowId('first-come')}/activate` });
});

describe('GET /v1/waitlist', () => {
  it('shows a coordinator the whole list in order, with weight, rule, wait and tier', async () => {
    const res = await as(coordinator, 'GET', '/v1/waitlist');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.policy).toMatchObject({ policyId: 'first-come', version: 1 });
    expect(body.entries.map((e: { batchId: string; position: number }) => [e.batchId, e.position])).toEqual([[theirs, 1], [ours, 2]]);
    expect(body.entries[0]).toMatchObject({ weight: 1, reasons: ['first come, first served'], waitedDays: 20, urgencyTier: 'standard', treatmentCenterId: otherCentre });
    expect(body.entries[1].rule).toContain('equal weight: earlier order first');
  });

  it("shows a scheduler only their centre's entries, at their positions in the whole list", async () => {
    const res = await as(scheduler(), 'GET', '/v1/waitlist');
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(2);
    expect(res.json().entries.map((e: { batchId: string; position: number }) => [e.batchId, e.position])).toEqual([[ours, 2]]);
    // Asking for another centre does not widen it.
    const other = await as(scheduler(), 'GET', `/v1/waitlist?treatmentCenterId=${otherCentre}`);
    expect(other.json().entries).toEqual([]);
  });

  it('refuses roles that do not allocate or treat (403)', async () => {
    expect((await as(userOf('qa', [ids.facility]), 'GET', '/v1/waitlist')).statusCode).toBe(403);
  });
});

describe('GET /v1/batches/{id}/waitlist', () => {
  it("gives a scheduler their batch's position and a labelled forecast band of its collection day", async () => {
    const res = await as(scheduler(), 'GET', `/v1/batches/${ours}/waitlist`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ batchId: ours, state: 'waiting', position: 2, total: 2, urgencyTier: 'standard' });
    expect(body.expectedCollection.model).toBe('greedy-replay-with-release-rate');
    expect(body.expectedCollection.basis).toEqual(expect.any(String));
    const { p10, p50, p90 } = body.expectedCollection;
    if (p50 !== null) expect(p10 <= p50 && p50 <= p90).toBe(true);
  });

  it("refuses a scheduler another centre's batch (403), and answers 404 for a batch that never waited", async () => {
    expect((await as(scheduler(), 'GET', `/v1/batches/${theirs}/waitlist`)).statusCode).toBe(403);
    const never = (await enrolled()).batchId;
    expect((await as(coordinator, 'GET', `/v1/batches/${never}/waitlist`)).statusCode).toBe(404);
  });
});

describe('allocation policies', () => {
  it('lists the built-in policies as seeded, exactly the domain constants, one in force', async () => {
    const res = await as(scheduler(), 'GET', '/v1/allocation-policies');
    expect(res.statusCode).toBe(200);
    const listed = res.json().policies as { policy: { id: string; version: number }; active: boolean; createdBy: string }[];
    for (const builtIn of BUILT_IN_POLICIES) {
      expect(listed.find((p) => p.policy.id === builtIn.id && p.policy.version === builtIn.version)).toMatchObject({ policy: builtIn, createdBy: 'migration' });
    }
    expect(listed.filter((p) => p.active)).toHaveLength(1);
  });

  it('lets a coordinator add a version (a new row) and activate it; never twice the same version; the scheduler may not', async () => {
    const policy = { ...BUILT_IN_POLICIES.find((p) => p.id === 'urgency')!, id: unique('urgency-local').toLowerCase(), version: 1 };
    const added = await as(coordinator, 'POST', '/v1/allocation-policies', policy);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ policy, active: false, createdBy: coordinator.subject });
    const twice = await as(coordinator, 'POST', '/v1/allocation-policies', policy);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.details[0].path).toEqual(['version']);

    expect((await as(scheduler(), 'POST', `/v1/allocation-policies/${added.json().id}/activate`)).statusCode).toBe(403);
    const activated = await as(coordinator, 'POST', `/v1/allocation-policies/${added.json().id}/activate`);
    expect(activated.statusCode).toBe(200);
    expect(activated.json().active).toBe(true);
    const listed = (await as(coordinator, 'GET', '/v1/allocation-policies')).json().policies as { id: string; active: boolean }[];
    expect(listed.filter((p) => p.active).map((p) => p.id)).toEqual([added.json().id]);
    expect((await as(coordinator, 'GET', '/v1/waitlist')).json().policy.policyId).toBe(policy.id);
  });

  it('two activations at once leave exactly one policy in force', async () => {
    const [a, b] = await Promise.all(['ageing', 'fair-share'].map(activeRowId));
    const answers = await Promise.all([a, b].map((id) => as(coordinator, 'POST', `/v1/allocation-policies/${id}/activate`)));
    expect(answers.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    const active = (await db.select().from(allocationPolicies).where(eq(allocationPolicies.active, true))).map((r) => r.id);
    expect(active).toHaveLength(1);
    expect([a, b]).toContain(active[0]);
  });

  it('refuses a policy that breaks the schema, naming the field (400), and an unknown version (404)', async () => {
    const bad = await as(coordinator, 'POST', '/v1/allocation-policies', { ...BUILT_IN_POLICIES[0], id: 'x-bad', fairShareStrength: 2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string[] }) => d.path)).toContainEqual(['fairShareStrength']);
    expect((await as(coordinator, 'POST', `/v1/allocation-policies/${randomUUID()}/activate`)).statusCode).toBe(404);
  });

  it('keeps a published version as it was: its content cannot be updated', async () => {
    await expect(db.update(allocationPolicies).set({ version: 99 }).where(eq(allocationPolicies.policyId, 'first-come'))).rejects.toMatchObject({ cause: { message: expect.stringMatching(/frozen: write a new version/) } });
  });
});
