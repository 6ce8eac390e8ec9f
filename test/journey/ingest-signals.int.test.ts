import { Client, Connection, defaultPayloadConverter } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone } from '../../src/live/partners.js';
import { expectOk, readBatch } from '../../src/live/v2v-api.js';
import { pollUntil } from '../../src/poll-until.js';
import { batchWorkflowId, type ExcursionChange } from '../../workflows/messages.js';
import { reading, type Reading } from '../setup/ingest-pipeline.js';
import { stackConfig, unique } from '../setup/services.js';
import { partnersOf, useJourneyServices } from '../setup/journey-services.js';

/**
 * Readings on Kafka reach a batch's workflow only as state changes, once each, through a real
 * `v2v ingest`, worker and API. The batch's clock runs an hour a second, so its outbound leg (a
 * 120 h stability window) stays in transit for two minutes, longer than a test needs. The ingest's
 * runs ten minutes a second: the dry shipper's 5 min minimum excursion lasts 0.5 s and its 15 min
 * telemetry gap 1.5 s.
 */
const BATCH_SCALE = 3_600;
const INGEST_SCALE = 600;
const config = stackConfig();
const { pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
const services = useJourneyServices(BATCH_SCALE, INGEST_SCALE);
const { ingest } = services;
let identities: LiveIdentities;
let connection: Connection;
beforeAll(() => void ({ identities, connection } = services));
/** The batch as its coordinator reads it. */
const batch = (batchId: string) => readBatch(partnersOf(identities).reader, batchId);
afterAll(() => pool.end());

const poll = <T>(what: string, probe: () => Promise<T | false | undefined | null>, timeoutMs = 30_000) =>
  pollUntil(what, probe, { timeoutMs, context: () => `ingest log:\n${ingest.log()}` });

/** A cryopreserved-product batch picked up at the apheresis centre: in transit on a dry shipper. */
async function batchInTransit() {
  const body = { productId: 'autologous-bcma-cryo', apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: unique('signals') };
  const { batchId, coiId } = expectOk('enrolment', await partnersOf(identities).reader.POST('/v1/batches', { body }));
  const detail = await answerUntilDone(partnersOf(identities), batchId, coiId, { stopAt: (s) => s.stage === 'OUTBOUND_TRANSIT' && s.shipments.length > 0 });
  expect(detail.stage).toBe('OUTBOUND_TRANSIT');
  return { batchId, shipmentId: detail.shipments.find((s) => s.leg === 'outbound')!.shipmentId };
}

/** Registers a logger and binds it to the shipment from a minute ago (the readings reach back a few seconds). */
async function bindLogger(shipmentId: string) {
  const [deviceId, gatewayId] = [unique('logger'), unique('gateway')];
  // The shipment row is written by the leg's workflow, a moment after the batch reports the leg.
  const res = await poll('the shipment can be bound', async () => {
    const r = await identities.gatewayAdmin.api.POST('/v1/devices', { body: { deviceId, gatewayId, kind: 'shipper_logger', binding: { shipmentId }, from: new Date(Date.now() - 60_000).toISOString() } });
    return r.response.status !== 404 && r;
  });
  expect(res.response.status).toBe(201);
  return { deviceId, gatewayId };
}

async function excursionRows(query: { batchId?: string; deviceId?: string; kind: 'excursion' | 'telemetry_gap' }) {
  return expectOk('GET /v1/excursions', await identities.qa.api.GET('/v1/excursions', { params: { query } })).excursions;
}

/** The `excursion` signals in the batch's workflow history, decoded. */
async function excursionSignals(batchId: string): Promise<ExcursionChange[]> {
  const { events } = await new Client({ connection }).workflow.getHandle(batchWorkflowId(batchId)).fetchHistory();
  return events!
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'excursion')
    .map((a) => defaultPayloadConverter.fromPayload<ExcursionChange>(a!.input!.payloads![0]!));
}

/** True once every signal ingest queued for the batch has been sent (the outbox is drained). */
async function outboxDrained(batchId: string) {
  const { rows } = await pool.query('select 1 from workflow_signals where workflow_id = $1 and sent_at is null', [batchWorkflowId(batchId)]);
  return rows.length === 0;
}

async function storedReadings(deviceId: string) {
  const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from sensor_readings where device_id = $1', [deviceId]);
  return rows[0]!.n;
}

async function cancel(batchId: string) {
  await identities.admin.api.POST('/v1/batches/{id}/cancel', { params: { path: { id: batchId } }, body: { reason: 'test done' } });
}

