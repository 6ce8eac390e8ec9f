import { rmSync } from 'node:fs';
import { loadConfig, type Config } from '../../src/config.js';
import { daemonPid, isAlive, stopDaemon } from '../../src/stack/daemon.js';
import { brokerName } from '../../src/stack/kafka-cluster.js';
import { productionPorts } from '../../src/stack/production-ports.js';
import type { StackContext } from '../../src/stack/service.js';
import { readStackEnv, stackContext, stackDown, stackUp } from '../../src/stack/stack.js';
import { runningTopology } from '../../src/stack/topology.js';
import { pollUntil } from '../../src/poll-until.js';

/**
 * The production topology the reliability run owns: its own directory and ports, so it runs beside
 * a developer's (or CI's) dev stack on the default ports without touching it.
 */
export const RELIABILITY_DEFAULTS = {
  V2V_STACK_DIR: '.stack-reliability',
  V2V_PG_PORT: '54359',
  V2V_KAFKA_PORT: '19392',
  V2V_KAFKA_CONTROLLER_PORT: '19393',
  V2V_TEMPORAL_PORT: '17533',
  V2V_TEMPORAL_UI_PORT: '18533',
  V2V_API_PORT: '3300',
  V2V_INGEST_PORT: '3310',
} as const;

/** Batches at 86400× (a day a second), sensors at 600×, the calendar starting now: slot chains are planned. */
export const RELIABILITY_CLOCK = { timeScale: 86_400, sensorTimeScale: 600 };

export interface ReliabilityStack {
  ctx: StackContext;
  /** The stack's exports, read back as a Config: what V2V's processes run with. */
  config: Config;
  /** When the last kill, pause or stop was done: a fault's window starts there, so what was sent as it struck is charged to it. */
  struckAt: number | undefined;
  /** The processes' names in `.stack/run` (worker-1 → `v2v-worker-1`, kafka-2, postgres, temporal-server). */
  pid(name: string): number | undefined;
  /** SIGKILL a daemon's whole process group and wait until it is gone. */
  kill(name: string): Promise<void>;
  /** SIGSTOP / SIGCONT a daemon's process group. */
  pause(name: string): void;
  resume(name: string): void;
  /** A clean stop (PostgreSQL's fast shutdown, the Temporal server's SIGTERM). */
  stop(name: 'postgres' | 'temporal'): Promise<void>;
  /** `stack up` again: whatever is not running starts, as a supervisor would restart it. */
  restore(): Promise<void>;
  down(): Promise<void>;
}

/** Addresses of services a stack would not own: the reliability run kills and restarts its own, never these. */
const GIVEN_SERVICES = ['DATABASE_URL', 'DATABASE_OWNER_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'API_URL'];

/**
 * The run's settings: its defaults, under V2V_* settings from the environment (a second run can take
 * other ports), without any service address the environment names. Its directory is
 * `.stack-reliability` or V2V_RELIABILITY_STACK_DIR, and it is wiped at the start of every run.
 */
export function reliabilitySettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  // Never V2V_STACK_DIR: the run deletes its directory first, and a shell's may be the developer's own stack.
  const fromEnv = Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[0].startsWith('V2V_') && e[0] !== 'V2V_STACK_DIR' && !GIVEN_SERVICES.includes(e[0]));
  return {
    ...RELIABILITY_DEFAULTS,
    ...(env.V2V_RELIABILITY_STACK_DIR ? { V2V_STACK_DIR: env.V2V_RELIABILITY_STACK_DIR } : {}),
    V2V_CLOCK_ORIGIN: new Date().toISOString(),
    V2V_TIME_SCALE: String(RELIABILITY_CLOCK.timeScale),
    V2V_SENSOR_TIME_SCALE: String(RELIABILITY_CLOCK.sensorTimeScale),
    ...Object.fromEntries(fromEnv),
    V2V_TOPOLOGY: 'production',
  };
}

export async function startReliabilityStack(settings: Record<string, string>, progress: (line: string) => void): Promise<ReliabilityStack> {
  const config = loadConfig(settings);
  const ctx = stackContext(config, progress);
  if (runningTopology(ctx.paths)) await stackDown(ctx);
  // A fresh stack each run: the last run's batches would still be running in its Temporal and
  // count against this one. The binaries come back from the user's caches in seconds.
  rmSync(ctx.paths.root, { recursive: true, force: true });
  // The daemons inherit this process's environment: the run's settings must be theirs too (the stack
  // directory holds the key set their tokens are checked against), the addresses must not.
  for (const name of GIVEN_SERVICES) delete process.env[name];
  Object.assign(process.env, settings);
  await stackUp(ctx);
  const exported = readStackEnv(ctx);
  if (!exported) throw new Error(`stack up wrote no ${ctx.paths.envFile}`);
  const pid = (name: string) => daemonPid(ctx.paths, name);
  const mustPid = (name: string) => {
    const found = pid(name);
    if (found === undefined) throw new Error(`${name} is not running in ${ctx.paths.root}`);
    return found;
  };
  const stack: ReliabilityStack = {
    ctx,
    config: loadConfig({ ...settings, ...exported }),
    struckAt: undefined,
    pid,
    async kill(name) {
      const target = mustPid(name);
      stack.struckAt = Date.now();
      process.kill(-target, 'SIGKILL');
      await pollUntil(`${name} to die`, async () => !isAlive(target), { timeoutMs: 10_000 });
    },
    pause: (name) => {
      stack.struckAt = Date.now();
      process.kill(-mustPid(name), 'SIGSTOP');
    },
    resume: (name) => process.kill(-mustPid(name), 'SIGCONT'),
    async stop(name) {
      stack.struckAt = Date.now();
      if (name === 'postgres') await stopDaemon(ctx.paths, 'postgres', 'SIGINT');
      else await stopDaemon(ctx.paths, 'temporal-server');
    },
    restore: async () => void (await stackUp(ctx)),
    down: () => stackDown(ctx),
  };
  return stack;
}

/** The daemon names of the parts a fault picks from. */
export const daemons = {
  worker: (n: number) => `v2v-worker-${n}`,
  ingest: (n: number) => `v2v-ingest-${n}`,
  api: (n: number) => `v2v-api-${n}`,
  broker: (n: number) => brokerName({ id: n }),
};

export const apiPorts = (config: Config) => productionPorts(config).api;
