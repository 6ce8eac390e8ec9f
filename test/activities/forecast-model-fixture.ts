import type { Database } from '../../src/db/client.js';
import { FEATURE_NAMES, featureSpec, type FeatureName, type TargetName } from '../../src/forecast/features/index.js';
import { activate, registerCandidate } from '../../src/forecast/registry/index.js';
import type { TurnaroundArtifact } from '../../src/forecast/turnaround/index.js';

/** A one-split LightGBM dump: `left` days when `feature` ≤ `threshold` (or missing), else `right`. */
function stump(feature: FeatureName, threshold: number, left: number, right: number) {
  const split = { split_feature: FEATURE_NAMES.indexOf(feature), threshold, decision_type: '<=', default_left: true, missing_type: 'NaN' };
  return {
    version: 'v4',
    num_class: 1,
    num_tree_per_iteration: 1,
    max_feature_idx: FEATURE_NAMES.length - 1,
    objective: 'quantile',
    average_output: false,
    feature_names: [...FEATURE_NAMES],
    tree_info: [{ tree_index: 0, num_leaves: 2, shrinkage: 1, tree_structure: { ...split, left_child: { leaf_value: left }, right_child: { leaf_value: right } } }],
  };
}

/**
 * A hand-made model whose answer is known: P10/P50/P90 of 4/5/6 days within the first 12 (real)
 * hours of a stage and 2/3/4 days after, widened by a conformal correction of half a day. Small
 * enough to check the wiring to the day: the time scale on the way in (hours) and out (days).
 */
export function knownArtifact(target: TargetName, productId: string): TurnaroundArtifact {
  return {
    target,
    spec: featureSpec({ product: [productId], site: [], lane: [] }),
    featureNames: FEATURE_NAMES,
    models: { p10: stump('hours_in_stage', 12, 4, 2), p50: stump('hours_in_stage', 12, 5, 3), p90: stump('hours_in_stage', 12, 6, 4) },
    calibration: { alpha: 0.2, global: 0.5, groups: {} },
    trainedOn: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', rows: 0 },
  };
}

/** Registers and promotes `artifact` in `scope` (a test's own), as `v2v forecast promote` would. */
export async function activateModel(db: Database, scope: string, artifact: TurnaroundArtifact): Promise<string> {
  const { trainedOn } = artifact;
  const candidate = await registerCandidate(db, {
    target: artifact.target,
    scope,
    trainedFrom: new Date(trainedOn.from),
    trainedTo: new Date(trainedOn.to),
    features: [...artifact.featureNames],
    metrics: {},
    artifact,
  });
  await activate(db, candidate.id);
  return candidate.id;
}
