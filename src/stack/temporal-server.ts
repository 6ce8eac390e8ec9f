import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { localTemporalAddress } from '../config.js';
import { pollUntil } from '../poll-until.js';
import { temporalTransport, type TemporalTransport } from '../transport.js';
import { daemonPid, logFile, serviceWait, startDaemon, stopDaemon } from './daemon.js';
import { assertPortFree } from './ports.js';
import { productionPorts } from './production-ports.js';
import type { ServiceStatus, StackContext, StackPart } from './service.js';
import { ensureStackCertificates, SERVER_NAME, stackCertificates, type StackCertificates } from './stack-tls.js';
import { ensureServerBinaries, serverHome, type ServerBinaries } from './temporal-server-build.js';
import { TEMPORAL_DATABASES, TEMPORAL_DYNAMIC_CONFIG, temporalServerConfig, type TemporalDatabases } from './temporal-server-config.js';

/**
 * The production topology's Temporal: the server itself (frontend, history, matching and worker
 * services in one process) persisting to its own two databases on the stack's PostgreSQL, as its own
 * login. TEMPORAL_ADDRESS, if given, is used instead, as in the dev stack.
 */
const NAME = 'temporal-server';
const DB_USER = 'temporal';
const DB_PASSWORD = 'temporal';
/** How long closed workflows stay visible in the namespace V2V registers. */
const RETENTION_DAYS = 7;
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/** The login and its two databases, created once (idempotent) through the owner's connection. */
async function ensureDatabases(ownerUrl: string): Promise<TemporalDatabases> {
  const url = new URL(ownerUrl);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const has = async (sql: string, name: string) => ((await admin.query(sql, [name])).rowCount ?? 0) > 0;
    if (!(await has('select 1 from pg_roles where rolname = $1', DB_USER))) {
      await admin.query(`create role ${DB_USER} login password '${DB_PASSWORD}' nosuperuser nocreatedb nocreaterole`);
    }
    for (const database of Object.values(TEMPORAL_DATABASES)) {
      if (!(await has('select 1 from pg_database where datname = $1', database))) await admin.query(`create database ${database} owner ${DB_USER}`);
    }
  } finally {
    await admin.end();
  }
  return { host: url.hostname, port: Number(url.port || 5432), user: DB_USER, password: DB_PASSWORD, ...TEMPORAL_DATABASES };
}

/**
 * Brings both databases to the schema this server version ships (embedded in the schema tool):
 * the version tables at 0.0 the first time, then every versioned step not yet applied.
 */
function updateSchema(ctx: StackContext, sql: string, db: TemporalDatabases) {
  const schemas = { [db.main]: 'postgresql/v12/temporal', [db.visibility]: 'postgresql/v12/visibility' };
  for (const [database, schema] of Object.entries(schemas)) {
    const common = ['--ep', db.host, '--port', String(db.port), '--user', db.user, '--plugin', 'postgres12', '--db', database];
    // The password through the tool's own variable, so it does not show in the process list.
    const env = { ...process.env, SQL_PASSWORD: db.password };
    for (const step of [['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schema]]) {
      const out = spawnSync(sql, [...common, ...step], { encoding: 'utf8', env });
      if (out.status !== 0) throw new Error(`The Temporal schema tool failed on ${database} (${step[0]}): ${(out.stderr || out.stdout || String(out.error)).trim()}`);
    }
  }
  ctx.progress(`Temporal server: schemas of ${db.main} and ${db.visibility} up to date`);
}

/** What V2V's processes connect to the stack's Temporal server with: mutual TLS with the stack's client certificate. */
function temporalClientEnv(certs: StackCertificates) {
  return { TEMPORAL_TLS: '1', TEMPORAL_TLS_CA_FILE: certs.ca, TEMPORAL_TLS_CERT_FILE: certs.client.cert, TEMPORAL_TLS_KEY_FILE: certs.client.key, TEMPORAL_TLS_SERVER_NAME: SERVER_NAME } as const;
}

/** How the stack itself reaches Temporal (namespace, probes): as the environment says when given, else as V2V's processes do. */
export function stackTemporalTransport(ctx: Pick<StackContext, 'config' | 'paths'>): TemporalTransport {
  if (ctx.config.TEMPORAL_ADDRESS) return temporalTransport(ctx.config);
  return temporalTransport({ V2V_TEMPORAL_PORT: ctx.config.V2V_TEMPORAL_PORT, ...temporalClientEnv(stackCertificates(ctx.paths)) });
}

function writeConfig(ctx: StackContext, db: TemporalDatabases): string {
  const dir = path.join(serverHome(ctx.paths), 'config');
  mkdirSync(dir, { recursive: true });
  const dynamicConfigFile = path.join(dir, 'dynamic.yaml');
  writeFileSync(dynamicConfigFile, TEMPORAL_DYNAMIC_CONFIG);
  const file = path.join(dir, 'production.yaml');
  const logLevel = ctx.config.LOG_LEVEL === 'debug' ? 'info' : 'warn';
  const certs = ensureStackCertificates(ctx.paths);
  const tls = { ca: certs.ca, server: certs.temporalServer, serverName: SERVER_NAME };
  writeFileSync(file, temporalServerConfig({ ports: productionPorts(ctx.config).temporal, db, dynamicConfigFile, logLevel, tls }), { mode: 0o600 });
  return file;
}

async function start(ctx: StackContext, binaries: ServerBinaries, ownerUrl: string) {
  const { temporal } = productionPorts(ctx.config);
  for (const [service, p] of Object.entries(temporal)) {
    const variable = service === 'frontend' ? 'V2V_TEMPORAL_PORT' : 'V2V_TEMPORAL_PORT (the others are derived from it)';
    await assertPortFree(p.grpc, `the Temporal ${service} service`, variable);
    await assertPortFree(p.membership, `the Temporal ${service} membership`, variable);
  }
  const db = await ensureDatabases(ownerUrl);
  updateSchema(ctx, binaries.sql, db);
  const config = writeConfig(ctx, db);
  // The server reads TEMPORAL_* as its own settings (TEMPORAL_ROOT, TEMPORAL_SERVICES…): ours must not leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const args = ['--config-file', config, '--allow-no-auth', 'start'];
  const pid = startDaemon(ctx.paths, { name: NAME, command: binaries.server, args, cwd: serverHome(ctx.paths), env });
  ctx.progress(`Temporal server: starting (pid ${pid}; frontend ${localTemporalAddress(ctx.config)})`);
}

/** One connection per call, always closed. */
export async function withConnection<T>(transport: TemporalTransport, timeoutMs: number, call: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ ...transport, connectTimeout: timeoutMs });
  try {
    return await connection.withDeadline(Date.now() + timeoutMs, () => call(connection));
  } finally {
    await connection.close();
  }
}

