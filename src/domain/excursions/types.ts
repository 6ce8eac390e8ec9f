import type { METRICS } from '../stages.js';

/**
 * The excursion engine's vocabulary. Everything here is plain JSON: the engine's state is stored in
 * PostgreSQL (engine_state.state) in the same transaction as the readings that produced it.
 * Times are epoch milliseconds of *event time* (when the sensor measured), never arrival time.
 */
export type Metric = (typeof METRICS)[number];

/** One numeric reading as the engine sees it (already validated and deduplicated by eventId). */
export interface EngineReading {
  metric: Metric;
  value: number;
  eventTime: number;
}

/** A limit on one metric of one binding: the product profile (shippers) or the equipment profile. */
export interface ThresholdRule {
  /** Stable name, e.g. `temperature_c:2..8`; part of an excursion's identity. */
  id: string;
  metric: Metric;
  min?: number;
  max?: number;
  /** Once out, a value is back in range only when it is this far inside the limit (no flapping). */
  hysteresis: number;
  /** Out of range continuously for this long (event time) before it is an excursion; 0 = at once. */
  minDurationMs: number;
  /** Cumulative time out of range over the binding that opens an excursion even if each spell is short. */
  budgetMs?: number;
}

export interface RuleSet {
  rules: ThresholdRule[];
  /** No reading of any metric for this long is a telemetry gap (never an excursion). */
  gapAfterMs: number;
  /** A reading may arrive this late (behind the device's newest event time) and still change history. */
  allowedLatenessMs: number;
}

/** A telemetry gap is its own kind, never an excursion: silence is not a value out of range. */
export const EXCURSION_KINDS = ['excursion', 'telemetry_gap'] as const;
export type ExcursionKind = (typeof EXCURSION_KINDS)[number];

/** An excursion row's state; `withdrawn`: a late reading showed the rule was never met. */
export const EXCURSION_STATES = ['open', 'closed', 'withdrawn'] as const;
export type ExcursionState = (typeof EXCURSION_STATES)[number];

/** An excursion or a telemetry gap, derived from the readings. The id is a function of what it is. */
export interface Episode {
  id: string;
  kind: ExcursionKind;
  ruleId?: string;
  metric?: Metric;
  openedAt: number;
  closedAt?: number;
  /** The value furthest outside the limit (excursions only). */
  peak?: number;
}

export type EpisodeChange =
  | { change: 'opened'; episode: Episode }
  | { change: 'closed'; episode: Episode }
  /** A late reading moved its closing time or its peak. */
  | { change: 'updated'; episode: Episode }
  /** A late reading showed it never met its rule. */
  | { change: 'withdrawn'; episode: Episode };
