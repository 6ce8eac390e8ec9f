import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { startApiServer } from '../../src/api/server.js';
import { productProfile } from '../../src/domain/profiles.js';
import type { LiveIdentities } from '../../src/live/identities.js';
import { liveIdentities } from '../../src/live/live-session.js';
import { answerUntilDone, batchPartners } from '../../src/live/partners.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { batchWorkflowId, statusQuery } from '../../workflows/messages.js';
import { equipmentWorkflowId } from '../../workflows/equipment-messages.js';
import { log } from '../workflows/log.js';
import { percentile, sortNum } from '../workflows/percentiles.js';
import type { Device } from './fleet.js';
import { startIngestProcess, startV2vChild, untilReady } from './ingest-process.js';
import { temporalTransport } from '../../src/transport.js';
import { BATCHES, config, EXCURSIONS, LOAD_PER_SECOND, PARTITIONS, RUN } from './parameters.js';
import { connectedProducer, createTopic } from './topic.js';

export interface LatencyResult {
  samples: number[];
  /** Medians and 99th percentiles of the three legs: produced → committed by ingest → signal sent → visible. */
  legs: { name: string; p50: number; p99: number }[];
  batches: number;
  loadPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  peakRssMiB: number;
}

/**
 * Batches run a day per minute. Ingest compresses its rules 120×: 5 minutes out of range take 2.5 s,
 * a gap 7.5 s, the allowed lateness 1 s: wide enough that ingest running a second behind under the
 * background load does not look like silence, short enough to time 200 excursions in minutes.
 */
const WORKER_SCALE = 1_440;
const INGEST_SCALE = 120;
const MIN_DURATION_MS = (5 * 60_000) / INGEST_SCALE;
const OUT_C = -140;
const IN_C = -180;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shipper loggers bound to batches in OUTBOUND_TRANSIT leave their range again and again while the
 * fleet publishes a steady background load. Each sample: from just before the reading that makes
 * the spell an excursion is produced, to the batch's status query listing the new excursion.
 */