/** Registers the namespace unless it exists, then waits until the frontend serves it. */
async function ensureNamespace(ctx: StackContext, address: TemporalTransport) {
  const namespace = ctx.config.TEMPORAL_NAMESPACE;
  const registered = await withConnection(address, 5_000, async (c) => {
    try {
      await c.workflowService.describeNamespace({ namespace });
      return false;
    } catch (err) {
      if (!isGrpcServiceError(err) || err.code !== GRPC_NOT_FOUND) throw err;
    }
    try {
      await c.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${RETENTION_DAYS} days`) });
      return true;
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS) return false;
      throw err;
    }
  });
  if (registered) ctx.progress(`Temporal server: namespace ${namespace} registered (retention ${RETENTION_DAYS} days)`);
  // The frontend learns of a new namespace on its next cache refresh (a couple of seconds).
  await pollUntil(
    `the Temporal server to serve namespace ${namespace}`,
    () => withConnection(address, 2_000, (c) => c.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'v2v-stack-probe' } })).then(() => true),
    serviceWait(30_000, logFile(ctx.paths, NAME)),
  );
}

async function serves(address: TemporalTransport, namespace: string): Promise<boolean> {
  return withConnection(address, 2_000, (c) => c.workflowService.describeNamespace({ namespace })).then(() => true, () => false);
}

export const temporalServer: StackPart = {
  name: 'temporal',

  async prepare(ctx) {
    if (!ctx.config.TEMPORAL_ADDRESS) await ensureServerBinaries(ctx);
  },

  async up(ctx, before) {
    const namespace = ctx.config.TEMPORAL_NAMESPACE;
    const given = ctx.config.TEMPORAL_ADDRESS;
    // The certificates first: with a Kafka given by the environment, nothing has made them yet.
    if (!given) ensureStackCertificates(ctx.paths);
    const transport = stackTemporalTransport(ctx);
    if (given) {
      await pollUntil(`Temporal at TEMPORAL_ADDRESS=${given} to answer`, () => serves(transport, namespace).then((up) => up || undefined), serviceWait(15_000));
      return { rows: [{ service: 'temporal', address: given, state: 'up', source: 'env' }], env: { TEMPORAL_ADDRESS: given, TEMPORAL_NAMESPACE: namespace } };
    }
    const address = localTemporalAddress(ctx.config);
    const log = logFile(ctx.paths, NAME);
    if (daemonPid(ctx.paths, NAME) === undefined) {
      const ownerUrl = before.DATABASE_OWNER_URL ?? before.DATABASE_URL;
      if (!ownerUrl) throw new Error('The Temporal server needs PostgreSQL: it was not started before it.');
      await start(ctx, await ensureServerBinaries(ctx), ownerUrl);
    }
    // The frontend answers once history and matching have joined the membership ring.
    const outcome = await pollUntil(
      `the Temporal server on ${address} to answer`,
      async () => (daemonPid(ctx.paths, NAME) === undefined ? 'exited' : withConnection(transport, 2_000, (c) => c.workflowService.getSystemInfo({})).then(() => 'up' as const)),
      serviceWait(120_000, log),
    );
    if (outcome === 'exited') throw new Error(`The Temporal server exited while starting; see ${log}`);
    await ensureNamespace(ctx, transport);
    const env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, ...temporalClientEnv(stackCertificates(ctx.paths)) };
    return { rows: [{ service: NAME, address, state: 'up', source: 'local' }], env };
  },

  async status(ctx): Promise<ServiceStatus[]> {
    const given = ctx.config.TEMPORAL_ADDRESS;
    const address = given ?? localTemporalAddress(ctx.config);
    const up = (given || daemonPid(ctx.paths, NAME) !== undefined) && (await serves(stackTemporalTransport(ctx), ctx.config.TEMPORAL_NAMESPACE));
    return [{ service: given ? 'temporal' : NAME, address, state: up ? 'up' : 'down', source: given ? 'env' : 'local' }];
  },

  async down(ctx) {
    await stopDaemon(ctx.paths, NAME);
  },
};
