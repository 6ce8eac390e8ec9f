import type { LegTelemetry, ProductProfile, ShipmentLeg } from '../profile.js';
import { MINUTE_MS } from '../durations.js';
import type { Leg } from '../stages.js';
import type { Metric, RuleSet, ThresholdRule } from './types.js';

/**
 * Shipment rules come from the product profile: the leg's temperature range and, for a dry shipper,
 * its tilt. Durations here are nominal; `scaleRuleSet` compresses them for the demo and the tests.
 */
/** How far behind the device's newest reading a reading may arrive and still change history. */
export const ALLOWED_LATENESS_MS = 2 * MINUTE_MS;
/** A dry shipper's tilt is back in range only this far (degrees) below its limit. */
export const TILT_HYSTERESIS_DEG = 5;

export const CHILLED_LEG_TELEMETRY: LegTelemetry = {
  minExcursionMinutes: 10,
  hysteresisC: 0.5,
  budgetMinutes: 30,
  tiltMaxDeg: 45,
  tiltMinSeconds: 60,
  gapMinutes: 15,
};

export const CRYOGENIC_LEG_TELEMETRY: LegTelemetry = {
  ...CHILLED_LEG_TELEMETRY,
  minExcursionMinutes: 5,
  hysteresisC: 2,
  budgetMinutes: 20,
};

/** A leg that must stay at or below −60 °C travels in a dry shipper (vapour-phase nitrogen). */
export function isCryogenic(leg: Pick<ShipmentLeg, 'tempMaxC'>): boolean {
  return leg.tempMaxC <= -60;
}

/** The stable name of a limit, e.g. `temperature_c:2..8`, `ln2_level_pct:20..`, `tilt_deg:..45`. */
export function ruleId(metric: Metric, min: number | undefined, max: number | undefined): string {
  return `${metric}:${min ?? ''}..${max ?? ''}`;
}

export type RuleSpec = Omit<ThresholdRule, 'id'>;

/** A rule with its id, and without keys that are undefined (rules are stored as JSON). */
export function thresholdRule(spec: RuleSpec): ThresholdRule {
  return {
    id: ruleId(spec.metric, spec.min, spec.max),
    metric: spec.metric,
    ...(spec.min === undefined ? {} : { min: spec.min }),
    ...(spec.max === undefined ? {} : { max: spec.max }),
    hysteresis: spec.hysteresis,
    minDurationMs: spec.minDurationMs,
    ...(spec.budgetMs === undefined ? {} : { budgetMs: spec.budgetMs }),
  };
}

export function tiltRule(telemetry: Pick<LegTelemetry, 'tiltMaxDeg' | 'tiltMinSeconds'>): ThresholdRule {
  return thresholdRule({ metric: 'tilt_deg', max: telemetry.tiltMaxDeg, hysteresis: TILT_HYSTERESIS_DEG, minDurationMs: telemetry.tiltMinSeconds * 1000 });
}

/** The limits a shipment's logger is held to on one leg of the product's journey. */
export function shipmentRules(profile: ProductProfile, leg: Leg): RuleSet {
  const spec = profile.legs[leg];
  const cryogenic = isCryogenic(spec);
  const telemetry = spec.telemetry ?? (cryogenic ? CRYOGENIC_LEG_TELEMETRY : CHILLED_LEG_TELEMETRY);
  const rules = [
    thresholdRule({
      metric: 'temperature_c',
      min: spec.tempMinC,
      max: spec.tempMaxC,
      hysteresis: telemetry.hysteresisC,
      minDurationMs: telemetry.minExcursionMinutes * MINUTE_MS,
      budgetMs: telemetry.budgetMinutes * MINUTE_MS,
    }),
  ];
  if (cryogenic) rules.push(tiltRule(telemetry));
  return { rules, gapAfterMs: telemetry.gapMinutes * MINUTE_MS, allowedLatenessMs: ALLOWED_LATENESS_MS };
}

/**
 * Compresses every duration by the clock's time scale (86400: a day lasts a second). Durations are
 * rounded to whole milliseconds, because episode times become timestamps and ids; a positive duration
 * never rounds down to 0, which would mean "at once".
 */
export function scaleRuleSet(ruleSet: RuleSet, timeScale: number): RuleSet {
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new Error(`The time scale must be a positive number; got ${timeScale}.`);
  const scale = (ms: number) => (ms === 0 ? 0 : Math.max(1, Math.round(ms / timeScale)));
  return {
    rules: ruleSet.rules.map((rule) => {
      const scaled: ThresholdRule = { ...rule, minDurationMs: scale(rule.minDurationMs) };
      if (rule.budgetMs !== undefined) scaled.budgetMs = scale(rule.budgetMs);
      return scaled;
    }),
    gapAfterMs: scale(ruleSet.gapAfterMs),
    allowedLatenessMs: scale(ruleSet.allowedLatenessMs),
  };
}
