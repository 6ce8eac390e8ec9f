import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/domain/durations.js';
import { assessUnitDay, FALLBACK_RULE } from '../../../src/forecast/maintenance/assess-unit.js';
import { MAINTENANCE_FEATURES } from '../../../src/forecast/maintenance/feature-list.js';
import { featureVector } from '../../../src/forecast/maintenance/maintenance-model.js';
import { maintenanceRows } from '../../../src/forecast/maintenance/training-rows.js';
import { epochDay, unitHistories, type EquipmentRecords } from '../../../src/forecast/maintenance/unit-history.js';
import { simulate } from '../../../src/sim/twin/simulate.js';
import { baselineScenario } from '../../sim/twin-fixtures.js';
import { day, reading, unit } from './unit-series.js';

/** What the worker loads to assess one unit: everything it knows up to the day, telemetry of the last 31 days only. */
function servingRecords(records: EquipmentRecords, equipmentId: string, day: number): EquipmentRecords {
  const keep = <T extends { equipmentId: string }>(rows: readonly T[]) => rows.filter((r) => r.equipmentId === equipmentId);
  return {
    equipment: records.equipment.filter((e) => e.id === equipmentId),
    maintenance: keep(records.maintenance).filter((m) => Date.parse(m.at) < (day + 1) * DAY_MS),
    telemetry: keep(records.telemetry).filter((t) => epochDay(t.day) <= day && epochDay(t.day) >= day - 31),
    runs: [...unitHistories(records).get(equipmentId)!.runs].filter((at) => at < (day + 1) * DAY_MS).map((at) => ({ equipmentId, at: new Date(at).toISOString() })),
  };
}

describe('training and serving rows', () => {
  const history = simulate(baselineScenario(), { seed: 21, years: 0.3, telemetry: true });
  const rows = maintenanceRows(history);

  it("the worker's row from a 31-day window equals the training row of the same unit-day, column for column", () => {
    // Every 97th row: all kinds, early days with little history and later ones, units with runs and failures.
    const sample = rows.filter((_, i) => i % 97 === 0);
    expect(new Set(sample.map((r) => r.kind)).size).toBeGreaterThanOrEqual(3);
    for (const row of sample) {
      const served = assessUnitDay(unitHistories(servingRecords(history, row.equipmentId, row.day)).get(row.equipmentId)!, row.day);
      expect(featureVector(served.features)).toEqual(featureVector(row.features));
    }
  });

  it('a feature vector follows MAINTENANCE_FEATURES, a missing feature as NaN', () => {
    const vector = featureVector({ age_days: 3, kind: 0 });
    expect(vector).toHaveLength(MAINTENANCE_FEATURES.length);
    expect(vector[MAINTENANCE_FEATURES.indexOf('age_days')]).toBe(3);
    expect(vector[MAINTENANCE_FEATURES.indexOf('days_since_maintenance')]).toBeNaN();
  });
});

describe('assessing without an active model', () => {
  const quiet = Array.from({ length: 20 }, (_, n) => reading(n, 37, 0.1));
  const assess = (last: ReturnType<typeof reading>) =>
    assessUnitDay(unitHistories({ equipment: [unit], maintenance: [], telemetry: [...quiet, last] }).get(unit.id)!, epochDay(day(20)));

  it("serves the fallback rule, says so, and gives no RUL: noise 2× the unit's own median is flagged", () => {
    const noisy = assess(reading(20, 37, 0.2));
    expect(noisy).toMatchObject({ method: 'threshold-rule', rulDays: null, failureProbability7d: FALLBACK_RULE.probabilityWhenFlagged, threshold: FALLBACK_RULE.threshold });
    expect(noisy.failureProbability7d).toBeGreaterThanOrEqual(noisy.threshold);
    const calm = assess(reading(20, 37, 0.1));
    expect(calm.failureProbability7d).toBe(FALLBACK_RULE.probabilityOtherwise);
    expect(calm.failureProbability7d).toBeLessThan(calm.threshold);
  });
});
