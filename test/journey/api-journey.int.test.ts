import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone, VALID_DIN } from '../../src/live/partners.js';
import { readBatch, refusalCode } from '../../src/live/v2v-api.js';
import { partnersOf, useWorkerAndApi } from '../setup/journey-services.js';

const TIME_SCALE = 86_400;
const services = useWorkerAndApi(TIME_SCALE);
let identities: LiveIdentities;
beforeAll(() => void ({ identities } = services));

async function enrol(productId: string) {
  const { data, response } = await partnersOf(identities).reader.POST('/v1/batches', {
    body: { productId, apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: `e2e-${Date.now()}` },
  });
  expect(response.status).toBe(201);
  return data!;
}

describe('a batch through the HTTP API, on the real dev server and worker, one simulated day per second', () => {
  it.each(['autologous-cd19-fresh', 'autologous-bcma-cryo'])('goes from enrolment to COMPLETED for %s by answering `awaiting`', async (productId) => {
    const { batchId, coiId } = await enrol(productId);
    const done = await answerUntilDone(partnersOf(identities), batchId, coiId);
    expect(done.stage).toBe('COMPLETED');
    expect(done.awaiting).toBeNull();
    const handoffs = done.custody.filter((r) => r.kind === 'handoff');
    expect(handoffs).toHaveLength(6);
  });

  it('records each step under the identity that made it: machines for partner systems, users for people, QA signing as its user', async () => {
    const { batchId, coiId } = await enrol('autologous-cd19-fresh');
    const done = await answerUntilDone(partnersOf(identities), batchId, coiId);
    expect(done.stage).toBe('COMPLETED');
    const actorOf = (kind: string, step: string | null = null) => done.custody.find((r) => r.kind === kind && r.step === step)?.actor;
    const coordinatorAt = (site: string) => identities.coordinators.get(site)!.principal;
    const expected = {
      collection: coordinatorAt('city-hospital-apheresis'),
      'outbound-pickup': identities.courier.principal,
      'facility-receipt': identities.manufacturing.principal,
      'return-pickup': identities.courier.principal,
      'site-receipt': coordinatorAt('city-hospital-infusion'),
      infusion: coordinatorAt('city-hospital-infusion'),
    };
    for (const [step, principal] of Object.entries(expected)) expect(actorOf('handoff', step), step).toMatchObject({ name: principal.name, role: principal.role });
    // The body's signer is ignored: the signature is the QA user's.
    expect(actorOf('qa-disposition')).toMatchObject({ name: identities.qa.principal.name, role: 'qa' });
  });

  it('refuses a hand-off with the wrong COI id or DIN with a clear error, and the stage stays', async () => {
    const { batchId, coiId } = await enrol('autologous-cd19-fresh');
    const before = await answerUntilDone(partnersOf(identities), batchId, coiId, { stopAt: (s) => s.awaiting?.kind === 'handoff' && s.awaiting.step === 'outbound-pickup' });
    const scan = { step: 'outbound-pickup', coiId, din: VALID_DIN, location: 'dock 2' } as const;
    const courier = identities.courier.api;
    const path = { id: batchId };

    const wrongCoi = await courier.POST('/v1/batches/{id}/handoffs', { params: { path }, body: { ...scan, coiId: 'COI-AAAA-BBBB-CCCC-D' } });
    expect(wrongCoi.response.status).toBeGreaterThanOrEqual(400);
    expect(wrongCoi.response.status).toBeLessThan(500);
    expect(refusalCode(wrongCoi)).toBe('ERR_COI_MISMATCH');
    expect(wrongCoi.error?.error.message).toMatch(/COI/);

    const wrongDin = await courier.POST('/v1/batches/{id}/handoffs', { params: { path }, body: { ...scan, din: 'W123426000999' } });
    expect(refusalCode(wrongDin)).toBe('ERR_DIN_MISMATCH');

    const after = await readBatch(identities.admin.api, batchId);
    expect(after.stage).toBe(before.stage);
    expect(after.awaiting).toEqual(before.awaiting);
    expect(after.issues.filter((i) => i.kind === 'deviation')).toHaveLength(2);
    await identities.admin.api.POST('/v1/batches/{id}/cancel', { params: { path }, body: { reason: 'test done' } });
  });
});
