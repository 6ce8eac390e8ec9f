/**
 * The shape of LightGBM's JSON model dump (`Booster.dump_model()`, version v4), as far as V2V's
 * evaluator reads it. Leaf values already include the learning rate (`shrinkage` is informational)
 * and the first tree carries the init score LightGBM boosted from, so a prediction is a plain sum.
 */
export interface SplitNode {
  split_feature: number;
  /** A number for `<=`; for `==` the categories that go left, as "1||4||7". */
  threshold: number | string;
  decision_type: '<=' | '==';
  default_left: boolean;
  missing_type: 'None' | 'Zero' | 'NaN';
  left_child: TreeNode;
  right_child: TreeNode;
}

export interface LeafNode {
  leaf_value: number;
}

export type TreeNode = SplitNode | LeafNode;

export interface TreeInfo {
  tree_index: number;
  num_leaves: number;
  shrinkage: number;
  tree_structure: TreeNode;
  /** Present on linear trees, which V2V does not evaluate. */
  is_linear?: boolean;
}

export interface ModelDump {
  version: string;
  num_class: number;
  num_tree_per_iteration: number;
  max_feature_idx: number;
  /** E.g. "regression", "quantile", "binary sigmoid:1". */
  objective: string;
  average_output: boolean;
  feature_names: string[];
  tree_info: TreeInfo[];
}

export class ModelDumpError extends Error {
  override name = 'ModelDumpError';
}

export const isLeaf = (node: TreeNode): node is LeafNode => 'leaf_value' in node;

/** Checks the top level of a parsed dump; the trees are checked as they are compiled. */
export function parseModelDump(json: unknown): ModelDump {
  const dump = json as Partial<ModelDump> | null;
  if (!dump || typeof dump !== 'object' || !Array.isArray(dump.tree_info) || !Array.isArray(dump.feature_names)) {
    throw new ModelDumpError('Not a LightGBM JSON model dump: tree_info and feature_names are missing.');
  }
  if (typeof dump.objective !== 'string') throw new ModelDumpError('The model dump names no objective.');
  if (dump.num_class !== 1 || dump.num_tree_per_iteration !== 1) {
    throw new ModelDumpError(`Multiclass models (num_class ${dump.num_class}) are not supported by V2V's evaluator.`);
  }
  return dump as ModelDump;
}
