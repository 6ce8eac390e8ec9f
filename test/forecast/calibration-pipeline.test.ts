import { describe, expect, it } from 'vitest';
import { applyCalibration, calibrate, coverageReport, cutsByShare, fitEmpiricalQuantiles, timeSplit } from '../../src/forecast/conformal/index.js';
import { landmarkRows, type LandmarkRow } from '../../src/forecast/features/index.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from '../sim/twin-fixtures.js';

const cellOf = (r: LandmarkRow) => `${r.productId} × ${r.stage}`;

describe('turnaround calibration, twin to coverage report', () => {
  it('calibrates the empirical baseline on a time-ordered window so that the test split covers closer to 80 %', () => {
    const history = simulate(baselineScenario(), { seed: 11, batches: 1_500, telemetry: false });
    const { rows } = landmarkRows(history);
    const labelled = rows.filter((r) => r.targets.release_days !== null);
    const split = timeSplit(labelled, cutsByShare(labelled, { train: 0.5, calibration: 0.25 }), (r) => r.outcomeAt.release_days);
    const y = (r: LandmarkRow) => r.targets.release_days!;

    const model = fitEmpiricalQuantiles(split.train.map((r) => ({ group: cellOf(r), product: r.productId, y: y(r) })));
    const predict = (r: LandmarkRow) => model.predict({ group: cellOf(r), product: r.productId });
    const calibration = calibrate(split.calibration.map((r) => ({ ...predict(r), y: y(r), group: cellOf(r) })), { minGroupSize: 50 });

    const raw = coverageReport(split.test.map((r) => ({ ...predict(r), y: y(r), group: cellOf(r) })));
    const calibrated = coverageReport(split.test.map((r) => ({ ...applyCalibration(calibration, predict(r), cellOf(r)), y: y(r), group: cellOf(r) })));

    expect(split.train.length + split.calibration.length + split.test.length).toBeLessThanOrEqual(labelled.length);
    expect(split.test.length).toBeGreaterThan(500);
    expect(Object.keys(calibrated.byGroup).length).toBeGreaterThan(4);
    expect(calibrated.overall.count).toBe(split.test.length);
    // Seeded, so deterministic: 78.8 % uncalibrated, 79.9 % calibrated when written.
    expect(Math.abs(calibrated.overall.coverage - 0.8)).toBeLessThan(Math.abs(raw.overall.coverage - 0.8));
    // A 1,500-batch simulation: seconds on a busy 2-core machine, past the unit level's 5 s default.
  }, 60_000);
});
