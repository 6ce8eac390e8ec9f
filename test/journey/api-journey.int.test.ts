import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { stackConfig } from '../setup/services.js';
import { apiClient } from '../../src/sim/live/api-client.js';
import { answerUntilDone, VALID_DIN } from '../../src/sim/live/partners.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';

const TIME_SCALE = 86_400;
let worker: ChildProcess;
let server: ApiServer;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  worker = await startWorkerProcess(TIME_SCALE);
  server = await startApiServer({ config: { ...stackConfig(), V2V_TIME_SCALE: TIME_SCALE }, logger: pino({ level: 'silent' }), port: 0 });
  api = apiClient(server.url);
});
afterAll(async () => {
  await server?.close();
  if (worker) await stopWorkerProcess(worker);
});

async function enroll(productId: string) {
  const res = await api.call('POST', '/v1/batches', {
    productId, apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: `e2e-${Date.now()}`,
  });
  expect(res.status).toBe(201);
  return res.body as { batchId: string; coiId: string };
}

describe('a batch through the HTTP API, on the real dev server and worker, one simulated day per second', () => {
  it.each(['autologous-cd19-fresh', 'autologous-bcma-cryo'])('goes from enrolment to COMPLETED for %s by answering `awaiting`', async (productId) => {
    const { batchId, coiId } = await enroll(productId);
    const done = await answerUntilDone(api, batchId, coiId);
    expect(done.stage).toBe('COMPLETED');
    expect(done.awaiting).toBeNull();
    const handoffs = done.custody.filter((r) => (r as { kind: string }).kind === 'handoff');
    expect(handoffs).toHaveLength(6);
  });

  it('refuses a hand-off with the wrong COI id or DIN with a clear error, and the stage stays', async () => {
    const { batchId, coiId } = await enroll('autologous-cd19-fresh');
    const before = await answerUntilDone(api, batchId, coiId, { stopAt: (s) => s.awaiting?.kind === 'handoff' && s.awaiting.step === 'outbound-pickup' });
    const scan = { step: 'outbound-pickup', coiId, din: VALID_DIN, actor: { name: 'A. Courier', role: 'courier' }, location: 'dock 2' };

    const wrongCoi = await api.call('POST', `/v1/batches/${batchId}/handoffs`, { ...scan, coiId: 'COI-AAAA-BBBB-CCCC-D' });
    expect(wrongCoi.status).toBeGreaterThanOrEqual(400);
    expect(wrongCoi.status).toBeLessThan(500);
    expect(wrongCoi.body.error.code).toBe('ERR_COI_MISMATCH');
    expect(wrongCoi.body.error.message).toMatch(/COI/);

    const wrongDin = await api.call('POST', `/v1/batches/${batchId}/handoffs`, { ...scan, din: 'W123426000999' });
    expect(wrongDin.body.error.code).toBe('ERR_DIN_MISMATCH');

    const after = await api.batch(batchId);
    expect(after.stage).toBe(before.stage);
    expect(after.awaiting).toEqual(before.awaiting);
    expect(after.issues.filter((i) => i.kind === 'deviation')).toHaveLength(2);
    await api.call('POST', `/v1/batches/${batchId}/cancel`, { reason: 'test done', actor: { name: 'T. Ester', role: 'coordinator' } });
  });
});
