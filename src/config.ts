import { z } from 'zod';
import { TRAINING_SOURCES } from './forecast/retrain/training-source.js';

/** The enrolment steps a test may stop the API at (V2V_FAILPOINT below; src/api/failpoint.ts). */
export const FAILPOINTS = ['enrol:before-commit', 'enrol:after-commit', 'enrol:after-start'] as const;
export type Failpoint = (typeof FAILPOINTS)[number];

/**
 * What `v2v stack up` starts on this machine: `dev` (one of each service, the Temporal CLI's dev
 * server) or `production` (README, "Production topology").
 */
export const TOPOLOGIES = ['dev', 'production'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/**
 * The one place that reads process.env. Every process of V2V (CLI, worker, ingest, api, tests)
 * calls loadConfig() once at start-up; a bad value stops it with a sentence naming the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  /** What the processes (API, worker, ingest, CLI reads) connect as: a member of v2v_app, never the tables' owner. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * The owner of the tables, for `v2v migrate` (and the seeding that follows) only. Absent, DATABASE_URL
   * is used for migrations too: one URL for everything, as before least privilege (README, "Database roles").
   */
  DATABASE_OWNER_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
    .optional(),
  /**
   * Transport security to Kafka (src/transport.ts): TLS (with a private CA's certificate, else the
   * system's), and SASL/SCRAM credentials. A managed Kafka asks for both; the dev stack for neither.
   */
  KAFKA_TLS: z.enum(['0', '1']).default('0'),
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  /**
   * Transport security to Temporal: TLS (a private CA, and mTLS with a client certificate and key, as
   * a self-hosted cluster asks) or an API key over TLS (as Temporal Cloud asks).
   */
  TEMPORAL_TLS: z.enum(['0', '1']).default('0'),
  TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /**
   * A workflow bundle made by `v2v worker --write-bundle <file>` from this same code. Set, the worker
   * loads it instead of bundling workflows/ at every start (seconds of CPU per worker): how a
   * deployment ships its workers, and how the stack and the tests start theirs.
   */
  V2V_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  API_URL: z.url().optional(),
  V2V_TIME_SCALE: z.coerce.number().positive().default(1),
  /**
   * The clock ingest judges readings on, when it is not the batches' (live mode runs sensors at 600×
   * while batches run at 86400×): the production stack gives it to its ingest processes as their
   * V2V_TIME_SCALE. Unset, ingest runs on V2V_TIME_SCALE like the rest.
   */
  V2V_SENSOR_TIME_SCALE: z.coerce.number().positive().optional(),
  /**
   * Where the compressed clock's shared calendar starts (an ISO instant; `v2v demo` sets its own start):
   * simulated = origin + (real − origin) × V2V_TIME_SCALE, so slot chains are planned in simulated days.
   * Unset, a compressed clock plans no chains (batches ask for a line at receipt).
   */
  V2V_CLOCK_ORIGIN: z.iso.datetime({ offset: true }).optional(),
  /**
   * How far ahead a slot chain may be booked (days): enrolment books the earliest chain within it, the
   * waitlist is planned over it, and an order for which none fits waits on the list. The demo sets a
   * short one so that its demand makes a waitlist appear within minutes.
   */
  V2V_BOOKING_HORIZON_DAYS: z.coerce.number().int().min(7, 'at least 7 days: a chain spans collection, transit, manufacturing and infusion').max(180).default(90),
  V2V_STACK_DIR: z.string().min(1).optional(),
  /**
   * The stack's topology (`v2v stack up --topology` sets it). Unset, the stack keeps the one it is up
   * with, else `dev`. In `production` the further ports are derived from the ones below (src/stack/production-ports.ts).
   */
  V2V_TOPOLOGY: z.enum(TOPOLOGIES).optional(),
  V2V_PG_PORT: port.default(54329),
  /**
   * The stack's PostgreSQL buffer cache (its `shared_buffers`). A managed PostgreSQL gives it about a
   * quarter of the memory; PostgreSQL's own default (128MB) is smaller than the readings' eventId key
   * once it holds a few million readings (bench/README.md, "Ingest").
   */
  V2V_PG_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/, 'a size such as 512MB or 2GB').default('1GB'),
  V2V_KAFKA_PORT: port.default(19092),
  V2V_KAFKA_CONTROLLER_PORT: port.default(19093),
  V2V_TEMPORAL_PORT: port.default(17233),
  V2V_TEMPORAL_UI_PORT: port.default(18233),
  V2V_API_PORT: port.default(3000),
  /** Where the API listens; 0.0.0.0 exposes it (every /v1 route requires a token). */
  V2V_API_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * GET /metrics answers only `Authorization: Bearer <this token>` (at least 32 characters); without
   * one configured, /metrics is refused, so process and route figures never leak to anonymous callers.
   */
  V2V_METRICS_TOKEN: z.string().min(32, 'V2V_METRICS_TOKEN must be at least 32 characters').optional(),
  /** Requests per minute per authenticated caller (token subject); 0 turns the limit off. */
  V2V_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Requests per minute per client address, counted before authentication; 0 turns the limit off. */
  V2V_RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** How far ahead of the server's clock a client-supplied time (`at`) may be. */
  V2V_CLIENT_CLOCK_SKEW_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
  /**
   * The OpenID Connect provider's key set (its jwks_uri), issuer and audience. Without a URL the API
   * trusts the local development key set under <stack>/auth/ (issuer v2v-local, audience v2v-api).
   */
  V2V_AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  V2V_AUTH_ISSUER: z.string().min(1).optional(),
  V2V_AUTH_AUDIENCE: z.string().min(1).optional(),
  /**
   * The dashboard's sign-in through the OpenID Connect provider above (authorization code + PKCE,
   * a public client): its client id there, where its discovery document is (default: the issuer's
   * /.well-known/openid-configuration), the scopes asked for, and the resource indicator (RFC 8707)
   * that makes the provider issue a JWT access token for V2V's audience. Without a client id the
   * dashboard signs in with a user name and a login password checked by the API.
   */
  V2V_OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
  V2V_OIDC_DISCOVERY_URL: z.url({ protocol: /^https?$/ }).optional(),
  V2V_OIDC_SCOPE: z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'space-separated scope tokens').default('openid profile'),
  V2V_OIDC_RESOURCE: z.url().optional(),
  /** How long a dashboard session from the embedded sign-in lasts (a token the API signs), e.g. 8h. */
  V2V_SIGN_IN_SESSION: z.string().regex(/^([1-9]\d{0,3})[mh]$/, 'minutes or hours, e.g. 30m or 8h').default('8h'),
  /** Wrong login passwords in a row before the embedded sign-in locks the user. */
  V2V_SIGN_IN_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** The longest a person's token may live (its `exp` minus its `iat`); longer ones get 401. */
  V2V_AUTH_USER_TOKEN_MAX_HOURS: z.coerce.number().positive().max(24 * 7).default(8),
  /** The longest a partner system's token may live: longer than a person's, still bounded. */
  V2V_AUTH_MACHINE_TOKEN_MAX_DAYS: z.coerce.number().positive().max(366).default(30),
  /** The ingest process's /healthz, /readyz and /metrics; 0 takes any free port (its log says which). */
  V2V_INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** Partitions of the readings topic when `v2v ingest` creates it: the unit of ingest parallelism. */
  V2V_INGEST_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  /**
   * The readings topic and consumer group; the defaults are the contract. Another name lets two
   * installations (or two test files) share one Kafka cluster without taking each other's readings.
   */
  V2V_INGEST_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a Kafka topic name').default('v2v.sensor.readings.v1'),
  V2V_INGEST_GROUP: z.string().min(1).default('v2v-ingest'),
  /** Monthly readings partitions made ahead of the current month, when ingest starts and every hour. */
  V2V_READINGS_MONTHS_AHEAD: z.coerce.number().int().min(0).max(24).default(2),
  /**
   * The retention rule: the current month's readings partition and those of this many months before
   * it stay attached; older ones are detached (kept as tables of their own, not dropped). 0 keeps all.
   */
  V2V_READINGS_RETENTION_MONTHS: z.coerce.number().int().min(0).max(1200).default(24),
  /** A message above this size goes to the dead-letter topic as `oversize`. */
  V2V_INGEST_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  /**
   * The secret each gateway's signing key is derived from (src/ingest/gateway-signature.ts). Set,
   * ingest stores a reading only when the device's own gateway signed its message; unset (the dev
   * stack), it takes the gatewayId a message declares. The production topology always sets it.
   */
  V2V_GATEWAY_KEY_SECRET: z.string().min(32, 'V2V_GATEWAY_KEY_SECRET must be at least 32 characters').optional(),
  /**
   * What the weekly retraining learns from: `real` batches, or `simulated` history (`v2v simulate
   * history`), for a new installation whose own outcomes are still too few.
   */
  V2V_FORECAST_TRAINING_SOURCE: z.enum(TRAINING_SOURCES).default('real'),
  /**
   * Integration tests only: take PostgreSQL and Kafka from testcontainers (needs a Docker engine;
   * not exercised on machines without one). Otherwise the stack starts them itself.
   */
  V2V_TESTCONTAINERS: z.enum(['0', '1']).default('0'),
  /**
   * Signed audit checkpoints (docs/security/audit.md). The Ed25519 private key (PKCS#8 PEM, mode 0600)
   * and the public key that verifies; default under <stack>/audit/. In production the key lives
   * elsewhere (a KMS/HSM signing through its own file or agent) and the public key is held by QA.
   */
  V2V_AUDIT_KEY_FILE: z.string().min(1).optional(),
  V2V_AUDIT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  /** The append-only directory checkpoints are written to; default <stack>/audit/checkpoints. */
  V2V_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  V2V_AUDIT_CHECKPOINT_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'a Kafka topic name').default('v2v.audit.checkpoints.v1'),
  /** Minutes between the worker's scheduled checkpoints: the window a rewrite of the newest records could go unseen. */
  V2V_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /**
   * The enrolment reconciler (every API process) runs this often and takes half-done enrolments older
   * than this; a request still starting its own workflow is younger.
   */
  V2V_ENROL_RECONCILE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * Failed workflow starts after which the reconciler gives an enrolment up: once Temporal confirms no
   * workflow `batch:{id}` exists, the batch is cancelled with a critical alert (never while unsure).
   */
  V2V_ENROL_START_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(10),
  /** How long an Idempotency-Key is kept (and a retry answered as the first request); the reconciler deletes older ones. */
  V2V_IDEMPOTENCY_KEY_HOURS: z.coerce.number().int().min(1).max(24 * 366).default(24),
  /**
   * TESTS ONLY (test/api/enrolment-kill.int.test.ts): the enrolment step where the API logs
   * "failpoint reached" and waits forever, so a test can SIGKILL it there. Unset: no effect.
   */
  V2V_FAILPOINT: z.enum(FAILPOINTS).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** A remote key set is trusted only for a named issuer and audience: either alone would accept any token of that provider. */
