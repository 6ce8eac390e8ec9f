import { z } from 'zod';
import { TRAINING_SOURCES } from './forecast/retrain/training-source.js';

/**
 * The one place that reads process.env. Every process of V2V (CLI, worker, ingest, api, tests)
 * calls loadConfig() once at start-up; a bad value stops it with a sentence naming the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
    .optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  API_URL: z.url().optional(),
  V2V_TIME_SCALE: z.coerce.number().positive().default(1),
  V2V_STACK_DIR: z.string().min(1).optional(),
  V2V_PG_PORT: port.default(54329),
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
  /** A message above this size goes to the dead-letter topic as `oversize`. */
  V2V_INGEST_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** A remote key set is trusted only for a named issuer and audience: either alone would accept any token of that provider. */
const checkedConfigSchema = configSchema.refine((c) => !c.V2V_AUTH_JWKS_URL || (c.V2V_AUTH_ISSUER && c.V2V_AUTH_AUDIENCE), {
  message: 'V2V_AUTH_JWKS_URL needs V2V_AUTH_ISSUER and V2V_AUTH_AUDIENCE',
  path: ['V2V_AUTH_JWKS_URL'],
});

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

/** The Temporal dev server `v2v stack up` starts on this machine. */
export const localTemporalAddress = (config: Pick<Config, 'V2V_TEMPORAL_PORT'>) => `127.0.0.1:${config.V2V_TEMPORAL_PORT}`;

/** Where Temporal answers: TEMPORAL_ADDRESS when set, else the local dev server. */
export const temporalAddress = (config: Pick<Config, 'TEMPORAL_ADDRESS' | 'V2V_TEMPORAL_PORT'>) => config.TEMPORAL_ADDRESS ?? localTemporalAddress(config);
