import { isLeaf, ModelDumpError } from './model-dump.js';
import type { TreeInfo, TreeNode } from './model-dump.js';

/**
 * One tree flattened into arrays, so a prediction walks typed arrays instead of JSON objects.
 * Node i's children are indices; a negative index ~k is leaf k.
 */
export interface CompiledTree {
  feature: Int32Array;
  threshold: Float64Array;
  /** 0 numerical `<=`; 1 categorical `==` (the set is in `categories`). */
  categorical: Uint8Array;
  defaultLeft: Uint8Array;
  /** 0 None, 1 Zero, 2 NaN, as in LightGBM's MissingType. */
  missing: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  categories: (Set<number> | undefined)[];
  leafValue: Float64Array;
}

const MISSING = { None: 0, Zero: 1, NaN: 2 } as const;
// LightGBM's kZeroThreshold: a value this close to zero counts as zero for missing_type Zero.
const ZERO_THRESHOLD = 1e-35;

export function compileTree(info: TreeInfo): CompiledTree {
  if (info.is_linear) throw new ModelDumpError(`Tree ${info.tree_index} is a linear tree, which V2V's evaluator does not support.`);
  const splits = Math.max(info.num_leaves - 1, 0);
  const tree: CompiledTree = {
    feature: new Int32Array(splits),
    threshold: new Float64Array(splits),
    categorical: new Uint8Array(splits),
    defaultLeft: new Uint8Array(splits),
    missing: new Uint8Array(splits),
    left: new Int32Array(splits),
    right: new Int32Array(splits),
    categories: new Array<Set<number> | undefined>(splits),
    leafValue: new Float64Array(Math.max(info.num_leaves, 1)),
  };
  let nextSplit = 0;
  let nextLeaf = 0;
  const visit = (node: TreeNode): number => {
    if (isLeaf(node)) {
      tree.leafValue[nextLeaf] = node.leaf_value;
      return ~nextLeaf++;
    }
    const i = nextSplit++;
    if (i >= splits) throw new ModelDumpError(`Tree ${info.tree_index} has more splits than its num_leaves allows.`);
    if (!(node.missing_type in MISSING)) throw new ModelDumpError(`Unknown missing_type ${String(node.missing_type)} in tree ${info.tree_index}.`);
    tree.feature[i] = node.split_feature;
    tree.defaultLeft[i] = node.default_left ? 1 : 0;
    tree.missing[i] = MISSING[node.missing_type];
    if (node.decision_type === '<=') {
      tree.threshold[i] = Number(node.threshold);
    } else if (node.decision_type === '==') {
      tree.categorical[i] = 1;
      tree.categories[i] = new Set(String(node.threshold).split('||').map(Number));
    } else {
      throw new ModelDumpError(`Unknown decision_type ${String(node.decision_type)} in tree ${info.tree_index}.`);
    }
    tree.left[i] = visit(node.left_child);
    tree.right[i] = visit(node.right_child);
    return i;
  };
  const root = visit(info.tree_structure);
  if (root !== ~0 && root !== 0) throw new ModelDumpError(`Tree ${info.tree_index} does not start at its root.`);
  return tree;
}

/** LightGBM's Tree::NumericalDecision and CategoricalDecision, missing values included. */
function goesLeft(tree: CompiledTree, i: number, raw: number): boolean {
  if (tree.categorical[i] === 1) {
    // NaN and negative categories always go right; a category is the value truncated to an integer.
    if (Number.isNaN(raw)) return false;
    const category = Math.trunc(raw);
    return category >= 0 && tree.categories[i]!.has(category);
  }
  const missing = tree.missing[i];
  const value = Number.isNaN(raw) && missing !== MISSING.NaN ? 0 : raw;
  if (
    (missing === MISSING.Zero && value >= -ZERO_THRESHOLD && value <= ZERO_THRESHOLD) ||
    (missing === MISSING.NaN && Number.isNaN(value))
  ) {
    return tree.defaultLeft[i] === 1;
  }
  return value <= tree.threshold[i]!;
}

export function evaluateTree(tree: CompiledTree, row: ArrayLike<number>): number {
  if (tree.feature.length === 0) return tree.leafValue[0]!;
  let node = 0;
  while (node >= 0) {
    node = goesLeft(tree, node, row[tree.feature[node]!]!) ? tree.left[node]! : tree.right[node]!;
  }
  return tree.leafValue[~node]!;
}
