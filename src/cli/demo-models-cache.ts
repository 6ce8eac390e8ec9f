import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileWhole } from '../write-whole.js';
import path from 'node:path';
import { z } from 'zod';
import { FEATURES } from '../forecast/features/feature-list.js';
import { MAINTENANCE_FEATURES } from '../forecast/maintenance/feature-list.js';
import { forecastRequirements } from '../forecast/python-env.js';
import { repoRoot } from '../stack/paths.js';

/**
 * What the demo's models are trained from. Anything that changes the models must be in here or in
 * the code version below, because the cache is keyed by both: a changed seed, scenario, feature list
 * or trainer trains again; nothing else does.
 */
export interface DemoModelsSpec {
  /** The twin history's seed: its own, so the demo never replaces a history the user simulated. */
  seed: number;
  batches: number;
  /** Scenario file, relative to the repository (or absolute). */
  scenario: string;
  /** Boosting rounds per quantile model (undefined: the trainer's default). */
  rounds?: number;
  /** Backtest origins of each turnaround model (undefined: the trainer's default, 3). */
  folds?: number;
  /** Registry scopes served: the worker serves `network` for turnaround and the kind for maintenance; tests use their own. */
  turnaroundScope: string;
  maintenanceScope: string;
}

/** Bumped when the way the demo builds its models changes in a way the inputs below do not show. */
const DEMO_MODELS_RECIPE = 1;
/**
 * The code that decides the models: the twin that writes the history, the forecast code (features,
 * labels, trainer, calibration) and the product profiles. Any change there trains again; a change
 * elsewhere (the API, the dashboard) does not.
 */
const MODEL_CODE = [path.join('src', 'sim'), path.join('src', 'forecast'), path.join('src', 'domain', 'profiles.ts')];

/** The files under `relative` (a file or a folder), sorted, so the hash does not depend on the file system's order. */
function sourceFiles(relative: string): string[] {
  const full = path.join(repoRoot, relative);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(relative, e.name)) : /\.(ts|py)$/.test(e.name) ? [path.join(relative, e.name)] : []));
}

const scenarioPath = (spec: Pick<DemoModelsSpec, 'scenario'>) => path.resolve(repoRoot, spec.scenario);

/**
 * The cache key: a hash of the spec, the scenario's contents and the code's version as far as it
 * decides the models (the feature lists, the twin's and the forecast code's sources, the trainer's
 * pinned packages, the recipe).
 */
export function demoModelsKey(spec: DemoModelsSpec): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ recipe: DEMO_MODELS_RECIPE, ...spec, scenario: undefined }));
  hash.update(readFileSync(scenarioPath(spec)));
  hash.update(JSON.stringify([FEATURES.map((f) => f.name), MAINTENANCE_FEATURES]));
  for (const file of MODEL_CODE.flatMap(sourceFiles)) hash.update(file).update(readFileSync(path.join(repoRoot, file)));
  hash.update(readFileSync(forecastRequirements));
  return hash.digest('hex').slice(0, 16);
}

const manifestSchema = z.object({
  key: z.string(),
  builtAt: z.string(),
  seconds: z.number(),
  models: z.array(z.object({ id: z.string(), target: z.string(), scope: z.string() })),
});
export type DemoModelsManifest = z.infer<typeof manifestSchema>;

export const demoModelsDir = (stackRoot: string) => path.join(stackRoot, 'demo-models');
const manifestFile = (stackRoot: string, key: string) => path.join(demoModelsDir(stackRoot), `${key}.json`);

/** The manifest of a build with this key, if one finished; a damaged file counts as none (the build runs again). */
export function readManifest(stackRoot: string, key: string): DemoModelsManifest | undefined {
  const file = manifestFile(stackRoot, key);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success && parsed.data.key === key ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every model an earlier finished build registered, under any key: the demo's own, which a newer build may replace. */
export function demoBuiltModelIds(stackRoot: string): Set<string> {
  const dir = demoModelsDir(stackRoot);
  if (!existsSync(dir)) return new Set();
  const keys = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  return new Set(keys.flatMap((key) => readManifest(stackRoot, key)?.models.map((m) => m.id) ?? []));
}

/** Written only once the build has finished, and atomically, so an interrupted build is never taken for a cached one. */
export function writeManifest(stackRoot: string, manifest: DemoModelsManifest): void {
  mkdirSync(demoModelsDir(stackRoot), { recursive: true });
  const file = manifestFile(stackRoot, manifest.key);
  writeFileWhole(file, JSON.stringify(manifest, null, 2));
}
