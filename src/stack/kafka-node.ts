import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startDaemon } from './daemon.js';
import { repoRoot } from './paths.js';
import type { StackPaths } from './paths.js';
import type { KafkaTransport } from '../transport.js';
import type { StackContext } from './service.js';
import { runVisibly } from './visible-command.js';

/**
 * One Kafka node in KRaft mode (broker and controller in one JVM) as both topologies run it: jars
 * Maven fetches once from stack/kafka/pom.xml, a properties file, formatted storage, a daemon.
 */
export const NO_JAVA =
  'Kafka needs Java 17+ and Maven on the PATH: install them (e.g. apt-get install openjdk-17-jre-headless maven) or set KAFKA_BROKERS.';

const pom = path.join(repoRoot, 'stack', 'kafka', 'pom.xml');
const log4jConfig = path.join(repoRoot, 'stack', 'kafka', 'log4j2.properties');

/** The jars are shared by every node of either topology. */
export const kafkaLib = (paths: StackPaths) => path.join(paths.root, 'kafka', 'lib');

/** A client for the stack's own work (probes, users, ACLs): quiet, and quick to give up. */
export function stackKafkaClient(brokers: string, transport: KafkaTransport = {}, timeoutMs = 2_000): Kafka {
  return new Kafka({
    clientId: 'v2v-stack-probe',
    brokers: brokers.split(','),
    ...transport,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
}

/**
 * One metadata round trip proves the broker accepts clients. With `groups`, also waits for the group
 * coordinator: a fresh broker answers metadata seconds before it can serve consumer groups, and the
 * first consumer would otherwise crash and restart with "coordinator is loading".
 */
export async function answers(brokers: string, options: { transport?: KafkaTransport; timeoutMs?: number; groups?: boolean } = {}) {
  const admin = stackKafkaClient(brokers, options.transport, options.timeoutMs).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    if (options.groups) await admin.describeGroups(['v2v-stack-probe']);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Throws NO_JAVA unless the machine has Java 17 or later. */
export function requireJava() {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const match = out.error || out.status !== 0 ? null : /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  if (!match || Number(match[1]) < 17) throw new Error(NO_JAVA);
}

/** Fetches the jars once; the marker holds the pom they came from, so a new version refetches. */
export async function ensureJars(ctx: StackContext) {
  const lib = kafkaLib(ctx.paths);
  const wanted = readFileSync(pom, 'utf8');
  const marker = path.join(lib, '.fetched');
  const hasJars = existsSync(lib) && readdirSync(lib).some((f) => f.endsWith('.jar'));
  if (hasJars && existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_JAVA);
  // Jars of two versions on one classpath would mix classes, so start from an empty directory.
  rmSync(lib, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  ctx.progress('Kafka: fetching the broker jars with Maven (about 45 MB, once)…');
  // Maven's download lines go to our stderr so a slow or failed fetch explains itself.
  const code = await runVisibly('mvn', ['-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`]);
  if (code !== 0) throw new Error(`Maven could not fetch Kafka's jars (exit ${code}); its output is above.`);
  writeFileSync(marker, wanted);
  ctx.progress(`Kafka: jars installed in ${lib}`);
}

/**
 * Rewritten on every start so changed ports take effect; the data directory is what persists.
 * Readable by its owner only: a secured broker's file holds the password it logs in to the others with.
 */
export function writeProperties(file: string, settings: Record<string, string | number>) {
  const text = Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join('');
  writeFileSync(file, `# Written by v2v stack up; edits are overwritten.\n${text}`, { mode: 0o600 });
  chmodSync(file, 0o600);
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

/**
 * KRaft refuses to start on an unformatted directory; formatting writes the cluster id into it once,
 * and `secretArguments` (SCRAM users) into its bootstrap metadata. Those go through a file of the
 * owner's (`@file`), so no password shows in the process list, and the file is gone afterwards.
 */
export async function formatStorage(ctx: StackContext, properties: string, data: string, clusterId: string, secretArguments?: string) {
  if (isFormatted(data)) return;
  ctx.progress(`Kafka: formatting storage in ${path.relative(ctx.paths.root, data)}`);
  mkdirSync(data, { recursive: true });
  const argsFile = `${properties}.format-args`;
  if (secretArguments) writeFileSync(argsFile, secretArguments, { mode: 0o600 });
  try {
    const out = await runKafkaTool(ctx.paths, 'kafka.tools.StorageTool', ['format', '--config', properties, '--cluster-id', clusterId, '--ignore-formatted', ...(secretArguments ? [`@${argsFile}`] : [])]);
    // The tool prints the bootstrap records (SCRAM salts and keys among them): only its error output is shown.
    if (out.code !== 0) throw new Error(`Kafka could not format ${data}: ${out.stderr.trim()}`);
  } finally {
    rmSync(argsFile, { force: true });
  }
}

export const isFormatted = (data: string) => existsSync(path.join(data, 'meta.properties'));

/**
 * One of Kafka's command-line tools, run from the stack's jars, without blocking the event loop (a
 * JVM takes seconds to start, so several run side by side); its output is the caller's to show or not.
 */
export function runKafkaTool(paths: StackPaths, mainClass: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('java', [...jvmLogging(), '-cp', path.join(kafkaLib(paths), '*'), mainClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.once('error', (err) => resolve({ code: null, stdout, stderr: stderr || err.message }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// log4j's own shutdown hook would close the appender while Kafka is still logging its shutdown.
const jvmLogging = () => [`-Dlog4j2.configurationFile=${log4jConfig}`, '-Dlog4j2.shutdownHookEnabled=false'];

export function startNode(ctx: StackContext, name: string, properties: string): number {
  return startDaemon(ctx.paths, {
    name,
    command: 'java',
    args: [
      '-Xms256m', '-Xmx512m',
      '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      ...jvmLogging(),
      '-cp', path.join(kafkaLib(ctx.paths), '*'),
      'kafka.Kafka', properties,
    ],
  });
}
