import { describe, expect, it } from 'vitest';
import { loadBooster } from '../../src/forecast/lightgbm/booster.js';
import type { ModelDump, TreeNode } from '../../src/forecast/lightgbm/model-dump.js';

const leaf = (leaf_value: number): TreeNode => ({ leaf_value });

function dumpOf(objective: string, root: TreeNode, extra: Partial<ModelDump> = {}): ModelDump {
  return {
    version: 'v4',
    num_class: 1,
    num_tree_per_iteration: 1,
    max_feature_idx: 0,
    objective,
    average_output: false,
    feature_names: ['x'],
    tree_info: [{ tree_index: 0, num_leaves: 'leaf_value' in root ? 1 : 2, shrinkage: 1, tree_structure: root }],
    ...extra,
  };
}

const split = (missing_type: 'None' | 'Zero' | 'NaN', default_left: boolean): TreeNode => ({
  split_feature: 0,
  threshold: -1,
  decision_type: '<=',
  default_left,
  missing_type,
  left_child: leaf(1),
  right_child: leaf(2),
});

describe('the LightGBM dump evaluator on hand-made trees', () => {
  it('sends NaN the default way for missing_type NaN, and reads it as 0 for None', () => {
    expect(loadBooster(dumpOf('regression', split('NaN', true))).predict([NaN])).toBe(1);
    expect(loadBooster(dumpOf('regression', split('None', true))).predict([NaN])).toBe(2);
  });

  it('sends zero (and NaN, read as zero) the default way for missing_type Zero', () => {
    const booster = loadBooster(dumpOf('regression', split('Zero', true)));
    expect([booster.predict([0]), booster.predict([NaN]), booster.predict([-2]), booster.predict([3])]).toEqual([1, 1, 1, 2]);
  });

  it('applies the sigmoid for binary models and evaluates a one-leaf tree', () => {
    expect(loadBooster(dumpOf('binary sigmoid:1', leaf(0))).predict([5])).toBe(0.5);
  });

  it('sends listed categories left and NaN or negative categories right', () => {
    const root: TreeNode = { ...(split('None', false) as object), decision_type: '==', threshold: '1||3' } as TreeNode;
    const booster = loadBooster(dumpOf('regression', root));
    expect([1, 3.7, 2, NaN, -1].map((x) => booster.predict([x]))).toEqual([1, 1, 2, 2, 2]);
  });

  it('refuses objectives and trees it cannot evaluate, saying which', () => {
    expect(() => loadBooster(dumpOf('lambdarank', leaf(0)))).toThrow(/lambdarank.*not supported/);
    expect(() => loadBooster(dumpOf('multiclass', leaf(0), { num_class: 3 }))).toThrow(/Multiclass/);
  });
});
