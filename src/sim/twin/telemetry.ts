import { HOUR_MS, DAY_MS } from '../../domain/durations.js';
import type { DailyTelemetrySummary, MaintenanceRecord } from '../../domain/equipment.js';
import type { EquipmentParameters } from '../scenario/equipment-parameters.js';
import type { Unit } from './equipment-fleet.js';
import { Random } from '../../domain/random.js';

/**
 * Daily summaries of each unit's telemetry, made once the run is over (the failures are known
 * then): a healthy unit reads around its nominal value; over the precursor days before a failure
 * the mean drifts and the noise grows, so minutes out of range appear before the unit stops. A
 * unit that is down sends nothing; a gateway outage loses part of a day. Readings themselves are
 * not produced: the forecasts' features need the summaries, and live mode publishes readings.
 */
export function dailyTelemetry(units: Unit[], maintenance: MaintenanceRecord[], params: EquipmentParameters, seed: number, from: number, to: number): DailyTelemetrySummary[] {
  const downtime = downIntervals(maintenance);
  const out: DailyTelemetrySummary[] = [];
  const firstDay = Math.floor(from / DAY_MS);
  const lastDay = Math.ceil(to / DAY_MS);
  for (const unit of units) {
    const p = params[unit.kind].telemetry;
    const rng = Random.stream(seed, 'telemetry', unit.id);
    const down = downtime.get(unit.id) ?? [];
    let next = 0;
    for (let day = firstDay; day < lastDay; day++) {
      const dayStart = day * DAY_MS;
      while (next < unit.failures.length && unit.failures[next]! < dayStart) next++;
      const failure = unit.failures[next];
      const daysToFailure = failure === undefined ? Infinity : Math.max(0, (failure - dayStart - 12 * HOUR_MS) / DAY_MS);
      const closeness = failure !== undefined && failure < dayStart + DAY_MS ? 1 : Math.exp(-daysToFailure / p.precursorDays);
      const upShare = 1 - down.reduce((ms, [a, b]) => ms + Math.max(0, Math.min(b, dayStart + DAY_MS) - Math.max(a, dayStart)), 0) / DAY_MS;
      const lost = rng.chance(p.gapProbabilityPerDay) ? 0.05 + 0.45 * rng.uniform() : 0;
      const n = Math.round(p.readingsPerDay * upShare * (1 - lost));
      if (n === 0) continue;
      const date = new Date(dayStart).toISOString().slice(0, 10);
      for (const m of p.metrics) {
        const mu = m.nominal + m.driftAtFailure * closeness;
        const sd = m.noise * (1 + p.noiseGrowth * closeness);
        const mean = mu + (sd / Math.sqrt(n)) * rng.normal();
        const spread = sd * Math.sqrt(2 * Math.log(Math.max(n, 2)));
        const outShare = sd > 0 ? normalCdf((m.min - mu) / sd) + 1 - normalCdf((m.max - mu) / sd) : mu < m.min || mu > m.max ? 1 : 0;
        out.push({
          equipmentId: unit.id, day: date, metric: m.metric, n,
          mean: round(mean), min: round(mean - spread * (0.9 + 0.2 * rng.uniform())), max: round(mean + spread * (0.9 + 0.2 * rng.uniform())),
          stddev: round(sd * (1 + 0.05 * rng.normal())), minutesOutOfRange: Math.round(outShare * 1440 * upShare * (1 - lost)),
        });
      }
    }
  }
  return out;
}

function downIntervals(maintenance: MaintenanceRecord[]): Map<string, [number, number][]> {
  const byUnit = new Map<string, [number, number][]>();
  for (const r of maintenance) {
    if (r.downtimeHours === undefined) continue;
    const at = Date.parse(r.at);
    if (!byUnit.has(r.equipmentId)) byUnit.set(r.equipmentId, []);
    byUnit.get(r.equipmentId)!.push([at, at + r.downtimeHours * HOUR_MS]);
  }
  return byUnit;
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
