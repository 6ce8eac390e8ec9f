import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TASK_QUEUE } from '../../workflows/messages.js';
import { pollUntil } from '../poll-until.js';
import type { TemporalTransport } from '../transport.js';
import { daemonPid, logFile, serviceWait, startDaemon, stopDaemon } from './daemon.js';
import { repoRoot } from './paths.js';
import { assertPortFree } from './ports.js';
import { productionPorts, REPLICAS } from './production-ports.js';
import type { ServiceStatus, StackContext, StackPart } from './service.js';
import { stackTemporalTransport, withConnection } from './temporal-server.js';

/**
 * V2V's own processes in the production topology: two workers, two ingest consumers and two APIs,
 * each a `v2v <command>` daemon with the stack's exports. They are stateless, so two of each stand
 * for any number: the workers share the task queue, the consumers the group's partitions, and the
 * APIs sit behind whatever balances them (here: two ports).
 */
type Command = 'worker' | 'ingest' | 'api';

interface V2vProcess {
  /** The status row, e.g. api-2; the daemon is `v2v-api-2`. */
  name: string;
  command: Command;
  /** The API's port, or the ingest process's operations port (0: any free one); none for a worker. */
  port?: { variable: 'V2V_API_PORT' | 'V2V_INGEST_PORT'; value: number };
}

const V2V_BIN = path.join(repoRoot, 'bin', 'v2v.js');
const daemonName = (p: V2vProcess) => `v2v-${p.name}`;

export function v2vProcesses(ctx: Pick<StackContext, 'config'>): V2vProcess[] {
  const ports = productionPorts(ctx.config);
  const replicas = Array.from({ length: REPLICAS }, (_, n) => n);
  return [
    ...replicas.map((n): V2vProcess => ({ name: `worker-${n + 1}`, command: 'worker' })),
    ...replicas.map((n): V2vProcess => ({ name: `ingest-${n + 1}`, command: 'ingest', port: { variable: 'V2V_INGEST_PORT', value: ports.ingest[n]! } })),
    ...replicas.map((n): V2vProcess => ({ name: `api-${n + 1}`, command: 'api', port: { variable: 'V2V_API_PORT', value: ports.api[n]! } })),
  ];
}

/** The API's and ingest's /readyz; 503 while PostgreSQL, Temporal or the consumer group is missing. */
async function ready(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}

