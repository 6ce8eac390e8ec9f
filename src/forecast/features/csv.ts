import { FEATURE_NAMES, TARGETS } from './feature-list.js';
import type { LandmarkRow } from './landmark-rows.js';

const cell = (v: number | null) => (v === null ? '' : String(v));

/**
 * The trainer's input: a header of the feature names then the targets, one line per landmark, an
 * empty cell for missing (LightGBM reads it as NaN). Numbers only, so nothing needs quoting.
 */
export function rowsToCsv(rows: readonly LandmarkRow[]): string {
  const header = [...FEATURE_NAMES, ...TARGETS.map((t) => t.name)].join(',');
  const lines = rows.map((r) => [...FEATURE_NAMES.map((f) => cell(r.features[f])), ...TARGETS.map((t) => cell(r.targets[t.name]))].join(','));
  return [header, ...lines].join('\n') + '\n';
}