const checkedConfigSchema = configSchema
  .refine((c) => !c.KAFKA_SASL_MECHANISM || (c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD), {
    message: 'SASL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    path: ['KAFKA_SASL_MECHANISM'],
  })
  .refine((c) => !(c.KAFKA_SASL_USERNAME || c.KAFKA_SASL_PASSWORD) || c.KAFKA_SASL_MECHANISM, {
    message: 'Kafka credentials need a mechanism: set KAFKA_SASL_MECHANISM (scram-sha-256 or scram-sha-512)',
    path: ['KAFKA_SASL_MECHANISM'],
  })
  .refine((c) => !c.TEMPORAL_TLS_CERT_FILE === !c.TEMPORAL_TLS_KEY_FILE, {
    message: 'a client certificate and its key go together: set both TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE, or neither',
    path: ['TEMPORAL_TLS_CERT_FILE'],
  })
  .superRefine((c, ctx) => {
    for (const setting of ['DATABASE_URL', 'DATABASE_OWNER_URL'] as const) {
      const weak = weakDatabaseTls(c[setting]);
      if (weak) ctx.addIssue({ code: 'custom', message: weak, path: [setting] });
    }
  })
  .refine((c) => !c.V2V_AUTH_JWKS_URL || (c.V2V_AUTH_ISSUER && c.V2V_AUTH_AUDIENCE), {
    message: 'V2V_AUTH_JWKS_URL needs V2V_AUTH_ISSUER and V2V_AUTH_AUDIENCE',
    path: ['V2V_AUTH_JWKS_URL'],
  })
  .refine((c) => !c.V2V_OIDC_CLIENT_ID || c.V2V_AUTH_JWKS_URL, {
    message: 'the dashboard signs in with an OpenID Connect provider only when the API trusts its tokens: set V2V_AUTH_JWKS_URL, V2V_AUTH_ISSUER and V2V_AUTH_AUDIENCE',
    path: ['V2V_OIDC_CLIENT_ID'],
  })
  // Whoever can change the key set in transit can sign any token: plain http only to this machine (tests, a sidecar).
  .refine((c) => !c.V2V_AUTH_JWKS_URL || new URL(c.V2V_AUTH_JWKS_URL).protocol === 'https:' || isLoopback(new URL(c.V2V_AUTH_JWKS_URL).hostname), {
    message: 'must be https (plain http is accepted only for a loopback host: localhost, 127.0.0.1, [::1])',
    path: ['V2V_AUTH_JWKS_URL'],
  });

