import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { clusterBrokers } from './kafka-cluster.js';
import { localBrokers } from './kafka.js';
import { stackPaths } from './paths.js';
import { localAppUrl, localUrl } from './postgres.js';
import { portClashes, productionPorts } from './production-ports.js';
import type { ServiceStatus, StackContext, StackPart } from './service.js';
import { localAddress } from './temporal.js';
import { forgetTopology, rememberTopology, resolveTopology, runningTopology, topologyStages } from './topology.js';

export function stackContext(config: Config, progress: (m: string) => void = (m) => console.error(m)): StackContext {
  const paths = stackPaths(config);
  return { config: withoutOwnAddresses(config), paths, topology: resolveTopology(config, paths), progress };
}

/**
 * After `eval "$(npx v2v stack env)"` the shell names the stack's own services; they are still this
 * stack's to start and stop, not services "given by the environment". An address counts as given only
 * when it is not the one this stack serves that service on (in either topology).
 */
export function withoutOwnAddresses(config: Config): Config {
  const own = { DATABASE_URL: localAppUrl({ config }), DATABASE_OWNER_URL: localUrl({ config }), KAFKA_BROKERS: localBrokers({ config }), TEMPORAL_ADDRESS: localAddress({ config }) };
  // Before least privilege the stack's DATABASE_URL was the owner's: a shell that still names it is this stack's too.
  const isOwn = (k: keyof typeof own) =>
    config[k] === own[k] || (k === 'DATABASE_URL' && config[k] === own.DATABASE_OWNER_URL) || (k === 'KAFKA_BROKERS' && config[k] === clusterBrokers({ config }));
  const mine = (Object.keys(own) as (keyof typeof own)[]).filter(isOwn);
  if (mine.length === 0) return config;
  const copy = { ...config };
  for (const k of mine) delete copy[k];
  return copy;
}

type Up = Awaited<ReturnType<StackPart['up']>>;

/**
 * Starts what is missing and writes .stack/env. Idempotent. Within a stage the parts start in
 * parallel (downloads and builds overlap); a failure names its part and ends the start there.
 */
export async function stackUp(ctx: StackContext): Promise<ServiceStatus[]> {
  mkdirSync(ctx.paths.root, { recursive: true });
  const running = runningTopology(ctx.paths);
  if (running && running !== ctx.topology) {
    throw new Error(`The stack in ${ctx.paths.root} is up with the ${running} topology: stop it first (npx v2v stack down), then start the ${ctx.topology} one.`);
  }
  if (ctx.topology === 'production') {
    const clashes = portClashes(productionPorts(ctx.config));
    if (clashes.length > 0) throw new Error(`The production topology's ports clash: ${clashes.join('; ')}. Choose V2V_*_PORT values further apart.`);
  }
  rememberTopology(ctx.paths, ctx.topology);
  const stages = topologyStages(ctx.topology);
  const parts = stages.flat();
  // Builds need nothing running, so they overlap the first stage and fail it if they fail.
  const prepared = parts.filter((p) => p.prepare).map((p) => ({ name: p.name, run: p.prepare!(ctx) }));
  const env: Record<string, string> = {
    TEMPORAL_NAMESPACE: ctx.config.TEMPORAL_NAMESPACE,
    API_URL: ctx.config.API_URL ?? `http://127.0.0.1:${ctx.config.V2V_API_PORT}`,
  };
  const rows: ServiceStatus[] = [];
  for (const [index, stage] of stages.entries()) {
    const before = { ...env };
    const runs = [...stage.map((p) => ({ name: p.name, run: p.up(ctx, before) })), ...(index === 0 ? prepared : [])];
    const results = await Promise.allSettled(runs.map((r) => r.run));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${runs[i]!.name}: ${message(r.reason)}`] : []));
    if (failures.length > 0) throw new Error(failures.join('\n'));
    for (const up of results.slice(0, stage.length) as PromiseFulfilledResult<Up>[]) {
      Object.assign(env, up.value.env);
      rows.push(...up.value.rows);
    }
  }
  writeStackEnv(ctx.paths.envFile, env);
  return rows;
}

/**
 * Stops the named services (all by default), later stages first: V2V's processes drain while Kafka,
 * Temporal and PostgreSQL still answer. The env file and the remembered topology go only when all do.
 */
export async function stackDown(ctx: StackContext, only?: string[]): Promise<void> {
  const stages = topologyStages(runningTopology(ctx.paths) ?? ctx.topology);
  const all = stages.flat();
  const chosen = only ? await partsNamed(ctx, all, only) : all;
  for (const stage of [...stages].reverse()) await Promise.all(stage.filter((p) => chosen.includes(p)).map((p) => p.down(ctx)));
  if (chosen.length === all.length) {
    rmSync(ctx.paths.envFile, { force: true });
    forgetTopology(ctx.paths);
  }
}

/** The parts named by themselves or by one of their rows (a test setup names the rows that were down). */
async function partsNamed(ctx: StackContext, parts: StackPart[], names: string[]): Promise<StackPart[]> {
  const rows = await Promise.all(parts.map((p) => (names.includes(p.name) ? [] : p.status(ctx))));
  return parts.filter((p, i) => names.includes(p.name) || rows[i]!.some((row) => names.includes(row.service)));
}

export async function stackStatus(ctx: StackContext): Promise<ServiceStatus[]> {
  const rows = await Promise.all(topologyStages(ctx.topology).flat().map((p) => p.status(ctx)));
  return rows.flat();
}

export function readStackEnv(ctx: StackContext): Record<string, string> | undefined {
  if (!existsSync(ctx.paths.envFile)) return undefined;
  const pairs = readFileSync(ctx.paths.envFile, 'utf8')
    .split('\n')
    .map((line) => /^export ([A-Z][A-Z0-9_]*)='(.*)'$/.exec(line))
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