describe('ingest signals the batch workflows', () => {
  it('delivers an excursion on a bound shipper to its batch once, even when every reading is delivered again', { timeout: 180_000 }, async () => {
    const { batchId, shipmentId } = await batchInTransit();
    const { deviceId, gatewayId } = await bindLogger(shipmentId);
    // Every 250 ms over the last 7 s: 3 s at −180 °C, 2 s above the −150 °C limit (peak −135), 2 s back.
    const base = Date.now() - 7_000;
    const values = [...Array<number>(12).fill(-180), -140, -138, -135, -140, -142, -145, -140, -141, ...Array<number>(8).fill(-180)];
    const readings: Reading[] = values.map((v, i) => reading(gatewayId, deviceId, base + i * 250, v));
    // One gateway batch: the spell and its end arrive together, as a logger that uploads on docking sends them.
    const producedAt = Date.now();
    await ingest.publish(readings, { asBatch: true });

    // The hold is recorded (an activity) before the batch says it awaits the assessment: wait for both.
    const held = await poll('the batch is held for the excursion', async () => {
      const s = await batch(batchId);
      return s.stage === 'ON_HOLD' && s.awaiting?.kind === 'excursion-assessment' && s;
    });
    console.info(`excursion: ${Date.now() - producedAt} ms from publishing the readings to an ON_HOLD status with the issue`);
    const [issue, ...others] = held.issues.filter((i) => i.kind === 'excursion');
    expect(others).toEqual([]);
    expect(issue).toMatchObject({ blocking: true });
    expect(held.awaiting).toEqual({ kind: 'excursion-assessment', excursionId: issue!.id });

    const [row] = await poll('the excursion row is closed', async () => {
      const rows = await excursionRows({ batchId, kind: 'excursion' });
      return rows.length === 1 && rows[0]!.state === 'closed' && rows;
    });
    expect(row).toMatchObject({ id: issue!.id, peak: -135, durationMs: 2_000, openedAt: new Date(base + 3_000).toISOString() });
    await poll('ingest has sent every signal', () => outboxDrained(batchId));
    // Its changes, as the workflow heard them. (A telemetry gap may open meanwhile: the logger is silent now.)
    const changesOf = async () => (await excursionSignals(batchId)).filter((c) => c.excursionId === issue!.id).map((c) => c.change);
    expect(await changesOf()).toEqual(['opened', 'closed']);
    const rowsBefore = await excursionRows({ deviceId, kind: 'excursion' });
    expect(await storedReadings(deviceId)).toBe(readings.length);

    const unchanged = async () => {
      await poll('ingest has sent every signal', () => outboxDrained(batchId));
      expect(await excursionRows({ deviceId, kind: 'excursion' })).toEqual(rowsBefore);
      expect(await storedReadings(deviceId)).toBe(readings.length);
      expect(await changesOf()).toEqual(['opened', 'closed']);
      expect((await batch(batchId)).issues.filter((i) => i.kind === 'excursion').map((i) => i.id)).toEqual([issue!.id]);
    };
    // The gateway sends the same batch again: new offsets, same readings.
    await ingest.publish(readings, { asBatch: true });
    await poll('ingest consumes the resent batch', () => ingest.caughtUp());
    await unchanged();
    // Ingest restarts with its Kafka offsets rewound: it reads everything again.
    await ingest.stop();
    await ingest.rewind();
    expect(await ingest.caughtUp()).toBe(false);
    await ingest.start();
    await poll('the restarted ingest reads the topic to its end', () => ingest.caughtUp(), 60_000);
    await unchanged();

    const assessed = await identities.qa.api.POST('/v1/batches/{id}/excursions/{excursionId}/assessment', {
      params: { path: { id: batchId, excursionId: issue!.id } },
      body: { impact: 'none', signingPassword: identities.qa.signingPassword, meaning: 'no impact on product quality' },
    });
    expect(assessed.response.status).toBe(200);
    const resumed = await poll('the batch leaves ON_HOLD', async () => {
      const s = await batch(batchId);
      return s.stage !== 'ON_HOLD' && s;
    });
    expect(resumed.stage).toBe('OUTBOUND_TRANSIT');
    const [assessedRow] = await excursionRows({ batchId, kind: 'excursion' });
    // Signed by the QA user whose token made the call, whatever the body said.
    expect(assessedRow!.assessment).toMatchObject({ impact: 'none', signer: { name: identities.qa.principal.name }, meaning: 'no impact on product quality' });
    await cancel(batchId);
  });

  it('opens a telemetry gap when a bound logger goes silent and clears it when it speaks again, without holding the batch', { timeout: 120_000 }, async () => {
    const { batchId, shipmentId } = await batchInTransit();
    const { deviceId, gatewayId } = await bindLogger(shipmentId);
    const inRange = (from: number, n: number) => Array.from({ length: n }, (_, i) => reading(gatewayId, deviceId, from + i * 250, -180));
    await ingest.publish(inRange(Date.now() - 2_000, 8), { asBatch: true });

    const [gap] = await poll('the sweeper opens a telemetry gap', async () => {
      const rows = await excursionRows({ deviceId, kind: 'telemetry_gap' });
      return rows.length > 0 && rows;
    });
    expect(gap!.state).toBe('open');
    const during = await poll('the batch hears of the gap', async () => {
      const s = await batch(batchId);
      return s.issues.some((i) => i.id === gap!.id) && s;
    });
    expect(during.issues.find((i) => i.id === gap!.id)).toMatchObject({ kind: 'telemetry_gap', blocking: false, state: 'open' });
    expect(during.stage).toBe('OUTBOUND_TRANSIT');

    // It speaks again: from now on, so the silence in event time is the one the sweeper saw.
    await ingest.publish(inRange(Date.now(), 4), { asBatch: true });
    const closed = await poll('the gap closes', async () => {
      const [row] = (await excursionRows({ deviceId, kind: 'telemetry_gap' })).filter((r) => r.id === gap!.id);
      return row?.state === 'closed' && row;
    });
    expect(closed.durationMs).toBeGreaterThan(0);
    const after = await poll('the batch hears the gap closed', async () => {
      const s = await batch(batchId);
      return s.issues.find((i) => i.id === gap!.id)?.state === 'closed' && s;
    });
    expect(after.stage).toBe('OUTBOUND_TRANSIT');
    expect(after.issues.filter((i) => i.kind === 'excursion')).toEqual([]);
    expect(await excursionRows({ deviceId, kind: 'excursion' })).toEqual([]);
    await cancel(batchId);
  });
});
