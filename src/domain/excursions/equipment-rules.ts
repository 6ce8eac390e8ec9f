import { z } from 'zod';
import { MINUTE_MS } from '../durations.js';
import type { EquipmentKind } from '../equipment.js';
import { EQUIPMENT_KINDS, METRICS } from '../stages.js';
import { ALLOWED_LATENESS_MS, CRYOGENIC_LEG_TELEMETRY, thresholdRule, tiltRule, type RuleSpec } from './rules.js';
import type { Metric, RuleSet } from './types.js';

/**
 * Equipment rules: defaults per kind of equipment, which the equipment's own `profile` (a jsonb
 * column, edited by people) may tighten or loosen metric by metric.
 */

const minutes = (n: number) => n * MINUTE_MS;

const cryogenicStorage: RuleSpec[] = [
  {
    metric: 'temperature_c',
    max: -150,
    hysteresis: CRYOGENIC_LEG_TELEMETRY.hysteresisC,
    minDurationMs: minutes(CRYOGENIC_LEG_TELEMETRY.minExcursionMinutes),
    budgetMs: minutes(CRYOGENIC_LEG_TELEMETRY.budgetMinutes),
  },
];

const DEFAULTS: Record<EquipmentKind, { specs: RuleSpec[]; tilt: boolean; gapMinutes: number }> = {
  bioreactor: {
    specs: [
      { metric: 'ph', min: 6.8, max: 7.4, hysteresis: 0.05, minDurationMs: minutes(5) },
      { metric: 'dissolved_oxygen_pct', min: 30, max: 60, hysteresis: 2, minDurationMs: minutes(5) },
      { metric: 'temperature_c', min: 36.5, max: 37.5, hysteresis: 0.2, minDurationMs: minutes(5) },
      // ×10^6 cells/mL: a culture that stops growing is noticed over half an hour, not a sample.
      { metric: 'viable_cell_density', min: 0.2, hysteresis: 0.05, minDurationMs: minutes(30) },
    ],
    tilt: false,
    gapMinutes: 10,
  },
  freezer: { specs: [{ metric: 'temperature_c', max: -150, hysteresis: 3, minDurationMs: minutes(10), budgetMs: minutes(60) }], tilt: false, gapMinutes: 15 },
  ln2_tank: { specs: [{ metric: 'ln2_level_pct', min: 20, hysteresis: 2, minDurationMs: minutes(10) }], tilt: false, gapMinutes: 15 },
  dry_shipper: { specs: cryogenicStorage, tilt: true, gapMinutes: 15 },
  shipper: { specs: cryogenicStorage, tilt: true, gapMinutes: 15 },
};

// `location` is text; every other metric is a number a limit can apply to.
const LIMITED_METRICS = METRICS.filter((metric) => metric !== 'location') as [Metric, ...Metric[]];

const metricOverrideSchema = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  hysteresis: z.number().min(0).optional(),
  minDurationMinutes: z.number().min(0).optional(),
  budgetMinutes: z.number().positive().optional(),
});

/** The shape of `equipment.profile`; exported so the API can refuse a bad profile when it is written. */
export const equipmentProfileSchema = z.strictObject({
  metrics: z.partialRecord(z.enum(LIMITED_METRICS), metricOverrideSchema).optional(),
  gapMinutes: z.number().positive().optional(),
});
export type EquipmentProfile = z.infer<typeof equipmentProfileSchema>;

/** The limits a piece of equipment is held to: its kind's defaults with its profile's overrides. */
export function equipmentRules(kind: EquipmentKind, overrides?: unknown): RuleSet {
  const defaults = DEFAULTS[kind];
  if (defaults === undefined) throw new Error(`Unknown equipment kind "${String(kind)}"; known kinds: ${EQUIPMENT_KINDS.join(', ')}.`);
  const parsed = equipmentProfileSchema.safeParse(overrides ?? {});
  if (!parsed.success) throw invalidProfile(kind, parsed.error.issues);

  const specs = new Map<Metric, RuleSpec>(defaults.specs.map((spec) => [spec.metric, spec]));
  for (const [metric, override] of Object.entries(parsed.data.metrics ?? {}) as [Metric, z.infer<typeof metricOverrideSchema>][]) {
    const base = specs.get(metric);
    const merged: RuleSpec = {
      metric,
      min: override.min ?? base?.min,
      max: override.max ?? base?.max,
      hysteresis: override.hysteresis ?? base?.hysteresis ?? 0,
      minDurationMs: override.minDurationMinutes === undefined ? (base?.minDurationMs ?? 0) : minutes(override.minDurationMinutes),
      budgetMs: override.budgetMinutes === undefined ? base?.budgetMs : minutes(override.budgetMinutes),
    };
    const problem = limitProblem(merged);
    if (problem !== undefined) throw invalidProfile(kind, [{ path: ['metrics', metric, problem.field], message: problem.message }]);
    specs.set(metric, merged);
  }

  const rules = [...specs.values()].map(thresholdRule);
  if (defaults.tilt) rules.push(tiltRule(CRYOGENIC_LEG_TELEMETRY));
  return { rules, gapAfterMs: minutes(parsed.data.gapMinutes ?? defaults.gapMinutes), allowedLatenessMs: ALLOWED_LATENESS_MS };
}

/** A limit that could never be met or never be left is a configuration error, not a rule. */
function limitProblem(spec: RuleSpec): { field: 'min' | 'max' | 'hysteresis'; message: string } | undefined {
  if (spec.min === undefined && spec.max === undefined) return { field: 'min', message: 'a metric without a default limit needs a min or a max' };
  if (spec.min !== undefined && spec.max !== undefined) {
    if (spec.max <= spec.min) return { field: 'max', message: `must be above min (${spec.min})` };
    if (2 * spec.hysteresis >= spec.max - spec.min) {
      return { field: 'hysteresis', message: `must be less than half the range ${spec.min}..${spec.max}, or a value could never be back in range` };
    }
  }
  return undefined;
}

function invalidProfile(kind: EquipmentKind, issues: readonly { path: readonly PropertyKey[]; message: string }[]): Error {
  const described = issues.map((issue) => `${issue.path.map(String).join('.') || '(profile)'}: ${issue.message}`).join('; ');
  return new Error(`Invalid equipment profile for a ${kind}: ${described}.`);
}
