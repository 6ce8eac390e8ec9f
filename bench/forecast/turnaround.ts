import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { coverageReport, cutsByShare, fitEmpiricalQuantiles, timeSplit, type QuantilePrediction } from '../../src/forecast/conformal/index.js';
import { createDatabase, requireDatabaseUrl } from '../../src/db/client.js';
import { landmarkRows, servingRow, type FeatureSpec, type LandmarkRow, type TargetName } from '../../src/forecast/features/index.js';
import { loadLandmarkRows } from '../../src/forecast/training/index.js';
import { clearSeed } from '../../src/sim/history/run-history.js';
import { scenarioSites } from '../../src/sim/history/scenario-sites.js';
import { simulatedIds } from '../../src/sim/history/simulated-ids.js';
import { writeHistory } from '../../src/sim/history/write-history.js';
import { configWithStack } from '../../src/cli/stack-env.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { fitTurnaround, predictTurnaround, rawTurnaround, turnaroundCell } from '../../src/forecast/turnaround/index.js';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { repoRoot, stackPaths } from '../../src/stack/paths.js';
import { cellLines, METHOD_HEADER, methodLine, verdictLines } from './turnaround-report.js';
import { seededSample, stateAt, TwinForecaster } from './turnaround-twin-sample.js';

// The turnaround model against the median per product, empirical quantiles per product × stage,
// the same LightGBM quantiles without CQR, and the twin's own forecast, on the newest landmarks of
// a twin history split by time. Figures go to docs/forecasting.md.
const { values: flags } = parseArgs({
  options: {
    batches: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'train-rows': { type: 'string', default: '50000' },
    'twin-runs': { type: 'string', default: '30' },
    'twin-sample': { type: 'string', default: '2000' },
    targets: { type: 'string', default: 'release_days,infusion_ready_days' },
    source: { type: 'string', default: 'db' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:forecast:turnaround -- [options]
  --batches N       twin history (not drained: the newest batches are in flight), default 20000
  --seed S          default 1
  --train-rows N    train on the newest N landmarks of the training window, default 50000
  --twin-runs R     simulations per twin forecast, default 30
  --twin-sample K   test landmarks the twin forecasts (it is slow), default 2000
  --targets LIST    default release_days,infusion_ready_days
  --source db|memory  db (default): write the history to PostgreSQL as \`v2v simulate history\` does and
                    train from the landmarks table, as \`v2v forecast train\` does; memory: landmarkRows`);
  process.exit(0);
}
const seed = Number(flags.seed);
const secondsSince = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
const scenario = loadScenario(path.join(repoRoot, 'scenarios', 'baseline.json'));
let t0 = performance.now();
const history = simulate(scenario, { seed, batches: Number(flags.batches), telemetry: false, drain: false });
console.log(`twin history: ${history.batches.length} batches (seed ${seed}, not drained) in ${secondsSince(t0)} s`);
const fromDb = flags.source === 'db';
if (!fromDb && flags.source !== 'memory') throw new Error(`--source must be db or memory, not ${flags.source}`);
const pool = fromDb ? createDatabase(requireDatabaseUrl(configWithStack(loadConfig()).DATABASE_URL), { max: 3 }) : undefined;
if (pool) {
  t0 = performance.now();
  await clearSeed(pool.pool, seed);
  await writeHistory(pool.pool, history, scenarioSites(scenario));
  console.log(`written to PostgreSQL (seed ${seed}, as v2v simulate history writes it) in ${secondsSince(t0)} s`);
}
// The database knows a simulated batch by the id history mode gave it; the twin by its own.
const ids = simulatedIds(seed);
const twinIdOf = new Map(history.batches.map((b) => [pool ? ids.batch(b.input.batchId) : b.input.batchId, b.input.batchId]));
const twin = new TwinForecaster(history.batches, scenario, Number(flags['twin-runs']), seed, (id) => twinIdOf.get(id)!);
const memory = fromDb ? undefined : landmarkRows(history);

async function labelledRows(target: TargetName): Promise<{ rows: LandmarkRow[]; spec: FeatureSpec }> {
  const started = performance.now();
  const loaded = pool
    ? await loadLandmarkRows(pool.db, { target, source: 'simulated', seed, until: new Date(history.endAt) })
    : { rows: memory!.rows.filter((r) => r.targets[target] !== null), spec: memory!.spec };
  console.log(`landmark rows labelled with ${target}: ${loaded.rows.length} (${pool ? 'loaded from PostgreSQL' : 'built in memory'}) in ${secondsSince(started)} s`);
  return loaded;
}
const cellOf = (r: LandmarkRow) => turnaroundCell(r.productId, r.stage);
let latencyUs = NaN;

for (const target of flags.targets.split(',') as TargetName[]) {
  const { rows: labelled, spec } = await labelledRows(target);
  const cuts = cutsByShare(labelled, { train: 0.6, calibration: 0.2 });
  const split = timeSplit(labelled, cuts, (r) => r.outcomeAt[target]);
  const train = split.train.sort((a, b) => a.at.localeCompare(b.at)).slice(-Number(flags['train-rows']));
  const y = (r: LandmarkRow) => r.targets[target]!;
  console.log(`\n=== ${target} ===`);
  console.log(`split by landmark time (60/20/20, calibration from ${cuts.calibrationFrom}, test from ${cuts.testFrom}):`);
  console.log(`  train ${train.length} (newest of ${split.train.length} whose outcome was known by the cut), calibration ${split.calibration.length}, test ${split.test.length}`);

  t0 = performance.now();
  const artifact = await fitTurnaround(train, split.calibration, { target, python, spec });
  console.log(`training: ${secondsSince(t0)} s for ${train.length} landmarks (3 quantile models side by side, 1 thread each, CSV and CQR included)`);
  console.log(`  CQR correction: global ${artifact.calibration.global.toFixed(2)} days, ${Object.keys(artifact.calibration.groups).length} cells with their own`);

  const median = fitEmpiricalQuantiles(train.map((r) => ({ group: r.productId, product: r.productId, y: y(r) })));
  const empirical = fitEmpiricalQuantiles(train.map((r) => ({ group: cellOf(r), product: r.productId, y: y(r) })));
  const methods: [string, (r: LandmarkRow) => QuantilePrediction, boolean?][] = [
    ['V2V (LightGBM + CQR)', (r) => predictTurnaround(artifact, r.features, cellOf(r))],
    ['median per product', (r) => median.predict({ group: r.productId, product: r.productId }), true],
    ['empirical per product × stage', (r) => empirical.predict({ group: cellOf(r), product: r.productId })],
    ['LightGBM quantiles, no CQR', (r) => rawTurnaround(artifact, r.features)],
  ];
  const report = (cases: readonly LandmarkRow[], predict: (r: LandmarkRow) => QuantilePrediction) =>
    coverageReport(cases.map((r) => ({ ...predict(r), y: y(r), group: cellOf(r) })));
  const reports = methods.map(([, predict]) => report(split.test, predict));

  console.log(`\nall ${split.test.length} test landmarks:\n${METHOD_HEADER}`);
  methods.forEach(([name, , pointOnly], i) => console.log(methodLine(name, reports[i]!.overall, undefined, pointOnly)));

  t0 = performance.now();
  const sample = seededSample(split.test, Number(flags['twin-sample']), seed).filter((r) => twin.forecast(r, target) !== undefined);
  console.log(`\ntwin sample: ${sample.length} test landmarks (seeded), ${flags['twin-runs']} runs each, ${secondsSince(t0)} s (${(twin.msSpent / twin.forecasts).toFixed(0)} ms per twin forecast)`);
  const twinReport = report(sample, (r) => twin.forecast(r, target)!);
  console.log(METHOD_HEADER);
  console.log(methodLine('twin (forecastByTwin)', twinReport.overall));
  const sampleReports = methods.map(([, predict]) => report(sample, predict));
  methods.forEach(([name, , pointOnly], i) => console.log(methodLine(name, sampleReports[i]!.overall, twinReport.overall, pointOnly)));

  console.log(`\nper product × stage, all test landmarks (V2V, with baselines in brackets):`);
  for (const line of cellLines(reports[0]!, reports[1]!, reports[2]!, 100)) console.log(line);
  console.log(`\nper product × stage on the twin sample (mean pinball, V2V / twin):`);
  for (const [cell, r] of Object.entries(sampleReports[0]!.byGroup)) {
    const t = twinReport.byGroup[cell]!;
    console.log(`  ${cell.padEnd(46)} n ${String(r.count).padStart(4)}  ${r.pinball.mean.toFixed(2)} / ${t.pinball.mean.toFixed(2)}  (×${(r.pinball.mean / t.pinball.mean).toFixed(2)})`);
  }

  // In the worker's process a forecast is servingRow + three tree ensembles + the CQR lookup.
  const probes = sample.map((r) => {
    const batch = twin.batch(r);
    const context = {
      at: r.at,
      queue: { manufacturing: r.features.queue_manufacturing ?? 0, qc: r.features.queue_qc ?? 0 },
      lanes: { outbound: batch.attributes.laneOutboundId, return: batch.attributes.laneReturnId },
      cellYield: batch.attributes.cellYield,
    };
    return { state: stateAt(batch, r.at), context, cell: cellOf(r) };
  });
  const featureRows = probes.map((p) => servingRow(p.state, p.context, spec));
  const n = 50_000;
  const microsecondsEach = (f: (i: number) => number) => {
    let sink = 0;
    for (let i = 0; i < 2_000; i++) sink += f(i);
    const started = performance.now();
    for (let i = 0; i < n; i++) sink += f(i);
    if (Number.isNaN(sink)) throw new Error('a prediction was NaN');
    return ((performance.now() - started) * 1000) / n;
  };
  const at = (i: number) => probes[i % probes.length]!;
  latencyUs = microsecondsEach((i) => predictTurnaround(artifact, servingRow(at(i).state, at(i).context, spec), at(i).cell).p50);
  const featuresUs = microsecondsEach((i) => servingRow(at(i).state, at(i).context, spec).attempt ?? 0);
  const modelUs = microsecondsEach((i) => predictTurnaround(artifact, featureRows[i % probes.length]!, at(i).cell).p50);
  console.log(`\nprediction in process: ${latencyUs.toFixed(1)} µs per forecast over ${n} forecasts of ${probes.length} landmarks:`);
  console.log(`  servingRow alone ${featuresUs.toFixed(1)} µs, the 3 tree ensembles + CQR alone ${modelUs.toFixed(1)} µs`);

  const cells = Object.entries(reports[0]!.byGroup).filter(([, r]) => r.count >= 100);
  const worst = cells.sort((a, b) => a[1].coverage - b[1].coverage)[0];
  console.log('\ntargets:');
  const verdicts = verdictLines({
    maeGain: 1 - reports[0]!.overall.p50Mae / reports[1]!.overall.p50Mae,
    pinballToTwin: sampleReports[0]!.overall.pinball.mean / twinReport.overall.pinball.mean,
    coverage: reports[0]!.overall.coverage,
    ...(worst ? { worstCell: { cell: worst[0], coverage: worst[1].coverage } } : {}),
    latencyUs,
  });
  for (const line of verdicts) console.log(`  ${line}`);
}
await pool?.pool.end();
