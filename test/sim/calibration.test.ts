import { describe, expect, it } from 'vitest';
import { calibrationTable, formatCalibrationTable } from '../../src/sim/calibration/calibration-table.js';
import { CALIBRATION_TARGETS } from '../../src/sim/calibration/targets.js';
import { simulate } from '../../src/sim/twin/simulate.js';
import { baselineScenario } from './twin-fixtures.js';

describe('the baseline is calibrated to published figures (docs/twin.md)', () => {
  it('puts every simulated figure inside its documented band over four years of patients', () => {
    const scenario = baselineScenario();
    // About 2,000 patients: enough for the failure and not-infused shares to be stable, a few seconds to run.
    const rows = calibrationTable(simulate(scenario, { seed: 2027, years: 4, telemetry: false }), scenario);
    expect(rows).toHaveLength(CALIBRATION_TARGETS.length);
    expect(rows.every((r) => r.n > 200), 'each figure counts enough patients').toBe(true);
    const out = rows.filter((r) => !r.withinBand);
    expect(out, `outside their band:\n${formatCalibrationTable(rows)}`).toEqual([]);
  }, 60_000);
});
