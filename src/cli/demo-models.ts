import type { Database } from '../db/client.js';
import { createDatabase } from '../db/client.js';
import { ensureForecastPython } from '../forecast/python-env.js';
import { activeModel, findModel, NETWORK_SCOPE, type ModelRow, type ModelTarget } from '../forecast/registry/index.js';
import { promoteIfBetter, trainCandidate } from '../forecast/training/index.js';
import { trainMaintenanceCandidates } from '../forecast/maintenance/index.js';
import { describeHistoryRun, runHistory } from '../sim/history/run-history.js';
import { demoBuiltModelIds, demoModelsKey, readManifest, writeManifest, type DemoModelsManifest, type DemoModelsSpec } from './demo-models-cache.js';

/**
 * The demo's models: a twin history of the baseline network under a seed of its own, the two
 * turnaround models and the bioreactors' maintenance models (the demo's equipment) trained on it.
 * 3,000 batches give some 35,000 landmarks: the bands are the model's, trained in about a minute.
 */
export const DEMO_MODELS: DemoModelsSpec = {
  seed: 918_000,
  batches: 3_000,
  scenario: 'scenarios/baseline.json',
  turnaroundScope: NETWORK_SCOPE,
  maintenanceScope: 'bioreactor',
};

const TURNAROUND_TARGETS = ['release_days', 'infusion_ready_days'] as const;
const MAINTENANCE_TARGETS = ['equipment_failure_7d', 'equipment_rul'] as const;

export interface DemoModels {
  /** True when a finished build with the same key was found and its models are still registered. */
  reused: boolean;
  key: string;
  /** The model each target serves now (the demo's, or one the user promoted over it). */
  serving: { target: ModelTarget; scope: string; id: string | null }[];
  seconds: number;
}

/**
 * Builds the demo's models once per key and makes them the served ones; a later call with the same
 * key reuses them. Every step prints a line, and the slow ones their own progress.
 */
export async function ensureDemoModels(o: {
  /** The stack's root: the trainer's Python lives there, and by default the cache. */
  stackRoot: string;
  databaseUrl: string;
  print: (line: string) => void;
  spec?: DemoModelsSpec;
  /** Where the cache's manifests go (default: the stack's root); a test keeps its own. */
  cacheRoot?: string;
}): Promise<DemoModels> {
  const spec = o.spec ?? DEMO_MODELS;
  const cacheRoot = o.cacheRoot ?? o.stackRoot;
  const started = performance.now();
  const key = demoModelsKey(spec);
  const { db, pool } = createDatabase(o.databaseUrl, { max: 3 });
  try {
    const cached = readManifest(cacheRoot, key);
    const reused = cached !== undefined && (await stillRegistered(db, cached));
    if (reused) o.print(`forecast models: reusing the demo's models built ${cached.builtAt} (cache ${key} in .stack/demo-models; built in ${cached.seconds.toFixed(0)} s)`);
    else {
      o.print(`forecast models: none built for this code yet (cache ${key}); building a twin history and training on it, once (a minute or two)…`);
      const models = await build(db, pool, spec, { stackRoot: o.stackRoot, cacheRoot }, o.print);
      writeManifest(cacheRoot, { key, builtAt: new Date().toISOString(), seconds: (performance.now() - started) / 1000, models });
    }
    const serving = await servingNow(db, spec);
    for (const s of serving) o.print(`  ${s.target.padEnd(22)} served by ${s.id ?? 'no model (the baseline)'}`);
    return { reused, key, serving, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.end();
  }
}

async function stillRegistered(db: Database, manifest: DemoModelsManifest): Promise<boolean> {
  const rows = await Promise.all(manifest.models.map((m) => findModel(db, m.id)));
  return rows.every((row) => row !== undefined);
}

async function build(db: Database, pool: ReturnType<typeof createDatabase>['pool'], spec: DemoModelsSpec, roots: { stackRoot: string; cacheRoot: string }, print: (line: string) => void) {
  const step = (n: number, text: string) => print(`  [${n}/4] ${text}`);
  const timed = async <T>(work: () => Promise<T>): Promise<[T, string]> => {
    const t0 = performance.now();
    const value = await work();
    return [value, `${((performance.now() - t0) / 1000).toFixed(1)} s`];
  };
  const python = await ensureForecastPython(roots.stackRoot, print);

  step(1, `twin history: ${spec.batches} batches of ${spec.scenario}, seed ${spec.seed} (v2v simulate history)…`);
  const [history, historyTime] = await timed(() => runHistory(pool, { scenarioFile: spec.scenario, batches: spec.batches, seed: spec.seed }));
  for (const line of describeHistoryRun(history).slice(0, 1)) print(`        ${line}; ${historyTime}`);

  const registered: ModelRow[] = [];
  for (const [i, target] of TURNAROUND_TARGETS.entries()) {
    step(2 + i, `turnaround model ${target} (v2v forecast train --target ${target} --seed ${spec.seed})…`);
    const options = { target, source: 'simulated' as const, seed: spec.seed, scope: spec.turnaroundScope, python, ...(spec.rounds ? { rounds: spec.rounds } : {}), ...(spec.folds ? { folds: spec.folds } : {}) };
    const [{ model, metrics }, time] = await timed(() => trainCandidate(db, { ...options, progress: (line) => print(`        ${line}`) }));
    print(`        ${model.id}: P50 MAE ${metrics.backtest.overall.p50Mae.toFixed(2)} days, [P10, P90] coverage ${(100 * metrics.backtest.overall.coverage).toFixed(1)} % in the backtest; ${time}`);
    registered.push(model);
  }
  step(4, 'maintenance models of the bioreactors (v2v forecast train --target equipment_failure_7d --kind bioreactor)…');
  const [maintenance, maintenanceTime] = await timed(() =>
    trainMaintenanceCandidates(db, python, { kind: 'bioreactor', source: 'simulated', seed: spec.seed, scope: spec.maintenanceScope, ...(spec.rounds ? { rounds: spec.rounds } : {}) }),
  );
  print(`        ${maintenance.failure.id} and ${maintenance.rul.id}; ${maintenanceTime}`);
  registered.push(maintenance.failure, maintenance.rul);

  // A model an earlier demo build promoted is replaced by this one (trained by newer code on the
  // same history, the rule would find no newer cases to judge it on and keep the old one); any other
  // active model, one the user promoted, stays unless the promotion rule finds the candidate better.
  const earlierBuilds = demoBuiltModelIds(roots.cacheRoot);
  for (const model of registered) {
    const active = await activeModel(db, model.target as ModelTarget, model.scope);
    const replacesEarlierBuild = active !== undefined && earlierBuilds.has(active.id);
    const decision = await promoteIfBetter(db, model.id, { force: replacesEarlierBuild });
    print(`        ${replacesEarlierBuild ? `${model.id} replaces the demo's earlier ${active.id}.` : decision.reason}`);
  }
  return registered.map((m) => ({ id: m.id, target: m.target, scope: m.scope }));
}

async function servingNow(db: Database, spec: DemoModelsSpec) {
  const targets = [...TURNAROUND_TARGETS.map((t) => [t, spec.turnaroundScope] as const), ...MAINTENANCE_TARGETS.map((t) => [t, spec.maintenanceScope] as const)];
  return Promise.all(targets.map(async ([target, scope]) => ({ target, scope, id: (await activeModel(db, target, scope))?.id ?? null })));
}
