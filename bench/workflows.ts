/**
 * Workflow benchmark (see bench/README.md): N batches through the whole journey on the local
 * Temporal dev server with a compressed clock, against a baseline of N trivial one-activity
 * workflows measured in the same run.
 *
 *   npx tsx bench/workflows.ts [--batches 1000] [--concurrency 100] [--time-scale 86400]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApplicationFailure, Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { loadConfig, type Config } from '../src/config.js';
import { configWithStack } from '../src/cli/stack-env.js';
import { createDatabase, requireDatabaseUrl } from '../src/db/client.js';
import { batches, productProfiles, sites } from '../src/db/schema/index.js';
import { generateCoiId } from '../src/domain/coi.js';
import type { HandoffStep } from '../src/domain/commands.js';
import { ERR } from '../src/domain/errors.js';
import { DAY_MS, type ProductProfile } from '../src/domain/profile.js';
import { PRODUCT_PROFILES } from '../src/domain/profiles.js';
import type { Stage } from '../src/domain/stages.js';
import { repoRoot, stackPaths } from '../src/stack/paths.js';
import type { batchWorkflow } from '../workflows/batch.js';
import {
  assessmentUpdate,
  batchWorkflowId,
  bookingUpdate,
  handoffUpdate,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
  TASK_QUEUE,
  type Awaiting,
  type BatchInput,
  type BatchStatus,
} from '../workflows/messages.js';
import { TRIVIAL_TASK_QUEUE } from './trivial-workflow.js';

// ---------------------------------------------------------------------------------------------
// Parameters

const { values: flags } = parseArgs({
  options: {
    batches: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    'time-scale': { type: 'string', default: '86400' },
    namespace: { type: 'string', default: 'v2v-bench' },
    'phase-timeout-min': { type: 'string', default: '20' },
    'reference-sites': { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npx tsx bench/workflows.ts [options]
  --batches N            batches (and baseline workflows) to run, default 1000
  --concurrency C        batches driven at once, default 100
  --time-scale S         V2V_TIME_SCALE of the worker and the batches, default 86400 (a day lasts 1 s)
  --namespace NS         Temporal namespace, registered if missing, default v2v-bench
  --phase-timeout-min M  abort a phase that runs longer, default 20
  --reference-sites      use the seeded sites and products (4 manufacturing lines, 6 chairs) instead of bench ones
  --skip-baseline        run the batch phase only`);
  process.exit(0);
}
const positiveInt = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${v}".`);
  return n;
};
const N = positiveInt('batches', flags.batches);
const CONCURRENCY = positiveInt('concurrency', flags.concurrency);
const TIME_SCALE = Number(flags['time-scale']);
if (!(TIME_SCALE > 0)) throw new Error(`--time-scale must be a positive number, got "${flags['time-scale']}".`);
const PHASE_TIMEOUT_MS = Number(flags['phase-timeout-min']) * 60_000;
const NAMESPACE = flags.namespace;
const DAY = DAY_MS / TIME_SCALE;
const COMMAND = ['npx tsx bench/workflows.ts', ...process.argv.slice(2)].join(' ');

const config: Config = configWithStack(loadConfig());
const TEMPORAL_ADDRESS = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.V2V_TEMPORAL_PORT}`;
const DATABASE_URL = requireDatabaseUrl(config.DATABASE_URL);
const RUN = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const sortNum = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const minMedMax = (xs: readonly number[]) => {
  const s = sortNum(xs);
  return s.length ? `min ${s[0]} / median ${percentile(s, 50)} / max ${s[s.length - 1]}` : 'n/a';
};
const mib = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** Runs fn(0…count-1) with at most `concurrency` in flight. */
async function pool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

class PhaseTimeout extends Error {}
let aborted = false;

