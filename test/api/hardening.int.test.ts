import { describe, expect, it } from 'vitest';
import { sites } from '../../src/db/schema/index.js';
import type { BatchStatus } from '../../workflows/messages.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';
import { userOf } from './tokens.js';

const { app, db, temporal, ids, identities, enrolBody } = stackApp();

describe('GET /v1/sites/{siteId}/infusion-slots?batchId=', () => {
  it("refuses a batch of another treatment centre with 404 naming batchId, revealing nothing of it", async () => {
    const elsewhere = unique('treatment');
    await db.insert(sites).values({ id: elsewhere, kind: 'treatment_center', name: 'Another unit' });
    const { batchId, coiId } = (await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), treatmentCenterId: elsewhere } })).json();
    const status: BatchStatus = {
      batchId, coiId, productId: ids.product, stage: 'RECEIVED_AT_SITE', attempt: 1,
      awaiting: { kind: 'infusion-booking', earliest: '2026-04-01T00:00:00.000Z', latest: '2026-04-15T00:00:00.000Z' },
      timeline: [], issues: [], shipments: [], quarantined: false,
    };
    temporal.status = status;
    const scheduler = userOf('scheduler', [ids.treatment]);
    const res = await app.inject({ method: 'GET', url: `/v1/sites/${ids.treatment}/infusion-slots?batchId=${batchId}`, headers: await identities.bearer(scheduler) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ in: 'querystring', path: ['batchId'] }));
    expect(res.body).not.toContain('2026-04-15');
    expect(temporal.calls.filter((c) => c.kind === 'query')).toEqual([]);
  });
});
