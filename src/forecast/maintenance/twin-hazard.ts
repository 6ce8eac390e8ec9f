import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import { cumulativeHazard, type FleetWear, type WearModel } from '../../domain/equipment-wear.js';
import { FAILURE_HORIZON_DAYS } from './labels.js';
import type { UnitHistory } from './unit-history.js';

/**
 * The twin's own failure probability for the next 7 days, from the scenario's Weibull parameters
 * and the unit's effective age (docs/twin.md, Equipment): the yardstick a model is measured
 * against. The twin keeps effective age inside its run, so it is rebuilt here from the records:
 * one day per day while up, none while down, `repairRestores` / `serviceRestores` of it removed at
 * each return to service. Days in use age faster in the twin; the records do not say how long each
 * use lasted, so that part is left out and the yardstick is slightly optimistic for busy units.
 * The parameters come in from the caller (a scenario's, which fit the domain's wear model), so the
 * forecasts measure against the twin's ground truth without importing the twin.
 */
export function twinFailureProbability(history: UnitHistory, wear: FleetWear, simulationStart: number, at: number): number {
  const p = wear[history.unit.kind];
  // A kind the twin does not wear out (the generic `shipper`) has no hazard to report.
  if (!p) return 0;
  const age = effectiveAgeDays(history, p, simulationStart, at);
  return 1 - Math.exp(-(cumulativeHazard(age + FAILURE_HORIZON_DAYS, p) - cumulativeHazard(age, p)));
}

/** Effective age at `at`: the twin records a unit's age at the start as `installedAt` days before it. */
export function effectiveAgeDays(history: UnitHistory, p: WearModel, simulationStart: number, at: number): number {
  let age = (simulationStart - Date.parse(history.unit.installedAt)) / DAY_MS;
  let clock = simulationStart;
  const advance = (to: number) => {
    if (to > clock) age += (Math.min(to, at) - clock) / DAY_MS;
    clock = Math.max(clock, to);
  };
  for (const m of history.maintenance) {
    if (m.at >= at) break;
    if (m.kind === 'repair') {
      clock = m.at;
      age *= 1 - p.repairRestores;
      continue;
    }
    advance(m.at);
    if (m.kind === 'service') {
      const backUp = m.at + (m.downtimeHours ?? 0) * HOUR_MS;
      if (backUp >= at) return age;
      clock = backUp;
      age *= 1 - p.serviceRestores;
    } else {
      // Down from the failure until its repair record: no ageing meanwhile.
      clock = Infinity;
    }
  }
  if (clock === Infinity) return age;
  advance(at);
  return age;
}
