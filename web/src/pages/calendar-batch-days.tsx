import { BOOKABLE_STAGES } from '../../../src/domain/batch/journey';
import { DAY_MS } from '../../../src/domain/durations';
import type { Stage } from '../../../src/domain/stages';
import type { Schemas } from '../api';
import type { BatchTime } from '../format';
import { href } from '../router';
import { BookingActions } from './calendar-actions';

type Slots = Schemas['InfusionSlots'];
/** Batch days shown at most: a compressed window is a few simulated weeks. */
const MAX_DAYS = 42;

/**
 * The days of a batch on a compressed clock: its own simulated days (from one simulated midnight to
 * the next, a few seconds of wall clock each), not the treatment centre's calendar days, which last
 * longer than its whole journey. A day is offered when it starts inside the batch's window and a
 * chair is free then; the workflow still decides the booking (LD rule, window, chair) and a refusal
 * comes back with its sentence.
 */
export function BatchDays(props: { slots: Slots; batchId: string; stage: Stage; time: BatchTime; canBook: boolean; onDone: (ok: boolean, text: string) => void }) {
  const { slots, batchId, time, canBook, onDone } = props;
  // Without an awaited window, only a released batch can be booked (or moved); the workflow still decides.
  const bookable = slots.window !== null || BOOKABLE_STAGES.includes(props.stage);
  const earliest = slots.window ? Date.parse(slots.window.earliest) : Date.parse(slots.from);
  const latest = slots.window ? Date.parse(slots.window.latest) : earliest + MAX_DAYS * time.dayMs;
  // The first simulated midnight at or before the window opens, then one batch day after another.
  const firstMidnight = Math.floor(time.simulatedAt(earliest) / DAY_MS) * DAY_MS;
  const days: { start: number; end: number }[] = [];
  for (let k = 0; k < MAX_DAYS; k++) {
    const start = time.wallClockAt(firstMidnight + k * DAY_MS);
    if (start > latest) break;
    days.push({ start, end: time.wallClockAt(firstMidnight + (k + 1) * DAY_MS) });
  }
  const own = slots.chairs.flatMap((c) => c.bookings.filter((b) => b.batchId === batchId).map((b) => ({ ...b, chair: c.chair })))[0];
  return (
    <table className="calendar">
      <caption className="visually-hidden">Chairs by simulated day of the batch, with the days it can be infused</caption>
      <thead>
        <tr>
          <th scope="col">Day (simulated)</th>
          {slots.chairs.map((c) => (
            <th scope="col" key={c.chair}>
              {c.chair}
            </th>
          ))}
          <th scope="col">Free</th>
          <th scope="col">For this batch</th>
        </tr>
      </thead>
      <tbody>
        {days.map(({ start, end }) => {
          const taken = slots.chairs.map((c) => c.bookings.find((b) => Date.parse(b.from) < end && Date.parse(b.to) > start));
          const free = taken.filter((b) => !b).length;
          const freeForBatch = taken.filter((b) => !b || b.batchId === batchId).length;
          const inWindow = start >= earliest && start <= latest;
          const label = time.day(new Date(start).toISOString());
          return (
            <tr key={start}>
              <th scope="row">{label}</th>
              {taken.map((booking, i) => (
                <td key={slots.chairs[i]!.chair} className={booking?.batchId === batchId ? 'booked' : undefined}>
                  {booking ? booking.batchId === batchId ? 'this batch' : <a href={href('batch', booking.batchId)}>booked</a> : 'free'}
                  {booking?.atRisk && <strong className="flag"> at risk</strong>}
                </td>
              ))}
              <td>
                {free}/{slots.chairs.length}
              </td>
              <td className={bookable && inWindow && freeForBatch > 0 ? 'feasible' : 'infeasible'}>
                {!bookable ? 'not bookable before release' : !inWindow ? 'outside the allowed window' : freeForBatch === 0 ? 'no chair free' : canBook ? <BookingActions batchId={batchId} date={new Date(start).toISOString()} label={label} time={time} booked={own} onDone={onDone} /> : 'feasible'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
