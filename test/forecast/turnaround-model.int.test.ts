import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { coverageReport, cutsByShare, timeSplit } from '../../src/forecast/conformal/index.js';
import { landmarkRows } from '../../src/forecast/features/index.js';
import { ensureForecastPython } from '../../src/forecast/python-env.js';
import { fitTurnaround, predictTurnaround, turnaroundCell } from '../../src/forecast/turnaround/index.js';
import { stackPaths } from '../../src/stack/paths.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from '../sim/twin-fixtures.js';

// Int level: LightGBM trains in the forecast venv (installed under .stack/forecast on first use).
describe('the turnaround model, LightGBM quantiles with CQR', () => {
  it('serves ordered quantiles that cover about 80 % of a later time window', async () => {
    const python = await ensureForecastPython(stackPaths(loadConfig()).root, (line) => console.error(line));
    const history = simulate(baselineScenario(), { seed: 11, batches: 1_500, telemetry: false });
    const { rows, spec } = landmarkRows(history);
    const labelled = rows.filter((r) => r.targets.release_days !== null);
    const split = timeSplit(labelled, cutsByShare(labelled, { train: 0.5, calibration: 0.25 }), (r) => r.outcomeAt.release_days);

    const artifact = await fitTurnaround(split.train, split.calibration, { target: 'release_days', python, spec, rounds: 150 });
    const cases = split.test.map((r) => {
      const cell = turnaroundCell(r.productId, r.stage);
      return { ...predictTurnaround(artifact, r.features, cell), y: r.targets.release_days!, group: cell };
    });

    expect(cases.every((c) => c.p10 <= c.p50 && c.p50 <= c.p90 && c.p10 >= 0)).toBe(true);
    expect(artifact.trainedOn.rows).toBe(split.train.length);
    expect(JSON.parse(JSON.stringify(artifact))).toEqual(artifact);
    const report = coverageReport(cases);
    expect(report.overall.count).toBeGreaterThan(3_000);
    expect(report.overall.coverage).toBeGreaterThan(0.75);
    expect(report.overall.coverage).toBeLessThan(0.85);
  }, 60_000);
});
