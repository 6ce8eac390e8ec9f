import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { DAY_MS } from '../../src/domain/durations.js';
import {
  averagePrecision, bestF1Threshold, fitMaintenanceModels, fitThresholdRule, loadMaintenanceModels, maintenanceRows, precisionRecallAt, predictFailure,
  predictRul, RUL_CAP_DAYS, splitByDay, twinFailureProbability, unitHistories, type MaintenanceRow, type Scored,
} from '../../src/forecast/maintenance/index.js';
import { ruleScore, scoredRows } from '../../src/forecast/maintenance/threshold-rule.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';

// "Fails within 7 days" and RUL on a twin history held in memory (simulate, baseline scenario),
// split by time: per equipment kind the LightGBM models against the threshold rule and the twin's
// own hazard, each with its cut-off chosen on the older days. Figures go to docs/maintenance.md.
const { values: flags } = parseArgs({
  options: {
    years: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'test-share': { type: 'string', default: '0.3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:forecast:maintenance -- [--years 10] [--seed 1] [--test-share 0.3]`);
  process.exit(0);
}
const seed = Number(flags.seed);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
const scenario = loadScenario(path.join(repoRoot, 'scenarios', 'baseline.json'));
let t0 = performance.now();
const history = simulate(scenario, { seed, years: Number(flags.years), telemetry: true });
const failures = history.maintenance.filter((m) => m.kind === 'failure').length;
console.log(`twin history: ${flags.years} years, ${history.equipment.length} units, ${failures} failures (seed ${seed}) in ${seconds(t0)} s`);
t0 = performance.now();
const rows = maintenanceRows(history);
const { train, test, cutoffDay } = splitByDay(rows, Number(flags['test-share']));
console.log(`unit-day rows: ${rows.length} in ${seconds(t0)} s; train ${train.length}, test ${test.length} from ${new Date(cutoffDay * DAY_MS).toISOString().slice(0, 10)}`);

const histories = unitHistories(history);
const start = Date.parse(history.startAt);
const hazard = (r: MaintenanceRow) => twinFailureProbability(histories.get(r.equipmentId)!, scenario.equipment, start, (r.day + 1) * DAY_MS);

interface Method {
  scored: Scored[];
  threshold: number;
}
const METHODS = ['model', 'rule', 'twin'] as const;
/** Each kind's test unit-days under each method: flagged by that kind's own cut-off, and the score. */
const pooled = Object.fromEntries(METHODS.map((m) => [m, [] as (Scored & { flagged: boolean })[]])) as Record<(typeof METHODS)[number], (Scored & { flagged: boolean })[]>;
const rulErrors: number[] = [];
/** Errors on the unit-days whose failure came within the cap: most known RULs are the cap itself, easy to hit. */
const rulErrorsBeforeFailure: number[] = [];
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const fmt = (x: number) => x.toFixed(3);
const line = (kind: string, name: string, p: number, r: number, auc: number, twinAuc: number, extra = '') =>
  console.log(`${kind.padEnd(12)} ${name.padEnd(6)} ${fmt(p).padStart(9)} ${fmt(r).padStart(7)} ${fmt(auc).padStart(7)} ${(twinAuc ? (auc / twinAuc).toFixed(2) : '-').padStart(9)}${extra}`);

console.log('\nkind         method precision  recall  PR-AUC  PR-AUC ÷ twin');
for (const kind of [...new Set(rows.map((r) => r.kind))].sort()) {
  const kTrain = train.filter((r) => r.kind === kind);
  const kTest = test.filter((r) => r.kind === kind);
  t0 = performance.now();
  const { artifacts } = await fitMaintenanceModels(kTrain, python);
  const fitSeconds = seconds(t0);
  const models = loadMaintenanceModels(artifacts.failure, artifacts.rul);
  const rule = fitThresholdRule(kTrain);
  const methods: Record<(typeof METHODS)[number], Method> = {
    model: { scored: scoredRows(kTest, (r) => predictFailure(models, r.features)), threshold: models.failure.threshold },
    rule: { scored: scoredRows(kTest, (r) => ruleScore(rule, r)), threshold: rule.threshold },
    // The twin's probability gets its own cut-off from the older days, as the rule does.
    twin: { scored: scoredRows(kTest, hazard), threshold: bestF1Threshold(scoredRows(kTrain, hazard)).threshold },
  };
  const withRul = kTest.filter((r) => r.labels.rulDays !== undefined);
  const rulError = (r: MaintenanceRow) => Math.abs(predictRul(models, r.features) - r.labels.rulDays!);
  const errors = withRul.map(rulError);
  const beforeFailure = withRul.filter((r) => r.labels.rulDays! < RUL_CAP_DAYS).map(rulError);
  rulErrors.push(...errors);
  rulErrorsBeforeFailure.push(...beforeFailure);
  const twinAuc = averagePrecision(methods.twin.scored);
  for (const name of METHODS) {
    const { scored, threshold } = methods[name];
    pooled[name].push(...scored.map((s) => ({ ...s, flagged: s.score >= threshold })));
    const { precision, recall } = precisionRecallAt(scored, threshold);
    const positives = scored.filter((s) => s.positive).length;
    const extra = name === 'model' ? `   ${positives} positives / ${scored.length} test unit-days, RUL MAE ${mean(errors).toFixed(1)} d (${mean(beforeFailure).toFixed(1)} d within 60 days of a failure), fit ${fitSeconds} s` : '';
    line(kind, name, precision, recall, averagePrecision(scored), twinAuc, extra);
  }
}

// Overall: each kind's own decisions pooled for precision and recall. PR-AUC pools the scores of
// the model and the twin (probabilities, comparable across kinds); the rule's features differ per
// kind, so its pooled ranking is its yes/no decision.
const twinAuc = averagePrecision(pooled.twin);
for (const name of METHODS) {
  const all = pooled[name];
  const tp = all.filter((s) => s.flagged && s.positive).length;
  const flagged = all.filter((s) => s.flagged).length;
  const positives = all.filter((s) => s.positive).length;
  const ranked = name === 'rule' ? all.map((s) => ({ positive: s.positive, score: s.flagged ? 1 : 0 })) : all;
  line('overall', name, flagged ? tp / flagged : 0, positives ? tp / positives : 0, averagePrecision(ranked), twinAuc);
}
console.log(`\nRUL MAE over test unit-days with a known RUL (capped at 60): ${mean(rulErrors).toFixed(2)} days (${rulErrors.length} unit-days)`);
console.log(`RUL MAE within 60 days of a failure: ${mean(rulErrorsBeforeFailure).toFixed(2)} days (${rulErrorsBeforeFailure.length} unit-days)`);