/** A worker is up when its pid polls the task queue (the SDK's identity is `<pid>@<host>`). */
async function polling(transport: TemporalTransport, namespace: string, pid: number): Promise<boolean> {
  const { pollers } = await withConnection(transport, 2_000, (c) => c.workflowService.describeTaskQueue({ namespace, taskQueue: { name: TASK_QUEUE } }));
  return (pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
}

async function check(ctx: StackContext, p: V2vProcess): Promise<ServiceStatus> {
  const pid = daemonPid(ctx.paths, daemonName(p));
  const address = p.port && p.port.value !== 0 ? `127.0.0.1:${p.port.value}` : `pid ${pid ?? '-'}`;
  const row = (up: boolean): ServiceStatus => ({ service: p.name, address, state: up ? 'up' : 'down', source: 'local' });
  if (pid === undefined) return row(false);
  if (p.command === 'worker') {
    const up = await polling(stackTemporalTransport(ctx), ctx.config.TEMPORAL_NAMESPACE, pid).catch(() => false);
    return { ...row(up), address: `pid ${pid}, task queue ${TASK_QUEUE}` };
  }
  return row(p.port!.value === 0 ? true : await ready(p.port!.value).catch(() => false));
}

/**
 * The secret the gateways' signing keys are derived from, drawn at the first `stack up` and kept
 * (mode 0600), so keys issued with `v2v gateway issue` stay valid across restarts. The environment's wins.
 */
function gatewayKeySecret(ctx: StackContext): string {
  if (ctx.config.V2V_GATEWAY_KEY_SECRET) return ctx.config.V2V_GATEWAY_KEY_SECRET;
  const file = path.join(ctx.paths.root, 'gateway-key-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/**
 * Workers load one bundle of the workflows, made here from the code as it is now, as a deployment
 * ships them, rather than each worker spending seconds of CPU bundling the same code at every start
 * (3.5 s for `bundleWorkflowCode` on an idle 2-core machine). A bundle the environment names is used as given.
 */
async function workflowBundleFor(ctx: StackContext, starting: V2vProcess[]): Promise<{ V2V_WORKFLOW_BUNDLE?: string }> {
  if (ctx.config.V2V_WORKFLOW_BUNDLE || !starting.some((p) => p.command === 'worker')) return {};
  // Imported here: webpack and the Temporal worker are not needed to start or stop the other services.
  const { writeWorkflowBundle } = await import('../worker/workflow-bundle.js');
  const file = await writeWorkflowBundle(path.join(ctx.paths.root, 'workflow-bundle.js'));
  ctx.progress(`V2V: workflows bundled into ${path.relative(process.cwd(), file)}`);
  return { V2V_WORKFLOW_BUNDLE: file };
}

/** The stack's exports for the processes, without the owner's URL: they run as the least-privileged login. */
function processEnv(ctx: StackContext, before: Record<string, string>, p: V2vProcess): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...before, ...(p.port ? { [p.port.variable]: String(p.port.value) } : {}) };
  const sensors = ctx.config.V2V_SENSOR_TIME_SCALE;
  if (p.command === 'ingest' && sensors !== undefined) env.V2V_TIME_SCALE = String(sensors);
  delete env.DATABASE_OWNER_URL;
  return env;
}

export const v2vProcessesPart: StackPart = {
  name: 'v2v',

  async up(ctx, before) {
    const owner = before.DATABASE_OWNER_URL ?? before.DATABASE_URL;
    if (!owner) throw new Error('V2V\'s processes need PostgreSQL: it was not started before them.');
    // Imported here: drizzle and the migrations are not needed to start or stop the other services.
    const { prepareDatabase } = await import('../db/prepare.js');
    await prepareDatabase(owner);
    const processes = v2vProcesses(ctx);
    const stopped = processes.filter((p) => daemonPid(ctx.paths, daemonName(p)) === undefined);
    // The production topology always checks who sent a reading (src/ingest/gateway-signature.ts).
    const env = { V2V_GATEWAY_KEY_SECRET: gatewayKeySecret(ctx), ...(await workflowBundleFor(ctx, stopped)) };
    for (const p of stopped) {
      if (p.port && p.port.value !== 0) await assertPortFree(p.port.value, p.name, `${p.port.variable} (the second process takes it + 2)`);
      startDaemon(ctx.paths, { name: daemonName(p), command: process.execPath, args: [V2V_BIN, p.command], cwd: repoRoot, env: processEnv(ctx, { ...before, ...env }, p) });
    }
    if (stopped.length > 0) ctx.progress(`V2V: ${stopped.map((p) => p.name).join(', ')} starting`);
    const rows = await Promise.all(
      processes.map(async (p) => {
        const log = logFile(ctx.paths, daemonName(p));
        const probe = async () => {
          if (daemonPid(ctx.paths, daemonName(p)) === undefined) throw new Error(`${p.name} exited; see ${log}`);
          const row = await check(ctx, p);
          return row.state === 'up' ? row : undefined;
        };
        // Two workers bundling their workflows at once on a small machine take a while.
        return pollUntil(`V2V ${p.name} to be ready`, probe, { ...serviceWait(240_000, log), retryErrors: false });
      }),
    );
    return { rows, env };
  },

  async status(ctx) {
    return Promise.all(v2vProcesses(ctx).map((p) => check(ctx, p)));
  },

  async down(ctx) {
    // SIGTERM drains: a worker finishes its activities, ingest commits what it stored, the API its requests.
    await Promise.all(v2vProcesses(ctx).map((p) => stopDaemon(ctx.paths, daemonName(p))));
  },
};
