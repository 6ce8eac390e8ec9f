// The maintenance model's columns, in one place: the CSV header, the LightGBM feature names and the
// row type all come from these arrays, so training and serving cannot disagree on a column.
import { METRICS } from '../../domain/stages.js';
import type { EquipmentKind } from '../../domain/equipment.js';

/** Computed for each metric the unit publishes (columns `<metric>_<feature>`). */
export const PER_METRIC_FEATURES = [
  /** Slope of the daily mean, per day, over the last 7 and 30 days (least squares). */
  'drift_7d',
  'drift_30d',
  /** Today's standard deviation of readings, its slope over 7 days, and today's over the unit's median of the 30 days before. */
  'stddev',
  'stddev_trend_7d',
  'stddev_ratio_30d',
  /** Crossings of the 30-day mean by the daily mean (cycling), and today's max − min. */
  'mean_crossings_30d',
  'range_1d',
  'out_of_range_minutes_1d',
  'out_of_range_minutes_7d',
  /** Days with any minute out of range. */
  'excursion_days_7d',
  'excursion_days_30d',
] as const;

/** Whatever the metric: the unit's age, maintenance, and the strongest signal across its metrics. */
export const UNIT_FEATURES = [
  'kind',
  'age_days',
  'days_since_maintenance',
  'runs_since_maintenance',
  'failures_so_far',
  'out_of_range_minutes_1d',
  'out_of_range_minutes_7d',
  'max_stddev_ratio_30d',
] as const;

export type PerMetricFeature = (typeof PER_METRIC_FEATURES)[number];
export type UnitFeature = (typeof UNIT_FEATURES)[number];
export type Metric = (typeof METRICS)[number];
export type MetricFeature = `${Metric}_${PerMetricFeature}`;
export type MaintenanceFeature = UnitFeature | MetricFeature;

export const metricFeature = (metric: Metric, feature: PerMetricFeature): MetricFeature => `${metric}_${feature}`;

/** Every column, in CSV order. */
export const MAINTENANCE_FEATURES: readonly MaintenanceFeature[] = [...UNIT_FEATURES, ...METRICS.flatMap((m) => PER_METRIC_FEATURES.map((f) => metricFeature(m, f)))];

/** One unit-day's features; `undefined` is missing (too little history, a metric the unit lacks). */
export type MaintenanceFeatureRow = Partial<Record<MaintenanceFeature, number>>;

/** Stable integer codes (LightGBM's categorical columns take integers): append, never reorder. */
export const EQUIPMENT_KIND_CODES = { bioreactor: 0, freezer: 1, ln2_tank: 2, dry_shipper: 3, shipper: 4 } as const satisfies Record<EquipmentKind, number>;
