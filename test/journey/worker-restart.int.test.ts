import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { runV2v } from '../setup/cli.js';
import { stackConfig } from '../setup/services.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone } from '../../src/live/partners.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { partnersOf, testIdentities } from '../setup/journey-services.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';

const TIME_SCALE = 86_400;
const config = stackConfig();
const { pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
let server: ApiServer;
let identities: LiveIdentities;

beforeAll(async () => {
  server = await startApiServer({ config: { ...config, V2V_TIME_SCALE: TIME_SCALE }, logger: pino({ level: 'silent' }), port: 0 });
  identities = await testIdentities(server.url);
});
afterAll(async () => {
  await server?.close();
  await pool.end();
});

describe('a worker killed mid-journey', () => {
  it('lets the batch finish on a new worker with no custody record written twice', async () => {
    const sites = { apheresisCenterId: 'river-clinic-apheresis', treatmentCenterId: 'river-clinic-infusion' };
    const partners = partnersOf(identities, sites);
    const { batchId, coiId } = expectOk(
      'enrolment',
      await partners.reader.POST('/v1/batches', { body: { productId: 'autologous-cd19-fresh', ...sites, patientRef: `restart-${Date.now()}` } }),
    );

    const first = await startWorkerProcess(TIME_SCALE);
    await answerUntilDone(partners, batchId, coiId, { stopAt: (s) => s.stage === 'MANUFACTURING' });
    await stopWorkerProcess(first, 'SIGKILL');

    const second = await startWorkerProcess(TIME_SCALE);
    try {
      const done = await answerUntilDone(partners, batchId, coiId);
      expect(done.stage).toBe('COMPLETED');
    } finally {
      await stopWorkerProcess(second);
    }

    const { rows } = await pool.query<{ kind: string; step: string | null; n: number }>(
      `select kind, step, count(*)::int as n from custody_events where batch_id = $1 group by kind, step order by kind, step`,
      [batchId],
    );
    const handoffs = rows.filter((r) => r.kind === 'handoff');
    expect(handoffs.map((r) => [r.step, r.n])).toEqual([
      ['collection', 1], ['facility-receipt', 1], ['infusion', 1], ['outbound-pickup', 1], ['return-pickup', 1], ['site-receipt', 1],
    ]);
    expect(rows.find((r) => r.kind === 'qa-disposition')?.n).toBe(1);
    expect(runV2v('audit', 'verify', batchId)).toMatch(/verified/);
  });
});
