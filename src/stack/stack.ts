import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { kafka, localBrokers } from './kafka.js';
import { stackPaths } from './paths.js';
import { localAppUrl, localUrl, postgres } from './postgres.js';
import type { ServiceStatus, StackContext, StackService } from './service.js';
import { localAddress, temporal } from './temporal.js';

const services: StackService[] = [postgres, kafka, temporal];

export function stackContext(config: Config, progress: (m: string) => void = (m) => console.error(m)): StackContext {
  return { config: withoutOwnAddresses(config), paths: stackPaths(config), progress };
}

/**
 * After `eval "$(npx v2v stack env)"` the shell names the stack's own services; they are still this
 * stack's to start and stop, not services "given by the environment". An address counts as given only
 * when it is not the one this stack serves that service on.
 */
export function withoutOwnAddresses(config: Config): Config {
  const own = { DATABASE_URL: localAppUrl({ config }), DATABASE_OWNER_URL: localUrl({ config }), KAFKA_BROKERS: localBrokers({ config }), TEMPORAL_ADDRESS: localAddress({ config }) };
  // Before least privilege the stack's DATABASE_URL was the owner's: a shell that still names it is this stack's too.
  const mine = (Object.keys(own) as (keyof typeof own)[]).filter((k) => config[k] === own[k] || (k === 'DATABASE_URL' && config[k] === own.DATABASE_OWNER_URL));
  if (mine.length === 0) return config;
  const copy = { ...config };
  for (const k of mine) delete copy[k];
  return copy;
}

/** Starts what is missing, in parallel (downloads overlap), and writes .stack/env. Idempotent. */
export async function stackUp(ctx: StackContext): Promise<ServiceStatus[]> {
  mkdirSync(ctx.paths.root, { recursive: true });
  const results = await Promise.allSettled(services.map((s) => s.up(ctx)));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${services[i]!.name}: ${message(r.reason)}`] : []));
  if (failures.length > 0) throw new Error(failures.join('\n'));
  const ups = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<StackService['up']>>>).value);
  const env: Record<string, string> = {
    TEMPORAL_NAMESPACE: ctx.config.TEMPORAL_NAMESPACE,
    API_URL: ctx.config.API_URL ?? `http://127.0.0.1:${ctx.config.V2V_API_PORT}`,
    ...Object.assign({}, ...ups.map((u) => u.env)),
  };
  writeStackEnv(ctx.paths.envFile, env);
  return ups.map((u) => u.status);
}

/** Stops the named services (all by default); the env file goes only when all of them do. */
export async function stackDown(ctx: StackContext, only?: string[]): Promise<void> {
  const chosen = services.filter((s) => !only || only.includes(s.name));
  await Promise.all(chosen.map((s) => s.down(ctx)));
  if (chosen.length === services.length) rmSync(ctx.paths.envFile, { force: true });
}

export function stackStatus(ctx: StackContext): Promise<ServiceStatus[]> {
  return Promise.all(services.map((s) => s.status(ctx)));
}

export function readStackEnv(ctx: StackContext): Record<string, string> | undefined {
  if (!existsSync(ctx.paths.envFile)) return undefined;
  const pairs = readFileSync(ctx.paths.envFile, 'utf8')
    .split('\n')
    .map((line) => /^export ([A-Z_]+)='(.*)'$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => [m[1]!, m[2]!.replaceAll(`'\\''`, `'`)]);
  return Object.fromEntries(pairs);
}

/**
 * Writes the exports readable by their owner only: they carry database and broker credentials once
 * those are configured. The mode of writeFileSync applies on creation only, so an older, wider file
 * is narrowed too.
 */
export function writeStackEnv(file: string, env: Record<string, string>): void {
  writeFileSync(file, formatExports(env), { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function formatExports(env: Record<string, string>): string {
  const quote = (v: string) => `'${v.replaceAll(`'`, `'\\''`)}'`;
  return Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}\n`).join('');
}

export function formatTable(rows: ServiceStatus[]): string {
  const header = ['service', 'address', 'state', 'source'];
  const cells = [header, ...rows.map((r) => [r.service, r.address, r.state, r.source])];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
