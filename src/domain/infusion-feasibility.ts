import { iso } from './instant.js';
import type { TimeWindow } from './ld-window.js';

/**
 * Whether a calendar day at the treatment centre can take a batch's infusion, and why not: the
 * reasons a scheduler sees beside each day of the infusion-slots answer. Pure: the API gathers the
 * facts (the workflow's window, the forecast, free chairs) and this judges them, the same rules the
 * workflow (the LD window, ld-window.ts) and the forecast (safe-infusion.ts) apply.
 */
export const INFEASIBLE_REASONS = ['not-bookable', 'ld-start-passed', 'after-latest-infusion', 'product-not-ready', 'no-free-chair'] as const;
export type InfeasibleReason = (typeof INFEASIBLE_REASONS)[number];

export interface Reason {
  code: InfeasibleReason;
  message: string;
}

/** A candidate day: its bounds, the LD course it implies and how many chairs are free for this batch. */
export interface CandidateDay {
  date: string;
  start: number;
  ldStart: number;
  freeChairs: number;
}

/** What the batch allows, as of now. */
export interface BatchOutlook {
  /** Why the batch takes no booking at all now (before release, ended), or undefined when it does. */
  notBookable?: string;
  /** When an infusion may happen (the window the workflow awaits, or the LD rule's before receipt). */
  window?: TimeWindow;
  /**
   * When the product is expected at the site: P90 of the forecast before release, the release plus
   * the return leg's nominal transit once released; undefined once it is there.
   */
  readyBy?: { at: number; basis: 'forecast-p90' | 'release-plus-transit' };
}


export function dayReasons(day: CandidateDay, outlook: BatchOutlook): Reason[] {
  const reasons: Reason[] = [];
  if (outlook.notBookable) reasons.push({ code: 'not-bookable', message: outlook.notBookable });
  const { window, readyBy } = outlook;
  if (window && day.start < window.earliest) {
    reasons.push({ code: 'ld-start-passed', message: `LD for ${day.date} would have to start before now; the earliest infusion is ${iso(window.earliest)}.` });
  }
  if (window && day.start > window.latest) {
    reasons.push({ code: 'after-latest-infusion', message: `${day.date} is after the product's latest infusion date (${iso(window.latest)}).` });
  }
  if (readyBy && readyBy.at > day.ldStart) {
    const basis = readyBy.basis === 'forecast-p90' ? 'the forecast (P90)' : 'its release plus the return transit';
    reasons.push({ code: 'product-not-ready', message: `LD for ${day.date} starts ${iso(day.ldStart)}, before the product is at the site by ${basis}, ${iso(readyBy.at)}.` });
  }
  if (day.freeChairs <= 0) reasons.push({ code: 'no-free-chair', message: `Every infusion chair is taken on ${day.date}.` });
  return reasons;
}

/** The first `count` days (in order) with no reason against them: the alternatives offered for an at-risk booking. */
export function feasibleDays<D extends CandidateDay>(days: readonly D[], outlook: BatchOutlook, count: number): D[] {
  return days.filter((d) => dayReasons(d, outlook).length === 0).slice(0, count);
}

/**
 * A booking is at risk when its LD starts before the product can be at the site: the forecast's flag
 * (P90 of infusion-ready, safe-infusion.ts) or, once released, the release plus the return transit.
 */
export const bookingAtRisk = (ldStart: number, outlook: BatchOutlook, forecastFlag: boolean): boolean =>
  forecastFlag || (outlook.readyBy !== undefined && outlook.readyBy.at > ldStart);
