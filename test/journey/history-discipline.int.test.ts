import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../src/api/server.js';
import { createDatabase } from '../../src/db/client.js';
import { batchWorkflowId } from '../../workflows/messages.js';
import { stackConfig, unique } from '../setup/services.js';
import { answerUntilDone, apiClient } from '../../src/sim/partners.js';
import { startWorkerProcess, stopWorkerProcess } from '../setup/v2v-process.js';

/**
 * Telemetry never enters workflow history. A batch whose bioreactor and shipper produced 50,000
 * readings — on the readings topic and in the readings table, where gateways and ingest put them —
 * must have exactly as many history events as one with none. (The ingest consumer that turns
 * readings into state-change signals arrives with the ingestion issue; then only its signals, one
 * per excursion change, may add events.)
 */
const READINGS = 50_000;
// A day lasts 5 s: slow enough that no escalation or stability timer fires in one run and not the
// other just because the machine is busy, which would change the history for reasons of timing.
const TIME_SCALE = 17_280;
const config = stackConfig();
const { pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
let worker: ChildProcess;
let server: ApiServer;
let api: ReturnType<typeof apiClient>;
let connection: Connection;

beforeAll(async () => {
  worker = await startWorkerProcess(TIME_SCALE);
  server = await startApiServer({ config: { ...config, V2V_TIME_SCALE: TIME_SCALE }, logger: pino({ level: 'silent' }), port: 0 });
  api = apiClient(server.url);
  connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
});
afterAll(async () => {
  await server?.close();
  await connection?.close();
  if (worker) await stopWorkerProcess(worker);
  await pool.end();
});

async function enroll() {
  const res = await api.call('POST', '/v1/batches', {
    productId: 'autologous-bcma-cryo', apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion', patientRef: unique('hist'),
  });
  return res.body as { batchId: string; coiId: string };
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

/** 50,000 readings from a bioreactor and a shipper logger, on the topic and in the table. */
async function produceReadings() {
  const gatewayId = unique('gateway');
  const devices = [unique('bioreactor-probe'), unique('shipper-logger')];
  const kafka = new Kafka({ clientId: 'history-test', brokers: config.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const start = Date.now();
  for (let offset = 0; offset < READINGS; offset += 5_000) {
    const readings = Array.from({ length: 5_000 }, (_, i) => {
      const n = offset + i;
      const deviceId = devices[n % 2]!;
      return { eventId: randomUUID(), gatewayId, deviceId, metric: 'temperature_c', value: n % 2 ? -180 : 37, unit: 'C', eventTime: new Date(start + n).toISOString() };
    });
    // The broker takes up to 1 MB a request: a thousand readings at a time.
    for (let i = 0; i < readings.length; i += 1_000) {
      const messages = readings.slice(i, i + 1_000).map((r) => ({ key: r.deviceId, value: JSON.stringify(r) }));
      await producer.send({ topic: 'v2v.sensor.readings.v1', messages });
    }
    await pool.query(
      `insert into sensor_readings (event_id, event_time, device_id, gateway_id, metric, value, unit)
       select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[])`,
      [readings.map((r) => r.eventId), readings.map((r) => r.eventTime), readings.map((r) => r.deviceId), readings.map((r) => r.gatewayId),
        readings.map((r) => r.metric), readings.map((r) => r.value), readings.map((r) => r.unit)],
    );
  }
  await producer.disconnect();
}

describe('history discipline', () => {
  it(`gives a batch with ${READINGS} readings the same history as one with none, under 400 events`, { timeout: 300_000 }, async () => {
    const quiet = await enroll();
    expect((await answerUntilDone(api, quiet.batchId, quiet.coiId)).stage).toBe('COMPLETED');

    const busy = await enroll();
    await answerUntilDone(api, busy.batchId, busy.coiId, { stopAt: (s) => s.stage === 'MANUFACTURING' });
    await produceReadings();
    expect((await answerUntilDone(api, busy.batchId, busy.coiId)).stage).toBe('COMPLETED');

    const [quietHistory, busyHistory] = [await historyCounts(quiet.batchId), await historyCounts(busy.batchId)];
    expect(busyHistory.business).toBe(quietHistory.business);
    expect(busyHistory.total).toBeLessThan(400);
    console.info(`history events: quiet ${JSON.stringify(quietHistory)}, with ${READINGS} readings ${JSON.stringify(busyHistory)}`);
  });
});
