import { batchClock } from '../../src/domain/batch/journey';
import { DAY_MS, HOUR_MS } from '../../src/domain/durations';
import type { BatchStatus, Forecast } from './api';

const dateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export const when = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
export const day = (iso: string) => dateOnly.format(new Date(iso));
export const stageLabel = (stage: string) => stage.toLowerCase().replace(/_/g, ' ');

/** A length of time: in days when it spans two or more, else in hours. */
export const span = (ms: number) => (ms >= 2 * DAY_MS ? `${(ms / DAY_MS).toFixed(1)} days` : `${(ms / HOUR_MS).toFixed(1)} h`);

type Band = Forecast['release'];
/** A forecast band in real time: P10–P90. */
export const band = (b: Band | undefined) => (b ? `${when(b.p10)} – ${when(b.p90)}` : '—');

/**
 * How the dashboard shows one batch's instants and durations: the one place that decides it. A batch
 * on the real clock shows calendar time as it is. A batch on a compressed clock (the demo, the tests:
 * its `timeScale` N > 1) lives a journey of weeks in minutes, so its instants are shown as the
 * simulated ones — its enrolment plus N times the wall-clock time since — with the day of the journey,
 * and its durations N times longer; `note` says so on the page.
 */
export interface BatchTime {
  compressed: boolean;
  timeScale: number;
  /** "compressed clock ×N: dates are simulated", or null in real time. */
  note: string | null;
  /** An instant, as a date and time (simulated, with the day of the journey, when compressed). */
  when: (iso: string | null | undefined) => string;
  /** An instant's day, for a calendar row. */
  day: (iso: string) => string;
  /** A wall-clock length of time, as the batch lived it. */
  duration: (ms: number) => string;
  /** A forecast band P10–P90. */
  band: (b: Band | undefined) => string;
  /** The simulated instant of a wall-clock one (itself in real time): for charts' axes. */
  simulatedAt: (ms: number) => number;
  /** The wall-clock instant of a simulated one: the start of a simulated day, to book it. */
  wallClockAt: (ms: number) => number;
  /** A wall-clock length of the batch's day (a real day in real time). */
  dayMs: number;
}

// One object per clock, so that a chart's memo keyed on it survives a reload of the same batch.
const times = new Map<string, BatchTime>();

/** The batch's time, from what the API says of it: its enrolled `timeScale` and its enrolment (`createdAt`). */
export function batchTime(batch: { timeScale?: number | undefined; createdAt: string }): BatchTime {
  const key = `${batch.timeScale ?? 1}|${batch.createdAt}`;
  let time = times.get(key);
  if (!time) {
    if (times.size > 1_000) times.clear();
    time = makeBatchTime(batch);
    times.set(key, time);
  }
  return time;
}

function makeBatchTime(batch: { timeScale?: number | undefined; createdAt: string }): BatchTime {
  const timeScale = batch.timeScale ?? 1;
  const clock = batchClock({ timeScale });
  const origin = Date.parse(batch.createdAt);
  if (clock.realTime) {
    return { compressed: false, timeScale, note: null, when, day, duration: span, band, simulatedAt: (ms) => ms, wallClockAt: (ms) => ms, dayMs: DAY_MS };
  }
  const simulated = (iso: string) => clock.simulatedAt(origin, Date.parse(iso));
  const journeyDay = (iso: string) => Math.floor((simulated(iso) - origin) / DAY_MS);
  const simulatedWhen = (iso: string | null | undefined) => (iso ? `${dateTime.format(new Date(simulated(iso)))} (day ${journeyDay(iso)})` : '—');
  return {
    compressed: true,
    timeScale,
    note: `compressed clock ×${timeScale.toLocaleString('en')}: dates are simulated (enrolment plus ${timeScale.toLocaleString('en')} × the time since), durations as the batch lives them`,
    when: simulatedWhen,
    day: (iso) => `${dateOnly.format(new Date(simulated(iso)))} (day ${journeyDay(iso)})`,
    duration: (ms) => span(ms * timeScale),
    band: (b) => (b ? `${simulatedWhen(b.p10)} – ${simulatedWhen(b.p90)}` : '—'),
    simulatedAt: (ms) => clock.simulatedAt(origin, ms),
    wallClockAt: (ms) => clock.wallClockAt(origin, ms),
    dayMs: clock.dayMs,
  };
}

/** The clock most of a list's batches run on, for a page's note: the compressed one if any batch has one. */
export function listTime(batches: readonly { timeScale?: number | undefined }[]): string | null {
  const scales = [...new Set(batches.map((b) => b.timeScale ?? 1).filter((s) => s !== 1))];
  if (scales.length === 0) return null;
  return `compressed clock ×${scales.map((s) => s.toLocaleString('en')).join(', ×')}: each batch's dates are simulated from its own enrolment`;
}


/** What the batch waits for, in words, its instants in the batch's time. */
export function awaitingText(awaiting: BatchStatus['awaiting'], time: Pick<BatchTime, 'when'> = { when }): string {
  if (!awaiting) return 'nothing (ended)';
  switch (awaiting.kind) {
    case 'handoff':
      return `handoff: ${awaiting.step}`;
    case 'milestone':
      return `milestone: ${awaiting.milestone}`;
    case 'qa-disposition':
      return 'QA disposition';
    case 'excursion-assessment':
      return 'excursion assessment';
    case 'infusion-booking':
      return `infusion booking (${time.when(awaiting.earliest)} – ${time.when(awaiting.latest)})`;
    case 'timer':
      return `${awaiting.reason} until ${time.when(awaiting.until)}`;
    case 'chain':
      return `slot chain (${awaiting.status}): ${awaiting.reason}`;
  }
}