/**
 * PostgreSQL's TLS is in its URL, read by node-postgres: `sslmode=verify-full` (with `sslrootcert`
 * for a private CA, `sslcert` and `sslkey` for a client certificate) or `disable`. The modes in
 * between mean verify-full in node-postgres 8 but libpq's weaker checks from version 9 on, and
 * `no-verify` checks nothing: each is refused, so a URL means the same under every driver version.
 */
function weakDatabaseTls(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const params = new URL(url).searchParams;
  const mode = params.get('sslmode');
  if (params.has('uselibpqcompat')) return 'uselibpqcompat changes what sslmode means: leave it out and use sslmode=verify-full';
  if (mode === null || mode === 'disable' || mode === 'verify-full') return undefined;
  return `sslmode=${mode} is refused: use sslmode=verify-full (with sslrootcert=<CA file> for a private CA), or disable`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are how shells unset things; treat them as absent.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = checkedConfigSchema.safeParse(present);
  if (!parsed.success) {
    const sentences = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration. ${sentences.join('; ')}. See .env.example.`);
  }
  return parsed.data;
}

/** The environment wins over `fallback` (e.g. the addresses `v2v stack up` wrote to .stack/env). */
export function loadConfigOver(fallback: Record<string, string>): Config {
  return loadConfig({ ...fallback, ...process.env });
}

/** Who migrates: the owner when one is named, else the one URL the user gave. */
export const databaseOwnerUrl = (config: Pick<Config, 'DATABASE_URL' | 'DATABASE_OWNER_URL'>) => config.DATABASE_OWNER_URL ?? config.DATABASE_URL;

/** The Temporal dev server `v2v stack up` starts on this machine. */
export const localTemporalAddress = (config: Pick<Config, 'V2V_TEMPORAL_PORT'>) => `127.0.0.1:${config.V2V_TEMPORAL_PORT}`;

/** Where Temporal answers: TEMPORAL_ADDRESS when set, else the local dev server. */
export const temporalAddress = (config: Pick<Config, 'TEMPORAL_ADDRESS' | 'V2V_TEMPORAL_PORT'>) => config.TEMPORAL_ADDRESS ?? localTemporalAddress(config);
