import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { registerFleet } from '../../bench/ingest/fleet.js';
import { REFERENCE_BIOREACTORS, REFERENCE_SITES } from '../../src/db/seed.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import { createKafka } from '../../src/kafka-client.js';
import { liveIdentities } from '../../src/live/live-session.js';
import { gatewaySigner } from '../../src/ingest/gateway-signature.js';
import { runLive } from '../../src/live/run-live.js';
import { createLogger } from '../../src/logging.js';
import { sleep } from '../../src/stack/daemon.js';
import { repoRoot } from '../../src/stack/paths.js';
import { startBalancer } from './balancer.js';
import { FAULTS, randomKill, type Fault } from './faults.js';
import { RssSampler, type RssTrend } from './rss.js';
import { Random } from '../../src/domain/random.js';
import { Ledger, NO_DAMAGE, type Damage } from './ledger.js';
import { startMaintenanceCrew } from './maintenance-crew.js';
import { RecoveryProbe } from './probe.js';
import { ReadingsLoad } from './readings-load.js';
import { apiPorts, daemons, RELIABILITY_CLOCK, reliabilitySettings, startReliabilityStack } from './stack.js';

export interface ReliabilityOptions {
  faults: string[];
  /** The soak instead of the fault list: this long, a worker or a consumer killed at random every 20–60 s. */
  soakMs?: number;
  /** Readings per second from the equipment fleet, beside the patients' own sensors. */
  readingsPerSecond: number;
  /** Mean simulated days between enrolments (a day is a second here). */
  arrivalDays: number;
  /** Seconds of load after the last fault before enrolments stop. */
  tailSeconds: number;
  seed: number;
  keepStack?: boolean;
  progress: (line: string) => void;
}

export interface FaultRow extends Damage {
  fault: string;
  when: string;
  /** From the fault until a canary reading is stored and a batch's status answers again; undefined for the warm-up row. */
  recoverMs: number | undefined;
  /** From the fault until its process (or broker) is back, as a supervisor brings it back. */
  restoredMs: number | undefined;
}

export interface ReliabilityReport {
  rows: FaultRow[];
  /** Each discrepancy found, with the fault it is charged to. */
  findings: string[];
  /**
   * Batches their coordinator withdrew because the product's infusion window closed, with the fault
   * window it closed in. Not a record lost: V2V refused every booking, as it must. On a clock where
   * a second is a simulated day, a fault's seconds of delay are days of a product's shelf life.
   */
  withdrawn: string[];
  /**
   * Fleet readings Kafka did not acknowledge (a dead broker's partitions before their new leader is
   * known), with the last reason. Not owed, so not a loss: a gateway sends them again.
   */
  refusedReadings: { count: number; lastReason: string | undefined };
  batches: number;
  readings: number;
  auditVerify: { ok: boolean; output: string };
  /** The most batches enrolled and not yet ended at once. */
  peakInFlight: number;
  /** Each V2V process's resident memory over the run (its longest-lived pid). */
  rss: RssTrend[];
  stackUpSeconds: number;
  wallSeconds: number;
}

/**
 * `npm run test:reliability`: the production topology under twin-driven load (live patients through
 * two API processes behind a balancer, their sensors and an equipment fleet on Kafka), one fault at
 * a time, then the books: nothing acknowledged may be missing or stored twice, no batch may be stuck,
 * and the custody trail must verify.
 */
