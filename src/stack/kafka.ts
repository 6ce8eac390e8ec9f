import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, startDaemon, stopDaemon } from './daemon.js';
import { repoRoot } from './paths.js';
import type { StackPaths } from './paths.js';
import { assertPortFree } from './ports.js';
import type { ServiceStatus, StackContext, StackService } from './service.js';

/**
 * Kafka: KAFKA_BROKERS if given, else a single-node KRaft broker (broker and controller in one JVM)
 * whose jars Maven fetches once from stack/kafka/pom.xml and which runs on the machine's Java.
 */
const NAME = 'kafka';
const NO_JAVA =
  'Kafka needs Java 17+ and Maven on the PATH: install them (e.g. apt-get install openjdk-17-jre-headless maven) or set KAFKA_BROKERS.';

const pom = path.join(repoRoot, 'stack', 'kafka', 'pom.xml');
const log4jConfig = path.join(repoRoot, 'stack', 'kafka', 'log4j2.properties');

const dirs = (paths: StackPaths) => {
  const home = path.join(paths.root, 'kafka');
  return { lib: path.join(home, 'lib'), data: path.join(home, 'data'), properties: path.join(home, 'server.properties') };
};

export const localBrokers = (ctx: Pick<StackContext, 'config'>) => `127.0.0.1:${ctx.config.V2V_KAFKA_PORT}`;

/**
 * One metadata round trip proves the broker accepts clients. With `groups`, also waits for the group
 * coordinator: a fresh broker answers metadata seconds before it can serve consumer groups, and the
 * first consumer would otherwise crash and restart with "coordinator is loading".
 */
async function answers(brokers: string, timeoutMs = 2_000, groups = false) {
  const client = new Kafka({
    clientId: 'v2v-stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    if (groups) await admin.describeGroups(['v2v-stack-probe']);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function javaMajor(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const match = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  return match ? Number(match[1]) : undefined;
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // Maven's download lines go to our stderr so a slow or failed fetch explains itself.
    const child = spawn(command, args, { stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Fetches the jars once; the marker holds the pom they came from, so a new version refetches. */
async function ensureJars(ctx: StackContext, lib: string) {
  const wanted = readFileSync(pom, 'utf8');
  const marker = path.join(lib, '.fetched');
  const hasJars = existsSync(lib) && readdirSync(lib).some((f) => f.endsWith('.jar'));
  if (hasJars && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_JAVA);
  // Jars of two versions on one classpath would mix classes, so start from an empty directory.
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  ctx.progress('Kafka: fetching the broker jars with Maven (about 45 MB, once)…');
  const code = await run('mvn', ['-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`]);
  if (code !== 0) throw new Error(`Maven could not fetch Kafka's jars (exit ${code}); its output is above.`);
  writeFileSync(marker, wanted);
  ctx.progress(`Kafka: jars installed in ${lib}`);
}

/** Rewritten on every start so changed ports take effect; the data directory is what persists. */
function writeProperties(ctx: StackContext, file: string, data: string) {
  const { V2V_KAFKA_PORT: port, V2V_KAFKA_CONTROLLER_PORT: controller } = ctx.config;
  const settings: Record<string, string | number> = {
    'node.id': 1,
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    // A static voter list rather than a --standalone dynamic quorum: the latter records the
    // controller's address in the metadata log, which would pin V2V_KAFKA_CONTROLLER_PORT forever.
    'controller.quorum.voters': `1@127.0.0.1:${controller}`,
    'log.dirs': data,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Consumers in tests join one at a time; the default 3 s delay would slow every first poll.
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
  };
  const text = Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join('');
  writeFileSync(file, `# Written by v2v stack up; edits are overwritten.\n${text}`);
}

/**
 * A cluster id is 16 random bytes in base64url. One in 64 begins with '-', which the storage tool's
 * argument parser reads as an option ("--cluster-id: expected one argument"): draw again, as Kafka's
 * own id generator does.
 */
export function kafkaClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** KRaft refuses to start on an unformatted directory; formatting writes the cluster id into it once. */
function formatStorage(ctx: StackContext, lib: string, properties: string, data: string) {
  if (existsSync(path.join(data, 'meta.properties'))) return;
  ctx.progress('Kafka: formatting storage in .stack/kafka/data');
  mkdirSync(data, { recursive: true });
  const clusterId = kafkaClusterId();
  const out = spawnSync(
    'java',
    [...jvmLogging(), '-cp', path.join(lib, '*'), 'kafka.tools.StorageTool', 'format', '--config', properties, '--cluster-id', clusterId, '--ignore-formatted'],
    { encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`Kafka could not format ${data}: ${(out.stderr || out.stdout || String(out.error)).trim()}`);
}

// log4j's own shutdown hook would close the appender while Kafka is still logging its shutdown.
const jvmLogging = () => [`-Dlog4j2.configurationFile=${log4jConfig}`, '-Dlog4j2.shutdownHookEnabled=false'];

export const kafka: StackService = {
  name: NAME,

  async up(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      await pollUntil('Kafka at KAFKA_BROKERS to answer', () => answers(given).then(() => true), serviceWait(10_000));
      return { status: { service: NAME, address: given, state: 'up', source: 'env' }, env: { KAFKA_BROKERS: given } };
    }
    const { lib, data, properties } = dirs(ctx.paths);
    if (daemonPid(ctx.paths, NAME) === undefined) {
      await assertPortFree(ctx.config.V2V_KAFKA_PORT, 'Kafka', 'V2V_KAFKA_PORT');
      await assertPortFree(ctx.config.V2V_KAFKA_CONTROLLER_PORT, 'the Kafka controller', 'V2V_KAFKA_CONTROLLER_PORT');
      const major = javaMajor();
      if (major === undefined || major < 17) throw new Error(NO_JAVA);
      await ensureJars(ctx, lib);
      writeProperties(ctx, properties, data);
      formatStorage(ctx, lib, properties, data);
      startDaemon(ctx.paths, {
        name: NAME,
        command: 'java',
        args: [
          '-Xms256m', '-Xmx512m',
          '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          ...jvmLogging(),
          '-cp', path.join(lib, '*'),
          'kafka.Kafka', properties,
        ],
      });
    }
    const brokers = localBrokers(ctx);
    const log = logFile(ctx.paths, NAME);
    let exited = false;
    const probe = async () => {
      // A broker that died on a bad config or a locked data directory will never answer: say so now.
      if (daemonPid(ctx.paths, NAME) === undefined) exited = true;
      else await answers(brokers, 2_000, true);
      return true;
    };
    await pollUntil('Kafka to answer', probe, serviceWait(90_000, log));
    if (exited) throw new Error(`Kafka stopped during start-up; see ${log}`);
    return { status: { service: NAME, address: brokers, state: 'up', source: 'local' }, env: { KAFKA_BROKERS: brokers } };
  },

  async status(ctx): Promise<ServiceStatus> {
    const brokers = ctx.config.KAFKA_BROKERS ?? localBrokers(ctx);
    const state = await answers(brokers).then(() => 'up' as const, () => 'down' as const);
    return { service: NAME, address: brokers, state, source: ctx.config.KAFKA_BROKERS ? 'env' : 'local' };
  },

  async down(ctx) {
    // SIGTERM lets the broker flush and close its logs cleanly, so the next start skips recovery.
    await stopDaemon(ctx.paths, NAME);
  },
};
