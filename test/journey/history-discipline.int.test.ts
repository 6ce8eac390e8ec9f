import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.js';
import { batchWorkflowId } from '../../workflows/messages.js';
import { reading, type Reading } from '../setup/ingest-pipeline.js';
import { stackConfig, unique } from '../setup/services.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone } from '../../src/live/partners.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { pollUntil } from '../../src/poll-until.js';
import { partnersOf, useJourneyServices } from '../setup/journey-services.js';

/**
 * Telemetry never enters workflow history. A batch whose shipper loggers sent 50,000 readings
 * through Kafka and a real `v2v ingest`, which stored and evaluated every one, must have exactly as
 * many business events as one with none: in-range readings change no excursion state, so ingest
 * has nothing to signal (it signals only such changes: an excursion or a gap opening or closing).
 */
const READINGS = 50_000;
// A day lasts 5 s: slow enough that no escalation or stability timer fires in one run and not the
// other just because the machine is busy, which would change the history for reasons of timing.
const TIME_SCALE = 17_280;
// The ingest's clock, as in the other journey files: ingest processes sharing a database should agree.
const INGEST_SCALE = 600;
const config = stackConfig();
const { pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
const services = useJourneyServices(TIME_SCALE, INGEST_SCALE);
const { ingest } = services;
let identities: LiveIdentities;
let connection: Connection;
beforeAll(() => void ({ identities, connection } = services));
afterAll(() => pool.end());

async function enrol() {
  const body = { productId: 'autologous-bcma-cryo', apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: unique('hist') };
  return expectOk('enrolment', await partnersOf(identities).reader.POST('/v1/batches', { body }));
}

/**
 * All events, and those that carry the batch's business: workflow-task events are left out of the
 * second count because how many tasks a run takes depends on timing (a signal that lands while a
 * task runs is folded into the next one), not on what the batch did.
 */
async function historyCounts(batchId: string) {
  const { events } = await new Client({ connection }).workflow.getHandle(batchWorkflowId(batchId)).fetchHistory();
  const business = events!.filter((e) => !e.workflowTaskScheduledEventAttributes && !e.workflowTaskStartedEventAttributes && !e.workflowTaskCompletedEventAttributes);
  return { total: events!.length, business: business.length };
}

/**
 * 50,000 in-range readings (−180 °C, 2° of tilt) from two loggers of the batch's outbound dry
 * shipper, one message each. The gateway uploads them after delivery, as loggers do on docking;
 * each logger is bound to the shipment for the 50 s its readings cover, so the silence after them is
 * the binding's end, not a telemetry gap.
 */
async function sendReadings(shipmentId: string): Promise<string[]> {
  const gatewayId = unique('gateway');
  const loggers = [unique('temperature-logger'), unique('tilt-logger')];
  const start = Date.now() - 60_000;
  const end = start + READINGS;
  for (const [i, deviceId] of loggers.entries()) {
    const { response } = await identities.gatewayAdmin.api.POST('/v1/devices', {
      body: { deviceId, gatewayId, kind: i === 0 ? 'shipper_logger' : 'tilt_sensor', binding: { shipmentId }, from: new Date(start).toISOString(), to: new Date(end).toISOString() },
    });
    expect(response.status).toBe(201);
  }
  const readings: Reading[] = Array.from({ length: READINGS }, (_, n) =>
    n % 2 === 0 ? reading(gatewayId, loggers[0]!, start + n, -180) : reading(gatewayId, loggers[1]!, start + n, 2, 'tilt_deg'),
  );
  await ingest.publish(readings);
  return loggers;
}

describe('history discipline', () => {
  it(`gives a batch with ${READINGS} readings the same history as one with none, under 400 events`, { timeout: 300_000 }, async () => {
    const quiet = await enrol();
    expect((await answerUntilDone(partnersOf(identities), quiet.batchId, quiet.coiId)).stage).toBe('COMPLETED');

    const busy = await enrol();
    const manufacturing = await answerUntilDone(partnersOf(identities), busy.batchId, busy.coiId, { stopAt: (s) => s.stage === 'MANUFACTURING' });
    const sentAt = Date.now();
    const loggers = await sendReadings(manufacturing.shipments.find((s) => s.leg === 'outbound')!.shipmentId);
    // Every reading stored by ingest, and every signal it may have queued sent, before the journey goes on.
    const counts = await pollUntil(
      `ingest to store all ${READINGS} readings`,
      async () => {
        const { rows } = await pool.query<{ device_id: string; n: number }>(
          'select device_id, count(*)::int as n from sensor_readings where device_id = any($1) group by device_id order by device_id',
          [loggers],
        );
        return rows.reduce((sum, r) => sum + r.n, 0) >= READINGS && rows;
      },
      { timeoutMs: 180_000, context: () => ingest.log() },
    );
    console.info(`ingest: ${READINGS} readings published and stored in ${Date.now() - sentAt} ms`);
    expect(Object.fromEntries(counts.map((r) => [r.device_id, r.n]))).toEqual(Object.fromEntries(loggers.map((id) => [id, READINGS / 2])));
    await pollUntil('ingest to send every signal', async () => (await pool.query('select 1 from workflow_signals where workflow_id = $1 and sent_at is null', [batchWorkflowId(busy.batchId)])).rows.length === 0, { timeoutMs: 30_000 });
    const { rows: episodes } = await pool.query('select kind, state from excursions where device_id = any($1)', [loggers]);
    expect(episodes).toEqual([]);
    expect((await answerUntilDone(partnersOf(identities), busy.batchId, busy.coiId)).stage).toBe('COMPLETED');

    const [quietHistory, busyHistory] = [await historyCounts(quiet.batchId), await historyCounts(busy.batchId)];
    expect(busyHistory.business).toBe(quietHistory.business);
    expect(busyHistory.total).toBeLessThan(400);
    console.info(`history events: quiet ${JSON.stringify(quietHistory)}, with ${READINGS} readings ${JSON.stringify(busyHistory)}`);
  });
});
