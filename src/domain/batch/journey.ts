import type { HandoffStep, Milestone } from '../commands.js';
import { DAY_MS, HOUR_MS } from '../durations.js';
import type { Leg, Stage } from '../stages.js';
import type { JourneyInput } from './types.js';

/**
 * The hand-offs of DESIGN §3 as data: the stage in which each is awaited, where it leads, and the
 * shipment leg it starts or ends. Nothing else in V2V says which scan comes when.
 */
export const HANDOFFS: Record<HandoffStep, { awaitedIn: Stage; leadsTo: Stage; leg?: { leg: Leg; action: 'start' | 'deliver' } }> = {
  collection: { awaitedIn: 'APHERESIS_SCHEDULED', leadsTo: 'COLLECTED' },
  'outbound-pickup': { awaitedIn: 'COLLECTED', leadsTo: 'OUTBOUND_TRANSIT', leg: { leg: 'outbound', action: 'start' } },
  'facility-receipt': { awaitedIn: 'OUTBOUND_TRANSIT', leadsTo: 'RECEIVED_AT_FACILITY', leg: { leg: 'outbound', action: 'deliver' } },
  'return-pickup': { awaitedIn: 'RELEASED', leadsTo: 'RETURN_TRANSIT', leg: { leg: 'return', action: 'start' } },
  'site-receipt': { awaitedIn: 'RETURN_TRANSIT', leadsTo: 'RECEIVED_AT_SITE', leg: { leg: 'return', action: 'deliver' } },
  infusion: { awaitedIn: 'INFUSION_SCHEDULED', leadsTo: 'INFUSED' },
};

/** The hand-off a batch waits for in a stage, if that stage moves material. */
export const handoffAwaitedIn = (stage: Stage): HandoffStep | undefined =>
  (Object.keys(HANDOFFS) as HandoffStep[]).find((step) => HANDOFFS[step].awaitedIn === stage);

/** The manufacturing execution system reports these, in order, between start and QC. */
export const MANUFACTURING_STEPS = [
  'activation-complete',
  'transduction-complete',
  'expansion-complete',
  'harvest-complete',
  'cryopreservation-complete',
] as const satisfies readonly Milestone[];

/** An infusion can be booked once the product is released (it travels while the patient has LD). */
export const BOOKABLE_STAGES: readonly Stage[] = ['RELEASED', 'RETURN_TRANSIT', 'RECEIVED_AT_SITE', 'INFUSION_SCHEDULED'];

/** A human step overdue is escalated this many times, then left to wait. */
export const MAX_ESCALATIONS = 3;
/** A full facility is asked again after this many (simulated) hours. */
export const SLOT_RETRY_HOURS = 1;

/**
 * The batch's clock: its enrolled time scale, and nothing else, turns profile durations into
 * milliseconds and says whether the batch runs in real time. Only in real time are its days the
 * treatment centre's calendar days (local midnights, 23–25 h) and does equipment keep its own daily
 * cadence; on a compressed clock (the demo, the tests) a day is `dayMs` from wherever it starts.
 */
export function batchClock(input: Pick<JourneyInput, 'timeScale'>) {
  return {
    realTime: input.timeScale === 1,
    dayMs: DAY_MS / input.timeScale,
    hourMs: HOUR_MS / input.timeScale,
    hours: (h: number) => (h * HOUR_MS) / input.timeScale,
    /**
     * The instant of the batch's own calendar that wall-clock `atMs` stands for, counting from
     * `originMs` (its enrolment) at its scale: the same instant in real time. What a person is shown,
     * and what a model trained on real calendars reads, for a compressed batch.
     */
    simulatedAt: (originMs: number, atMs: number) => originMs + (atMs - originMs) * input.timeScale,
    /** The wall-clock instant of a simulated one: the inverse of `simulatedAt`. */
    wallClockAt: (originMs: number, simulatedMs: number) => originMs + (simulatedMs - originMs) / input.timeScale,
  };
}

/** Simulated instants to real ones and back: the calendar plans, bookings and the dashboard share. */
export interface PlanClock {
  /** The simulated instant a real one stands for. */
  simulatedAt: (realMs: number) => number;
  /** The real instant of a simulated one (what capacity rows hold, so exclusion constraints compare real time). */
  realAt: (simulatedMs: number) => number;
  /** The compressed calendar's origin (epoch ms); undefined on the real clock. */
  originMs: number | undefined;
}

/**
 * The one calendar every compressed batch of an installation plans in (issue 18): simulated instant
 * = origin + (real − origin) × timeScale, with one origin for all (V2V_CLOCK_ORIGIN), so two batches
 * enrolled a minute apart compete for the same simulated days. The real clock is its own calendar.
 * A compressed clock without an origin has no calendar (undefined): such batches get no chain.
 * (batchClock's simulatedAt counts from each batch's enrolment: what the dashboard shows per batch.)
 */
export function planClock(timeScale: number, originMs: number | undefined): PlanClock | undefined {
  if (timeScale === 1) return REAL_CLOCK;
  if (originMs === undefined) return undefined;
  const clock = batchClock({ timeScale });
  return { simulatedAt: (ms) => clock.simulatedAt(originMs, ms), realAt: (ms) => clock.wallClockAt(originMs, ms), originMs };
}

/** The real clock's calendar: instants are their own. */
export const REAL_CLOCK: PlanClock = { simulatedAt: (ms) => ms, realAt: (ms) => ms, originMs: undefined };

/** How long the line is held: every manufacturing step plus QC, in the product's nominal days. */
export function manufacturingDays(input: Pick<JourneyInput, 'profile'>): number {
  const { manufacturingDays: days, qcDays } = input.profile;
  return Object.values(days).reduce((a, d) => a + d, 0) + qcDays;
}