export async function latencyPhase(pool: pg.Pool, fleet: Device[]): Promise<LatencyResult> {
  const topic = `${RUN}.live`;
  const batchCount = BATCHES;
  const wanted = EXCURSIONS;
  const loadPerSecond = LOAD_PER_SECOND;
  await createTopic(topic, PARTITIONS);
  // The bench product is the cryopreserved one with an unlimited out-of-range budget, so that every
  // excursion opens by its minimum duration and the timed reading is the one that opens it.
  const base = productProfile('autologous-bcma-cryo');
  const profile = { ...base, id: `${RUN}-cryo`, legs: { ...base.legs, outbound: { ...base.legs.outbound, telemetry: { ...base.legs.outbound.telemetry!, budgetMinutes: 1e9 } } } };
  await pool.query('insert into product_profiles (id, name, version, profile) values ($1, $2, 1, $3)', [profile.id, 'bench', profile]);

  const worker = await startV2vChild('worker', /worker started/, { V2V_TIME_SCALE: String(WORKER_SCALE) });
  const ingest = await startIngestProcess({ V2V_INGEST_TOPIC: topic, V2V_INGEST_GROUP: `${RUN}-live`, V2V_TIME_SCALE: String(INGEST_SCALE) });
  const server = await startApiServer({ config: { ...config, V2V_TIME_SCALE: WORKER_SCALE }, logger: pino({ level: 'silent' }), port: 0 });
  const connection = await Connection.connect(temporalTransport(config));
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const producer = await connectedProducer();
  const identities = await liveIdentities(config, server.url, RUN);
  const batchIds: string[] = [];
  let stopLoad = false;
  try {
    await untilReady(ingest.opsUrl);
    const loggers = await batchesInTransit(identities, profile.id, batchCount, batchIds);
    log(`latency: ${loggers.length} batches in OUTBOUND_TRANSIT with a logger each; background load ${loadPerSecond}/s`);
    const send = (deviceId: string, value: number) =>
      producer.send({ topic, messages: [{ key: deviceId, value: JSON.stringify({ eventId: randomUUID(), gatewayId: `${RUN}-gw-live`, deviceId, metric: 'temperature_c', value, unit: 'Cel', eventTime: new Date().toISOString() }) }] });

    let loadSent = 0;
    const loadStarted = performance.now();
    const load = (async () => {
      for (let tick = 0; !stopLoad; tick++) {
        const due = loadStarted + tick * 100;
        await sleep(Math.max(0, due - performance.now()));
        const now = new Date().toISOString();
        const messages = Array.from({ length: loadPerSecond / 10 }, (_, i) => {
          const device = fleet[(tick * 7 + i) % fleet.length]!;
          return { key: device.id, value: JSON.stringify({ eventId: randomUUID(), gatewayId: device.gatewayId, deviceId: device.id, metric: device.spec.metric, value: device.spec.nominal, unit: device.spec.unit, eventTime: now }) };
        });
        await producer.send({ topic, messages });
        loadSent += messages.length;
      }
    })();

    const samples: number[] = [];
    const timed: { excursionId: string; producedAt: number; visibleAt: number }[] = [];
    const perLogger = Math.ceil(wanted / loggers.length);
    let next = 0;
    const runLogger = async ({ deviceId, batchId }: { deviceId: string; batchId: string }) => {
      const handle = temporal.workflow.getHandle(batchWorkflowId(batchId));
      for (let k = 0; k < perLogger; k++) {
        for (let i = 0; i < 3; i++) {
          await send(deviceId, IN_C);
          await sleep(200);
        }
        const spellStart = performance.now();
        await send(deviceId, OUT_C); // the spell starts
        while (performance.now() - spellStart < MIN_DURATION_MS + 50) {
          await sleep(500);
          if (performance.now() - spellStart < MIN_DURATION_MS - 100) await send(deviceId, OUT_C); // still out, not yet long enough
        }
        const produced = performance.now();
        const producedAt = Date.now();
        await send(deviceId, OUT_C); // this reading makes it an excursion
        for (;;) {
          // A query that times out while the worker is busy counts towards the latency, not as a failure.
          const status = await handle.query(statusQuery).catch(() => undefined);
          const excursions = status?.issues.filter((i) => i.kind === 'excursion') ?? [];
          if (excursions.length > k) {
            timed.push({ excursionId: excursions[k]!.id, producedAt, visibleAt: Date.now() });
            break;
          }
          await sleep(20);
        }
        samples.push(Math.round(performance.now() - produced));
        await send(deviceId, IN_C);
      }
    };
    // Five loggers at a time: enough to overlap, few enough that the status polling is not the load.
    await Promise.all(Array.from({ length: 5 }, async () => {
      while (next < loggers.length) await runLogger(loggers[next++]!);
    }));
    stopLoad = true;
    await load;
    const loadRate = Math.round(loadSent / ((performance.now() - loadStarted) / 1000));
    const sorted = sortNum(samples);
    const legs = await legsOf(pool, timed);
    return { samples, legs, batches: loggers.length, loadPerSecond: loadRate, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)!, peakRssMiB: ingest.peakRssMiB() };
  } finally {
    stopLoad = true;
    for (const id of batchIds) await temporal.workflow.getHandle(batchWorkflowId(id)).terminate('benchmark over').catch(() => undefined);
    await producer.disconnect();
    await server.close();
    await connection.close();
    await ingest.stop();
    await worker.stop();
    for (const [name, child] of [['ingest', ingest], ['worker', worker]] as const) {
      const warnings = child.warnings();
      if (warnings.length > 0) log(`${name}: ${warnings.length} warnings, e.g. ${warnings.slice(0, 3).join('\n')}`);
    }
  }
}

