import { addDays, isTimeZone, localDateOf, startOfDay } from '../src/domain/calendar-day.js';
import { batchClock } from '../src/domain/batch/index.js';
import { invalidInput } from './failures.js';

/** The day a chair is held, and how the refusal names it (the local date on the real clock). */
export function heldDay(startMs: number, timeScale: number, timeZone: string): { end: number; name: string } {
  const clock = batchClock({ timeScale });
  if (!clock.realTime) return { end: startMs + clock.dayMs, name: new Date(startMs).toISOString() };
  if (!isTimeZone(timeZone)) throw invalidInput(`The treatment centre's time zone "${timeZone}" is not an IANA time zone.`);
  const date = localDateOf(startMs, timeZone);
  return { end: startOfDay(addDays(date, 1), timeZone), name: `${date} (${timeZone})` };
}
