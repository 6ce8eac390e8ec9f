import { DAY_MS } from '../../domain/durations.js';
import type { UnitHistory } from './unit-history.js';

/** The classification horizon: "fails within 7 days" of the end of the row's day. */
export const FAILURE_HORIZON_DAYS = 7;
/** Remaining useful life is capped: beyond it the exact figure neither is knowable from telemetry nor matters. */
export const RUL_CAP_DAYS = 60;

export interface MaintenanceLabels {
  /** 1 if the unit fails within the horizon; undefined when the history ends first without a failure (censored). */
  failsWithin7Days?: 0 | 1;
  /** Days to the next failure, capped at `RUL_CAP_DAYS`; undefined when the history ends before the failure and before the cap. */
  rulDays?: number;
}

/**
 * What happened after the end of `day`, as far as the history (ending at `historyEnd`, ms) tells.
 * A failure seen is a positive whenever the history ends; a quiet stretch is a negative only if the
 * whole horizon lies inside the history: the unit may fail the day after the data stops.
 */
export function unitDayLabels(history: UnitHistory, day: number, historyEnd: number): MaintenanceLabels {
  const asOf = (day + 1) * DAY_MS;
  const next = history.maintenance.find((m) => m.kind === 'failure' && m.at >= asOf && m.at <= historyEnd);
  const labels: MaintenanceLabels = {};
  const daysToFailure = next && (next.at - asOf) / DAY_MS;
  const observedDays = (historyEnd - asOf) / DAY_MS;
  if (daysToFailure !== undefined && daysToFailure <= FAILURE_HORIZON_DAYS) labels.failsWithin7Days = 1;
  else if (observedDays >= FAILURE_HORIZON_DAYS) labels.failsWithin7Days = 0;
  if (daysToFailure !== undefined) labels.rulDays = Math.min(daysToFailure, RUL_CAP_DAYS);
  else if (observedDays >= RUL_CAP_DAYS) labels.rulDays = RUL_CAP_DAYS;
  return labels;
}

/** Did the unit fail during `day` (the row would describe a unit that is already down)? */
export const failedDuring = (history: UnitHistory, day: number): boolean =>
  history.maintenance.some((m) => m.kind === 'failure' && m.at >= day * DAY_MS && m.at < (day + 1) * DAY_MS);
