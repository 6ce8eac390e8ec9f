import { compileTree, evaluateTree } from './compiled-tree.js';
import type { CompiledTree } from './compiled-tree.js';
import { ModelDumpError, parseModelDump } from './model-dump.js';

/**
 * A LightGBM model evaluated in TypeScript from its JSON dump: the worker serves forecasts without
 * Python. `predict` takes one row of feature values in `featureNames` order, NaN for missing.
 */
export interface Booster {
  featureNames: readonly string[];
  objective: string;
  predict(row: ArrayLike<number>): number;
}

/** LightGBM's output transform for the objective named first in the dump's objective string. */
function outputTransform(objective: string): (raw: number) => number {
  const [name, ...options] = objective.split(' ');
  const option = (key: string) => options.find((o) => o.startsWith(`${key}:`))?.slice(key.length + 1);
  switch (name) {
    case 'regression':
      // `reg_sqrt` trains on sqrt(label) and squares the output back, keeping the sign.
      return options.includes('sqrt') ? (x) => Math.sign(x) * x * x : (x) => x;
    case 'regression_l1':
    case 'quantile':
    case 'huber':
    case 'fair':
    case 'mape':
      return (x) => x;
    case 'binary': {
      const sigmoid = Number(option('sigmoid') ?? 1);
      return (x) => 1 / (1 + Math.exp(-sigmoid * x));
    }
    case 'cross_entropy':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'poisson':
    case 'gamma':
    case 'tweedie':
      return (x) => Math.exp(x);
    default:
      throw new ModelDumpError(`The objective "${objective}" is not supported by V2V's evaluator.`);
  }
}

export function loadBooster(json: unknown): Booster {
  const dump = parseModelDump(json);
  const trees: CompiledTree[] = dump.tree_info.map(compileTree);
  const transform = outputTransform(dump.objective);
  // Random-forest mode averages its trees instead of summing them.
  const divisor = dump.average_output ? Math.max(trees.length, 1) : 1;
  const width = dump.max_feature_idx + 1;
  return {
    featureNames: dump.feature_names,
    objective: dump.objective,
    predict(row) {
      if (row.length < width) throw new ModelDumpError(`A row has ${row.length} values; the model reads ${width} features.`);
      let sum = 0;
      for (const tree of trees) sum += evaluateTree(tree, row);
      return transform(sum / divisor);
    },
  };
}