/** Resolves with the phase, or rejects once it has run longer than the phase timeout. */
async function bounded<T>(what: string, phase: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      aborted = true;
      reject(new PhaseTimeout(`${what} ran longer than ${flags['phase-timeout-min']} min: aborted.`));
    }, PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([phase, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function failureType(err: unknown): string {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause.type ?? 'ApplicationFailure';
  return err instanceof Error ? err.name : String(err);
}
const describeError = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure
    ? `update refused: ${err.cause.type}: ${err.cause.message}`
    : err instanceof Error
      ? `${err.name}: ${err.message}`
      : String(err);
/** Refusals that only mean the batch moved on (put ON_HOLD, say): read `awaiting` again. */
const MOVED_ON: readonly string[] = [ERR.ON_HOLD, ERR.OUT_OF_TURN, ERR.ENDED];

// ---------------------------------------------------------------------------------------------
// Worker processes

interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  output: string[];
  warnLines: number;
  peakSampledKb: number;
  sampler?: NodeJS.Timeout;
}

function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

const CLK_TCK = 100; // USER_HZ on Linux: /proc/<pid>/stat times are in 1/100 s

/** CPU seconds of a process, its live children and its reaped ones (0 when it is gone). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const read = (p: number | string) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
      return { ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
    } catch {
      return undefined;
    }
  };
  const root = read(pid);
  if (!root) return 0;
  let ticks = root.self + root.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = read(entry);
    if (child?.ppid === pid) ticks += child.self + child.reaped;
  }
  return ticks / CLK_TCK;
}

/** The local stack's PostgreSQL and Temporal server, when `v2v stack up` started them (their pid files). */
function stackPid(service: 'postgres' | 'temporal'): number | undefined {
  try {
    return Number(readFileSync(path.join(stackPaths(config).run, `${service}.pid`), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (all processes, all cores) since boot. */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, v) => a + v, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK; // minus idle and iowait
}

interface CpuMark {
  machine: number;
  worker: number;
  temporal: number;
  postgres: number;
  client: number;
}
const cpuMark = (workerPid: number): CpuMark => ({
  machine: machineBusySeconds(),
  worker: cpuSeconds(workerPid),
  temporal: cpuSeconds(stackPid('temporal')),
  postgres: cpuSeconds(stackPid('postgres')),
  client: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
});
const cpuSince = (from: CpuMark, to: CpuMark): CpuMark => ({
  machine: to.machine - from.machine,
  worker: to.worker - from.worker,
  temporal: to.temporal - from.temporal,
  postgres: to.postgres - from.postgres,
  client: to.client - from.client,
});

/** The child's configuration, explicitly: nothing of this process's environment leaks into it. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: NAMESPACE,
    DATABASE_URL,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  if (config.KAFKA_BROKERS) env.KAFKA_BROKERS = config.KAFKA_BROKERS;
  if (config.V2V_STACK_DIR) env.V2V_STACK_DIR = config.V2V_STACK_DIR;
  return env;
}

async function startWorker(name: string, args: string[], env: Record<string, string>, taskQueue: string, connection: Connection): Promise<WorkerProcess> {
  // process.execPath with the script (bin/v2v.js registers tsx in-process; --import tsx likewise):
  // the pid spawn returns is the node process that runs the worker, not a wrapper.
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const w: WorkerProcess = { name, child, pid: child.pid!, output: [], warnLines: 0, peakSampledKb: 0 };
  running.push(w);
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      w.warnLines++;
      w.output.push(line);
      if (w.output.length > 200) w.output.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const cmdline = readFileSync(`/proc/${w.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  if (path.basename(cmdline[0] ?? '') !== path.basename(process.execPath)) {
    throw new Error(`${name}: pid ${w.pid} is "${cmdline.join(' ')}", not node`);
  }
  // Ready once its workflow poller shows on the task queue under its own identity (pid@host).
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${w.output.join('\n')}`);
    }
    // A deadline per call: right after a namespace is registered, the server may sit on requests.
    const res = await connection
      .withDeadline(Date.now() + 5_000, () =>
        connection.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: taskQueue }, taskQueueType: 1 /* WORKFLOW */ }),
      )
      .catch(() => undefined);
    if (res?.pollers?.some((p) => p.identity?.startsWith(`${w.pid}@`))) break;
    if (Date.now() - started > 120_000) throw new Error(`${name} did not poll ${taskQueue} within 120 s:\n${w.output.join('\n')}`);
    await sleep(250);
  }
  w.sampler = setInterval(() => {
    try {
      w.peakSampledKb = Math.max(w.peakSampledKb, procStatus(w.pid).VmRSS ?? 0);
    } catch {
      /* exited */
    }
  }, 250);
  log(`${name} polling ${taskQueue} (pid ${w.pid}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return w;
}

/** Reads the peaks, then SIGTERM and wait (SIGKILL after 30 s). */
async function stopWorker(w: WorkerProcess): Promise<{ hwmKb?: number; rssKb?: number; peakSampledKb: number; exit: string }> {
  clearInterval(w.sampler);
  let hwmKb: number | undefined;
  let rssKb: number | undefined;
  if (w.child.exitCode === null && w.child.signalCode === null) {
    const status = procStatus(w.pid);
    hwmKb = status.VmHWM;
    rssKb = status.VmRSS;
    const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
    w.child.kill('SIGTERM');
    const killer = setTimeout(() => w.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
  return { hwmKb, rssKb, peakSampledKb: w.peakSampledKb, exit: String(w.child.exitCode ?? w.child.signalCode) };
}

const running: WorkerProcess[] = [];
let clientForSignals: Client | undefined;
async function stopAll() {
  for (const w of running.splice(0)) await stopWorker(w).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Temporal namespace and histories

async function ensureNamespace(connection: Connection): Promise<boolean> {
  const exists = async () =>
    connection.withDeadline(Date.now() + 10_000, () => connection.workflowService.describeNamespace({ namespace: NAMESPACE })).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: number }).code === 5 /* NOT_FOUND */) return false;
        throw err;
      },
    );
  if (await exists()) return false;
  await connection.workflowService.registerNamespace({
    namespace: NAMESPACE,
    description: 'V2V benchmarks (bench/workflows.ts)',
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  for (let i = 0; !(await exists()); i++) {
    if (i > 120) throw new Error(`namespace ${NAMESPACE} registered but not visible after 60 s`);
    await sleep(500);
  }
  return true;
}

const EVENT = { WORKFLOW_TASK_COMPLETED: 7, WORKFLOW_TASK_TIMED_OUT: 8, WORKFLOW_TASK_FAILED: 9, ACTIVITY_TASK_SCHEDULED: 10, CHILD_WORKFLOW_EXECUTION_STARTED: 31 };

interface HistoryCount {
  events: number;
  workflowTasks: number;
  workflowTaskProblems: number;
  activities: number;
  children: string[];
}

async function countHistory(client: Client, workflowId: string): Promise<HistoryCount> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const c: HistoryCount = { events: 0, workflowTasks: 0, workflowTaskProblems: 0, activities: 0, children: [] };
  for (const e of history.events ?? []) {
    c.events++;
    const type = Number(e.eventType);
    if (type === EVENT.WORKFLOW_TASK_COMPLETED) c.workflowTasks++;
    else if (type === EVENT.WORKFLOW_TASK_FAILED || type === EVENT.WORKFLOW_TASK_TIMED_OUT) c.workflowTaskProblems++;
    else if (type === EVENT.ACTIVITY_TASK_SCHEDULED) c.activities++;
    else if (type === EVENT.CHILD_WORKFLOW_EXECUTION_STARTED) {
      const id = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
      if (id) c.children.push(id);
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Bench reference data and batch rows

interface Setup {
  products: ProductProfile[];
  apheresisCenterId: string;
  facilityId: string;
  treatmentCenterId: string;
}

/**
 * By default each run gets its own sites and product ids (the two product profiles, copied under
 * `bench-<run>-…` ids), so it neither competes with the seeded sites' 4 manufacturing lines and
 * 6 chairs that tests and demos use, nor feeds compressed turnaround times into the real
 * products' forecast baseline. Capacity: one line and one chair per batch in flight.
 */
async function prepareReferenceData(db: ReturnType<typeof createDatabase>['db']): Promise<Setup> {
  if (flags['reference-sites']) {
    return { products: [...PRODUCT_PROFILES], apheresisCenterId: 'city-hospital-apheresis', facilityId: 'central-cell-facility', treatmentCenterId: 'city-hospital-infusion' };
  }
  const capacity = CONCURRENCY + 10;
  const id = (what: string) => `bench-${RUN}-${what}`;
  const products = PRODUCT_PROFILES.map((p) => ({ ...p, id: id(p.id) }));
  await db.insert(productProfiles).values(products.map((p) => ({ id: p.id, name: `${p.name} (bench)`, version: p.version, profile: p })));
  await db.insert(sites).values([
    { id: id('apheresis'), kind: 'apheresis_center', name: 'Bench apheresis unit', infusionChairs: 0, manufacturingLines: 0 },
    { id: id('facility'), kind: 'manufacturing_facility', name: 'Bench facility', infusionChairs: 0, manufacturingLines: capacity },
    { id: id('infusion'), kind: 'treatment_center', name: 'Bench cell therapy unit', infusionChairs: capacity, manufacturingLines: 0 },
  ]);
  return { products, apheresisCenterId: id('apheresis'), facilityId: id('facility'), treatmentCenterId: id('infusion') };
}

interface BatchCase {
  n: number;
  input: BatchInput;
  din: string;
}

async function insertBatches(db: ReturnType<typeof createDatabase>['db'], setup: Setup): Promise<BatchCase[]> {
  const year = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
  const cases: BatchCase[] = Array.from({ length: N }, (_, n) => {
    const profile = setup.products[n % setup.products.length]!;
    return {
      n,
      din: `W1234${year}${String(n % 1_000_000).padStart(6, '0')}`,
      input: {
        batchId: randomUUID(),
        coiId: generateCoiId(randomBytes(10)),
        productId: profile.id,
        profile,
        apheresisCenterId: setup.apheresisCenterId,
        facilityId: setup.facilityId,
        treatmentCenterId: setup.treatmentCenterId,
        timeScale: TIME_SCALE,
      },
    };
  });
  for (let i = 0; i < cases.length; i += 500) {
    await db.insert(batches).values(
      cases.slice(i, i + 500).map(({ n, input }) => ({
        id: input.batchId,
        coiId: input.coiId,
        patientRef: `bench-${RUN}-${n}`,
        productId: input.productId,
        apheresisCenterId: input.apheresisCenterId,
        treatmentCenterId: input.treatmentCenterId,
        facilityId: input.facilityId,
        timeScale: TIME_SCALE,
      })),
    );
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Driving one batch: read `awaiting`, answer it, as partners and people would (no simulated delays
// except the ones the workflow imposes: the infusion date and its timer).

type BatchHandle = WorkflowHandle<typeof batchWorkflow>;

interface BatchOutcome {
  workflowId: string;
  stage?: Stage;
  error?: string;
  journeyMs: number;
  escalations: number;
  holds: number;
}

const handoffLatencies: number[] = [];
/** Every workflow id this run started, so an abort can terminate what is still open. */
const startedIds: string[] = [];
const refusals = new Map<string, number>();
const refused = (type: string) => refusals.set(type, (refusals.get(type) ?? 0) + 1);
let bookingRetries = 0;

const sameAwaiting = (a: Awaiting, b: Awaiting) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Queries until `done`. Every query is a round trip to the worker through the server, so the
 * interval grows (×1.5 up to 250 ms): a hundred drivers polling fast would load the system they measure.
 */
async function pollStatus(handle: BatchHandle, done: (s: BatchStatus) => boolean, what: string): Promise<BatchStatus> {
  let delay = 20;
  const started = Date.now();
  for (;;) {
    if (aborted) throw new PhaseTimeout('aborted');
    const status = await handle.query(statusQuery);
    if (done(status)) return status;
    if (Date.now() - started > 120_000) throw new Error(`still ${what} after 120 s (stage ${status.stage}, awaiting ${JSON.stringify(status.awaiting)})`);
    await sleep(delay);
    delay = Math.min(delay * 1.5, 250);
  }
}
const awaitingChanged = (handle: BatchHandle, before: Awaiting) =>
  pollStatus(handle, (s) => !sameAwaiting(s.awaiting, before), `awaiting ${JSON.stringify(before)}`);

const actor = (step: HandoffStep) => ({ name: 'B. Runner', role: step.includes('pickup') ? 'courier' : 'nurse' });

async function handoff(handle: BatchHandle, c: BatchCase, step: HandoffStep, before: BatchStatus): Promise<BatchStatus> {
  const sent = performance.now();
  try {
    await handle.executeUpdate(handoffUpdate, { args: [{ step, coiId: c.input.coiId, din: c.din, actor: actor(step), location: `${step} desk` }] });
  } catch (err) {
    refused(`handoff ${failureType(err)}`);
    return handle.query(statusQuery);
  }
  const status = await pollStatus(handle, (s) => s.stage !== before.stage, `waiting for the ${step} stage`);
  handoffLatencies.push(performance.now() - sent);
  return status;
}

/**
 * The margin added to the earliest infusion date. The workflow checks the window against its own
 * clock when the update's workflow task runs, which under load is seconds after the client sent
 * it: a refusal doubles this batch's margin (up to the window's end), an acceptance sets the
 * starting margin for the next batches, which decays back towards a quarter of a day.
 */
let bookingMarginMs = 0.25 * DAY;

async function book(handle: BatchHandle, c: BatchCase, awaiting: Extract<Awaiting, { kind: 'infusion-booking' }>): Promise<BatchStatus> {
  const { ld } = c.input.profile;
  let margin = bookingMarginMs;
  for (let attempt = 0; attempt < 12; attempt++) {
    const from = Math.max(Date.parse(awaiting.earliest), Date.now() + (ld.courseDays + ld.restDaysMin) * DAY);
    const at = Math.min(from + margin, Date.parse(awaiting.latest) - DAY);
    try {
      await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: new Date(at).toISOString() }] });
      bookingMarginMs = Math.max(0.25 * DAY, attempt === 0 ? margin * 0.9 : margin);
      return await awaitingChanged(handle, awaiting);
    } catch (err) {
      const type = failureType(err);
      refused(`booking ${type}`);
      if (MOVED_ON.includes(type)) return handle.query(statusQuery);
      if (type !== ERR.SLOT_TAKEN && type !== ERR.BOOKING_OUTSIDE_WINDOW) throw err;
      bookingRetries++;
      if (type === ERR.BOOKING_OUTSIDE_WINDOW) margin *= 2;
    }
  }
  throw new Error(`no infusion booking accepted after 12 attempts (margin ${fmt(margin / DAY)} days)`);
}

async function drive(client: Client, c: BatchCase): Promise<BatchOutcome> {
  const workflowId = batchWorkflowId(c.input.batchId);
  const started = performance.now();
  const outcome: BatchOutcome = { workflowId, journeyMs: 0, escalations: 0, holds: 0 };
  try {
    startedIds.push(workflowId);
    const handle = await client.workflow.start<typeof batchWorkflow>('batchWorkflow', { taskQueue: TASK_QUEUE, workflowId, args: [c.input] });
    let status = await handle.query(statusQuery);
    for (let answered = 0; status.awaiting !== null; answered++) {
      if (aborted) throw new PhaseTimeout('aborted');
      if (answered > 300) throw new Error(`not settled after 300 answers (stage ${status.stage})`);
      const awaiting = status.awaiting;
      const now = new Date().toISOString();
      switch (awaiting.kind) {
        case 'handoff':
          status = await handoff(handle, c, awaiting.step, status);
          break;
        case 'milestone':
          await handle.signal(milestoneSignal, {
            milestone: awaiting.milestone,
            at: now,
            source: 'bench partner',
            ...(awaiting.milestone === 'qc-complete' ? { data: { passed: true } } : {}),
          });
          status = await awaitingChanged(handle, awaiting);
          break;
        case 'qa-disposition':
          try {
            await handle.executeUpdate(qaDispositionUpdate, { args: [{ decision: 'release', signer: { name: 'Q. Person', role: 'qualified person' }, meaning: 'released for infusion' }] });
          } catch (err) {
            refused(`qa-disposition ${failureType(err)}`);
          }
          status = await handle.query(statusQuery);
          break;
        case 'infusion-booking':
          status = await book(handle, c, awaiting);
          break;
        case 'timer':
          await sleep(Math.max(0, Date.parse(awaiting.until) - Date.now()));
          status = await awaitingChanged(handle, awaiting);
          break;
        case 'excursion-assessment':
          try {
            await handle.executeUpdate(assessmentUpdate, {
              args: [{ excursionId: awaiting.excursionId, impact: 'none', signer: { name: 'Q. Person', role: 'QA' }, meaning: 'no impact on product' }],
            });
            status = await awaitingChanged(handle, awaiting);
          } catch (err) {
            refused(`assessment ${failureType(err)}`);
            status = await handle.query(statusQuery);
          }
          break;
      }
    }
    const result = await handle.result();
    outcome.stage = result.stage;
    outcome.escalations = result.timeline.filter((e) => e.event === 'escalation').length;
    outcome.holds = result.timeline.filter((e) => e.stage === 'ON_HOLD').length;
  } catch (err) {
    outcome.error = describeError(err);
  }
  outcome.journeyMs = performance.now() - started;
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseFigures {
  completed: number;
  failed: number;
  wallMs: number;
  workflowTasks: number;
  childWorkflowTasks: number;
  workflowTaskProblems: number;
  eventsPerWorkflow: number[];
  /** Events of the workflows and their children: what the server persisted. */
  totalEvents: number;
  tasksPerWorkflow: number[];
  activitiesPerWorkflow: number[];
  children: number;
  worker: Awaited<ReturnType<typeof stopWorker>>;
  warnLines: number;
  cpu: CpuMark;
}

async function countAll(client: Client, ids: string[]): Promise<Omit<PhaseFigures, 'completed' | 'failed' | 'wallMs' | 'worker' | 'warnLines' | 'cpu'>> {
  const counts = await pool(ids.length, 16, (i) => countHistory(client, ids[i]!));
  const childIds = counts.flatMap((c) => c.children);
  const childCounts = await pool(childIds.length, 16, (i) => countHistory(client, childIds[i]!));
  return {
    workflowTasks: counts.reduce((a, c) => a + c.workflowTasks, 0),
    childWorkflowTasks: childCounts.reduce((a, c) => a + c.workflowTasks, 0),
    workflowTaskProblems: [...counts, ...childCounts].reduce((a, c) => a + c.workflowTaskProblems, 0),
    eventsPerWorkflow: counts.map((c) => c.events),
    totalEvents: [...counts, ...childCounts].reduce((a, c) => a + c.events, 0),
    tasksPerWorkflow: counts.map((c) => c.workflowTasks),
    activitiesPerWorkflow: counts.map((c) => c.activities),
    children: childIds.length,
  };
}

async function batchPhase(client: Client, connection: Connection, db: ReturnType<typeof createDatabase>['db']) {
  const setup = await prepareReferenceData(db);
  const cases = await insertBatches(db, setup);
  log(`${cases.length} batch rows inserted (run ${RUN}); starting the V2V worker`);
  const worker = await startWorker('v2v worker', [path.join(repoRoot, 'bin/v2v.js'), 'worker'], childEnv({ V2V_TIME_SCALE: String(TIME_SCALE) }), TASK_QUEUE, connection);
  const cpuAtStart = cpuMark(worker.pid);
  const started = performance.now();
  let done = 0;
  const progress = setInterval(() => log(`batches: ${done}/${N} settled, ${handoffLatencies.length} hand-offs`), 15_000);
  const outcomes = await bounded(
    'the batch phase',
    pool(cases.length, CONCURRENCY, async (i) => {
      const o = await drive(client, cases[i]!);
      done++;
      if (o.error && !aborted) log(`batch ${i} (${o.workflowId}): ${o.error}`);
      return o;
    }),
  ).finally(() => clearInterval(progress));
  const wallMs = performance.now() - started;
  const cpu = cpuSince(cpuAtStart, cpuMark(worker.pid));
  const stopped = await stopWorker(worker);
  running.splice(running.indexOf(worker), 1);
  log(`batch phase done in ${(wallMs / 1000).toFixed(1)} s; fetching ${outcomes.length} histories and their shipment legs`);
  const completedIds = outcomes.filter((o) => o.stage === 'COMPLETED').map((o) => o.workflowId);
  const abandoned = outcomes.filter((o) => o.error).map((o) => o.workflowId);
  if (abandoned.length) await terminate(client, abandoned, 'abandoned by the bench driver');
  const counts = await countAll(client, outcomes.map((o) => o.workflowId));
  const figures: PhaseFigures = {
    completed: completedIds.length,
    failed: outcomes.length - completedIds.length,
    wallMs,
    ...counts,
    worker: stopped,
    warnLines: worker.warnLines,
    cpu,
  };
  return { figures, outcomes, setup, pid: worker.pid, workerTail: worker.output.slice(-3) };
}

async function baselinePhase(client: Client, connection: Connection) {
  const worker = await startWorker('trivial worker', ['--import', 'tsx', path.join(repoRoot, 'bench/trivial-worker.ts')], childEnv({}), TRIVIAL_TASK_QUEUE, connection);
  const ids = Array.from({ length: N }, (_, i) => `bench-trivial-${RUN}-${i}`);
  const cpuAtStart = cpuMark(worker.pid);
  const started = performance.now();
  const results = await bounded(
    'the baseline phase',
    pool(N, CONCURRENCY, (i) =>
      (startedIds.push(ids[i]!), client.workflow.execute('trivialWorkflow', { taskQueue: TRIVIAL_TASK_QUEUE, workflowId: ids[i]! }).then(
        () => true,
        (err: unknown) => {
          log(`trivial ${i}: ${err instanceof Error ? err.message : err}`);
          return false;
        },
      )),
    ),
  );
  const wallMs = performance.now() - started;
  const cpu = cpuSince(cpuAtStart, cpuMark(worker.pid));
  const stopped = await stopWorker(worker);
  running.splice(running.indexOf(worker), 1);
  log(`baseline phase done in ${(wallMs / 1000).toFixed(1)} s; fetching histories`);
  const counts = await countAll(client, ids);
  const completed = results.filter(Boolean).length;
  const figures: PhaseFigures = { completed, failed: N - completed, wallMs, ...counts, worker: stopped, warnLines: worker.warnLines, cpu };
  return { figures, pid: worker.pid };
}

// ---------------------------------------------------------------------------------------------
// Main

const cpuLine = (f: PhaseFigures) => {
  const capacity = (os.cpus().length * f.wallMs) / 1000;
  const part = (name: string, v: number) => `${name} ${fmt(v)} (${fmt((100 * v) / capacity, 0)}%)`;
  const ours = f.cpu.worker + f.cpu.temporal + f.cpu.postgres + f.cpu.client;
  return [
    part('worker', f.cpu.worker),
    part('Temporal server', f.cpu.temporal),
    part('PostgreSQL', f.cpu.postgres),
    part('bench client', f.cpu.client),
    part('everything else', f.cpu.machine - ours),
  ].join(', ') + ` of ${fmt(capacity, 0)} available`;
};

async function main() {
  const benchStarted = Date.now();
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: NAMESPACE });
  clientForSignals = client;
  const { db, pool: pgPool } = createDatabase(DATABASE_URL, { max: 4 });
  const lines: string[] = [];
  const out = (s = '') => lines.push(s);
  try {
    const registered = await ensureNamespace(connection);
    log(`namespace ${NAMESPACE}${registered ? ' registered' : ''}; ${N} batches, concurrency ${CONCURRENCY}, time scale ${TIME_SCALE}`);

    const baseline = flags['skip-baseline'] ? undefined : await baselinePhase(client, connection);
    const batch = await batchPhase(client, connection, db);

    const b = batch.figures;
    const bTasks = b.workflowTasks + b.childWorkflowTasks;
    const bRate = bTasks / (b.wallMs / 1000);
    const lat = sortNum(handoffLatencies);
    const journeys = sortNum(batch.outcomes.filter((o) => o.stage === 'COMPLETED').map((o) => o.journeyMs / 1000));
    const errors = new Map<string, number>();
    for (const o of batch.outcomes) if (o.error) errors.set(o.error.slice(0, 160), (errors.get(o.error.slice(0, 160)) ?? 0) + 1);

    out('V2V workflow benchmark');
    out(`command: ${COMMAND}`);
    out(`machine: ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; Temporal dev server ${TEMPORAL_ADDRESS}, namespace ${NAMESPACE}`);
    out(`parameters: ${N} batches, concurrency ${CONCURRENCY}, time scale ${TIME_SCALE} (a day lasts ${fmt(DAY / 1000, 3)} s), phase timeout ${flags['phase-timeout-min']} min`);
    out(`sites: ${flags['reference-sites'] ? 'the seeded reference sites and products' : `bench-${RUN}-* (facility lines and chairs: ${CONCURRENCY + 10}), products ${batch.setup.products.map((p) => p.id).join(', ')}`}`);
    out();
    out('Batch journey (batchWorkflow + its shipment child workflows; worker: node bin/v2v.js worker)');
    out(`  batches completed: ${b.completed} of ${N}${b.failed ? ` (${b.failed} did not complete)` : ''}`);
    out(`  phase wall time: ${fmt(b.wallMs / 1000)} s`);
    out(`  workflow tasks completed: ${bTasks} (batch ${b.workflowTasks}, shipment legs ${b.childWorkflowTasks} in ${b.children} child workflows)`);
    out(`  workflow tasks per second: ${fmt(bRate)}`);
    out(`  batches completed per second: ${fmt(b.completed / (b.wallMs / 1000), 2)}`);
    out(`  history events per second (batches and legs): ${fmt(b.totalEvents / (b.wallMs / 1000))}`);
    out(`  hand-off latency p50 (update sent -> new stage in the status query): ${fmt(percentile(lat, 50), 0)} ms`);
    out(`  hand-off latency p99: ${fmt(percentile(lat, 99), 0)} ms (max ${fmt(lat[lat.length - 1] ?? NaN, 0)} ms, ${lat.length} hand-offs)`);
    out(`  history events per batch: ${minMedMax(b.eventsPerWorkflow)}`);
    out(`  workflow tasks per batch: ${minMedMax(b.tasksPerWorkflow)}`);
    out(`  activities per batch: ${minMedMax(b.activitiesPerWorkflow)}`);
    out(`  journey wall time per batch: p50 ${fmt(percentile(journeys, 50))} s / p99 ${fmt(percentile(journeys, 99))} s`);
    out(`  worker peak RSS (VmHWM, pid ${batch.pid}): ${mib(b.worker.hwmKb)}`);
    out(`  worker peak RSS sampled during the phase: ${mib(b.worker.peakSampledKb)} (at the end ${mib(b.worker.rssKb)})`);
    out(`  workflow task failures or timeouts: ${b.workflowTaskProblems}`);
    out(`  escalations: ${batch.outcomes.reduce((a, o) => a + o.escalations, 0)}; holds: ${batch.outcomes.reduce((a, o) => a + o.holds, 0)}; booking retries: ${bookingRetries}`);
    out(`  refused commands: ${refusals.size ? [...refusals].map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}`);
    out(`  CPU seconds in the phase: ${cpuLine(b)}`);
    out(`  worker log lines (LOG_LEVEL=warn): ${b.warnLines}`);
    for (const line of batch.workerTail.slice(-3)) out(`    ${line.slice(0, 300)}`);
    for (const [e, count] of errors) out(`  error ×${count}: ${e}`);

    if (baseline) {
      const t = baseline.figures;
      const tTasks = t.workflowTasks;
      const tRate = tTasks / (t.wallMs / 1000);
      out();
      out('Baseline (trivialWorkflow: one no-op activity; worker: bench/trivial-worker.ts)');
      out(`  workflows completed: ${t.completed} of ${N}`);
      out(`  phase wall time: ${fmt(t.wallMs / 1000)} s`);
      out(`  workflow tasks completed: ${tTasks}`);
      out(`  workflow tasks per second: ${fmt(tRate)}`);
      out(`  workflows completed per second: ${fmt(t.completed / (t.wallMs / 1000), 2)}`);
      out(`  history events per second: ${fmt(t.totalEvents / (t.wallMs / 1000))}`);
      out(`  history events per workflow: ${minMedMax(t.eventsPerWorkflow)}`);
      out(`  worker peak RSS (VmHWM, pid ${baseline.pid}): ${mib(t.worker.hwmKb)}`);
      out(`  worker peak RSS sampled during the phase: ${mib(t.worker.peakSampledKb)} (at the end ${mib(t.worker.rssKb)})`);
      out(`  workflow task failures or timeouts: ${t.workflowTaskProblems}`);
      out(`  CPU seconds in the phase: ${cpuLine(t)}`);
      out();
      out('Ratios (batch journey / baseline)');
      out(`  workflow tasks per second: ${fmt(bRate / tRate, 2)}`);
      out(`  history events per second: ${fmt(b.totalEvents / b.wallMs / (t.totalEvents / t.wallMs), 2)}`);
      out(`  worker peak RSS (VmHWM): ${b.worker.hwmKb && t.worker.hwmKb ? fmt(b.worker.hwmKb / t.worker.hwmKb, 2) : 'n/a'}`);
      out(`  worker peak RSS sampled during the phase: ${t.worker.peakSampledKb ? fmt(b.worker.peakSampledKb / t.worker.peakSampledKb, 2) : 'n/a'}`);
      out(`  history events per workflow (medians): ${fmt(percentile(sortNum(b.eventsPerWorkflow), 50) / percentile(sortNum(t.eventsPerWorkflow), 50), 1)}`);
    }
    out();
    out(`total bench time: ${fmt((Date.now() - benchStarted) / 1000)} s`);
    console.log(lines.join('\n'));
    if (b.failed > 0) process.exitCode = 1;
  } catch (err) {
    aborted = true;
    if (lines.length) console.log(lines.join('\n'));
    if (err instanceof PhaseTimeout) {
      console.error(`ABORTED: ${err.message} (handoffs measured so far: ${handoffLatencies.length})`);
    } else {
      console.error(err);
    }
    for (const w of running) console.error(`last lines of ${w.name}:\n${w.output.slice(-20).join('\n')}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
    if (aborted) await terminateOpen(client);
    await connection.close();
    await pgPool.end();
  }
}

/** Terminates the given workflows if still open (their shipment legs close with them); returns how many were. */
async function terminate(client: Client, ids: readonly string[], reason: string): Promise<number> {
  let n = 0;
  await pool(ids.length, 16, async (i) => {
    if (await client.workflow.getHandle(ids[i]!).terminate(reason).then(() => true, () => false)) n++;
  });
  return n;
}

/** After an abort, none of the workflows this run started is left open. */
async function terminateOpen(client: Client) {
  const n = await terminate(client, startedIds, 'bench aborted');
  console.error(`terminated ${n} open workflows in namespace ${NAMESPACE}`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (aborted) return;
    aborted = true;
    log(`${signal}: stopping the workers and terminating this run's open workflows`);
    void stopAll()
      .then(() => (clientForSignals ? terminateOpen(clientForSignals) : undefined))
      .finally(() => process.exit(130));
  });
}

await main();
// Pending drivers of an aborted phase must not keep the process alive.
process.exit(process.exitCode ?? 0);