export async function runReliability(o: ReliabilityOptions): Promise<ReliabilityReport> {
  const started = Date.now();
  const faults = o.faults.map((id) => FAULTS.find((f) => f.id === id) ?? fail(`no fault "${id}"; there are ${FAULTS.map((f) => f.id).join(', ')}`));
  const settings = reliabilitySettings();
  o.progress(`stack up --topology production in ${settings.V2V_STACK_DIR}`);
  const stack = await startReliabilityStack(settings, (line) => o.progress(`  ${line}`));
  const stackUpSeconds = (Date.now() - started) / 1000;
  const { config } = stack;
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
  const owner = new pg.Pool({ connectionString: config.DATABASE_OWNER_URL, max: 2 });
  // A restarted PostgreSQL ends every idle connection: the pools make new ones, nothing to crash on.
  for (const pool of [db, owner]) pool.on('error', () => undefined);
  const balancer = await startBalancer(apiPorts(config));
  const kafka: Kafka = createKafka({ ...config, LOG_LEVEL: 'error' }, createLogger({ LOG_LEVEL: 'error' }, 'reliability'), 'v2v-reliability');
  const run = `rel-${Date.now().toString(36)}`;
  try {
    const identities = await liveIdentities(config, balancer.url, run);
    // The production topology checks who sent each reading: the fleet's gateways sign, as the live patients' do.
    const sign = config.V2V_GATEWAY_KEY_SECRET === undefined ? undefined : gatewaySigner(config.V2V_GATEWAY_KEY_SECRET);
    const readings = await ReadingsLoad.start({ kafka, topic: config.V2V_INGEST_TOPIC, owner, run, devices: 60, perSecond: o.readingsPerSecond, sign });
    const [canaryDevice] = await registerFleet(owner, `${run}c`, 1);
    const ledger = new Ledger();
    const ended = new Set<string>();
    const bookingWaiters: (() => void)[] = [];
    const withdrawnAt: { batchId: string; at: number }[] = [];
    const observer = {
      enrolled: (batchId: string) => ledger.enrolled(batchId),
      answered: (...args: Parameters<Ledger['answered']>) => {
        ledger.answered(...args);
        if (args[1].kind === 'infusion-booking') for (const wake of bookingWaiters.splice(0)) wake();
      },
      withdrawn: (batchId: string) => void withdrawnAt.push({ batchId, at: Date.now() }),
    };
    const inFlight = () => [...ledger.batches.keys()].filter((id) => !ended.has(id));
    const crew = startMaintenanceCrew(balancer.url, identities.admin.token);
    const probe = new RecoveryProbe({ kafka, topic: config.V2V_INGEST_TOPIC, device: canaryDevice!, db, apiUrl: balancer.url, token: identities.admin.token, batchToRead: () => inFlight().at(-1), sign });

    // Enough patients that enrolments go on through every fault (or the soak) and the tail.
    const loadSeconds = (o.soakMs ? o.soakMs / 1000 : faults.length * 45) + o.tailSeconds + 20;
    const patients = Math.max(6, Math.ceil(loadSeconds / o.arrivalDays));
    const abort = new AbortController();
    o.progress(`load: ${patients} patients, one every ${o.arrivalDays} simulated days (s), ${o.readingsPerSecond} fleet readings/s`);
    const live = runLive({
      identities, kafka, topic: config.V2V_INGEST_TOPIC, gatewaySecret: config.V2V_GATEWAY_KEY_SECRET, patients, seed: o.seed, timeScale: RELIABILITY_CLOCK.timeScale,
      clockOriginMs: Date.parse(config.V2V_CLOCK_ORIGIN!), sensorTimeScale: RELIABILITY_CLOCK.sensorTimeScale,
      products: PRODUCT_PROFILES.map((p) => p.id), sites: REFERENCE_SITES.map((s) => s.id), bioreactors: REFERENCE_BIOREACTORS.map((b) => b.id),
      arrivalDays: o.arrivalDays, observer, signal: abort.signal,
      // Faults add minutes to a journey; partners read every half second, so tens of batches fit on two cores.
      timeoutMs: 900_000, pollMs: 500,
      narrate: (event) => void (event.type === 'finished' && ended.add(event.batchId)),
    }).then(
      (result) => ({ error: undefined, published: result.readingsPublished }),
      (err: unknown) => ({ error: err instanceof Error ? err.message : String(err), published: 0 }),
    );

    const windows: { fault: Fault | undefined; from: number; recoverMs?: number; restoredMs?: number }[] = [{ fault: undefined, from: 0 }];
    const moment = { inFlight: () => inFlight().length, nextBooking: () => new Promise<void>((resolve) => bookingWaiters.push(resolve)) };
    let peakInFlight = 0;
    const peakTimer = setInterval(() => (peakInFlight = Math.max(peakInFlight, inFlight().length)), 1_000);
    const names = [1, 2].flatMap((n) => [daemons.worker(n), daemons.ingest(n), daemons.api(n)]);
    const rss = new RssSampler(() => new Map(names.map((name) => [name.replace(/^v2v-/, ''), stack.pid(name)])));
    const strike = async (fault: Fault) => {
      o.progress(`fault ${fault.id}: ${fault.title}, ${fault.when}`);
      const restore = await fault.strike(stack, moment);
      // From the blow itself, not from when strike() returned (a kill waits for its process to die).
      const at = stack.struckAt ?? Date.now();
      const window: (typeof windows)[number] = { fault, from: at };
      windows.push(window);
      const [recoverMs] = await Promise.all([probe.recoveredAfter(at), restore().then(() => (window.restoredMs = Date.now() - at))]);
      window.recoverMs = recoverMs;
      o.progress(`  serving again after ${(recoverMs / 1000).toFixed(1)} s; restored after ${((window.restoredMs ?? 0) / 1000).toFixed(1)} s; ${inFlight().length} batches in flight`);
    };
    await sleep(10_000);
    if (o.soakMs) {
      const random = Random.stream(o.seed, 'soak-faults');
      const soakEnds = Date.now() + o.soakMs;
      while (Date.now() + 20_000 < soakEnds) {
        await sleep(Math.min(20_000 + random.uniform() * 40_000, Math.max(soakEnds - Date.now(), 0)));
        if (Date.now() < soakEnds) await strike(randomKill(() => random.uniform()));
      }
      await sleep(Math.max(soakEnds - Date.now(), 0));
    } else {
      for (const fault of faults) {
        await strike(fault);
        await sleep(5_000);
      }
    }

    o.progress(`tail: ${o.tailSeconds} s of load, then every batch to its end`);
    await sleep(o.tailSeconds * 1000);
    const liveEnd = await Promise.race([live, sleep(900_000).then(() => ({ error: 'the patients did not finish within 15 minutes', published: 0 }))]);
    abort.abort(new Error('the reliability run is over'));
    await crew.stop();
    o.progress(`the maintenance crew serviced ${crew.serviced()} bioreactors`);
    await readings.stop(owner);
    await untilConsumed(kafka, config.V2V_INGEST_GROUP, config.V2V_INGEST_TOPIC, o.progress);

    const charge = (at: number) => [...windows].reverse().find((w) => w.from <= at) ?? windows[0]!;
    const damage = new Map(windows.map((w) => [w, { ...NO_DAMAGE }]));
    const findings: string[] = [];
    const note = (kind: keyof Damage, at: number, what: string, count = 1) => {
      const w = charge(at);
      damage.get(w)![kind] += count;
      findings.push(`${w.fault?.id ?? 'no fault'}: ${kind} ${what}`);
    };
    for (const item of await ledger.audit(db)) note(item.kind, item.at, item.what);
    await auditReadings(db, `${run}-dev-%`, readings.acknowledged, note);
    await auditReadings(db, `${run}c-dev-%`, probe.canaries.map((c) => ({ at: c.at, count: 1 })), note);
    if (liveEnd.error) findings.push(`live run: ${liveEnd.error}`);
    const auditVerify = verifyCustody(stack.ctx.paths.root, config);
    await probe.close();
    clearInterval(peakTimer);
    return {
      rows: windows.map((w) => ({ fault: w.fault?.title ?? 'none (warm-up)', when: w.fault?.when ?? 'load starting', recoverMs: w.recoverMs, restoredMs: w.restoredMs, ...damage.get(w)! })),
      findings,
      refusedReadings: { count: readings.refused, lastReason: readings.lastRefusal },
      withdrawn: withdrawnAt.map((w) => `${w.batchId} (${charge(w.at).fault?.id ?? 'no fault'})`),
      batches: ledger.batches.size,
      readings: readings.total + probe.canaries.length,
      auditVerify,
      peakInFlight,
      rss: rss.stop(),
      stackUpSeconds,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await balancer.close();
    await db.end();
    await owner.end();
    if (!o.keepStack) await stack.down();
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** Readings owed (acknowledged by Kafka) against readings stored, by event time, so each window is charged its own. */
async function auditReadings(db: pg.Pool, devices: string, owed: { at: number; count: number }[], note: (kind: keyof Damage, at: number, what: string, count?: number) => void) {
  const { rows } = await db.query<{ t: string; n: number; d: number }>(
    `select (extract(epoch from event_time) * 1000)::bigint t, count(*)::int n, count(distinct event_id)::int d from sensor_readings where device_id like $1 group by 1`,
    [devices],
  );
  const stored = new Map(rows.map((r) => [Number(r.t), r]));
  const due = new Map<number, number>();
  for (const a of owed) due.set(a.at, (due.get(a.at) ?? 0) + a.count);
  for (const [at, count] of due) {
    const got = stored.get(at);
    const distinct = got?.d ?? 0;
    if (distinct < count) note('readingsLost', at, `${count - distinct} of ${count} readings of ${new Date(at).toISOString()}`, count - distinct);
  }
  for (const r of rows) if (r.n > r.d) note('readingsDoubled', Number(r.t), `${r.n - r.d} stored twice at ${new Date(Number(r.t)).toISOString()}`, r.n - r.d);
}

/**
 * Waits until the ingest group has committed every message of the topic (consumer lag zero). Each
 * look is a fresh admin client with fresh metadata, and a look a broker refuses as retriable is made
 * again: a broker back from a kill takes its partitions' leadership back, and a client that asked
 * before then is told "not the leader" (the CI form failed so once, after every fault had passed).
 */
async function untilConsumed(kafka: Kafka, groupId: string, topic: string, progress: (line: string) => void) {
  const giveUp = Date.now() + 180_000;
  for (;;) {
    const lag = await lagOf(kafka, groupId, topic).catch((err: unknown) => {
      if (!retriable(err)) throw err;
      return `unknown (${(err as Error).message})`;
    });
    if (lag === 0) return progress('consumer lag 0');
    if (Date.now() > giveUp) throw new Error(`consumer lag still ${lag} after 180 s`);
    await sleep(1_000);
  }
}

/** kafkajs's own verdict, on the error or, when its retries gave up, on their cause. */
const retriable = (err: unknown): boolean => err instanceof Error && ((err as { retriable?: unknown }).retriable === true || retriable(err.cause));

async function lagOf(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce((sum, p) => sum + Math.max(Number(p.high) - Math.max(at.get(p.partition) ?? 0, 0), 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/** `v2v audit verify` against the run's database: every custody chain intact. */
function verifyCustody(stackRoot: string, config: { DATABASE_URL?: string | undefined }) {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'v2v.js'), 'audit', 'verify'], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, V2V_STACK_DIR: stackRoot, DATABASE_URL: config.DATABASE_URL, LOG_LEVEL: 'error' },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}