export async function terminateFleetWorkflows(temporal: Client, fleet: Device[]) {
  for (const device of fleet) {
    await temporal.workflow.getHandle(equipmentWorkflowId(device.equipmentId)).terminate('benchmark over').catch(() => undefined);
  }
}

/**
 * Answers the batch until its outbound leg is under way. A status read can time out while the
 * worker catches up (the throughput phase's excursions started hundreds of equipment workflows just
 * before); answering is idempotent, so it simply carries on after a pause.
 */
async function inTransit(identities: LiveIdentities, batchId: string, coiId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await answerUntilDone(batchPartners(identities, CITY_HOSPITAL), batchId, coiId, { stopAt: (s) => s.stage === 'OUTBOUND_TRANSIT' && s.shipments.length > 0 });
    } catch (err) {
      if (attempt === 5) throw err;
      log(`latency: batch ${batchId} not yet in transit (${err instanceof Error ? err.message : String(err)}); retrying`);
      await sleep(2_000);
    }
  }
}

/** Enrols batches, takes each to OUTBOUND_TRANSIT and binds a logger to its outbound shipment. */
const CITY_HOSPITAL = { apheresisCenterId: 'city-hospital-apheresis', treatmentCenterId: 'city-hospital-infusion' };

async function batchesInTransit(identities: LiveIdentities, productId: string, count: number, batchIds: string[]) {
  const loggers: { deviceId: string; batchId: string }[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 5 }, async () => {
    while (next < count) {
      const i = next++;
      const enrolled = await identities.admin.api.POST('/v1/batches', { body: { productId, ...CITY_HOSPITAL, patientRef: `${RUN}-${i}` } });
      const { batchId, coiId } = expectOk('enrolment', enrolled);
      batchIds.push(batchId);
      const detail = await inTransit(identities, batchId, coiId);
      const deviceId = `${RUN}-logger-${i}`;
      const body = { deviceId, gatewayId: `${RUN}-gw-live`, kind: 'shipper_logger', binding: { shipmentId: detail.shipments[0]!.shipmentId } };
      const register = () => identities.gatewayAdmin.api.POST('/v1/devices', { body });
      let bound = await register();
      // The batch lists a leg as soon as its child workflow starts; the shipment row follows a moment later.
      for (let tries = 0; bound.response.status === 404 && tries < 600; tries++) {
        await sleep(100);
        bound = await register();
      }
      if (bound.response.status !== 201) throw new Error(`device registration answered ${bound.response.status}: ${JSON.stringify(bound.error)}`);
      loggers.push({ deviceId, batchId });
    }
  }));
  return loggers;
}

/** Where the time went, from the database's own clock (same machine): row committed, signal sent. */
async function legsOf(pool: pg.Pool, timed: { excursionId: string; producedAt: number; visibleAt: number }[]) {
  const { rows } = await pool.query<{ id: string; committed: string; sent: string }>(
    `select e.id, (extract(epoch from e.created_at) * 1000)::bigint as committed, (extract(epoch from w.sent_at) * 1000)::bigint as sent
       from excursions e join workflow_signals w on w.change_id = e.id::text || ':opened' where e.id = any($1::uuid[])`,
    [timed.map((t) => t.excursionId)],
  );
  const byId = new Map(rows.map((r) => [r.id, { committed: Number(r.committed), sent: Number(r.sent) }]));
  const legs = { 'produced → picked up by ingest (its transaction began)': [] as number[], 'picked up → signal sent': [] as number[], 'signal sent → visible in status': [] as number[] };
  for (const t of timed) {
    const db = byId.get(t.excursionId);
    if (!db) continue;
    legs['produced → picked up by ingest (its transaction began)'].push(db.committed - t.producedAt);
    legs['picked up → signal sent'].push(db.sent - db.committed);
    legs['signal sent → visible in status'].push(t.visibleAt - db.sent);
  }
  return Object.entries(legs).map(([name, xs]) => {
    const sorted = sortNum(xs);
    return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
}
