import { bookingUpdate, statusQuery, type Awaiting, type BatchStatus } from '../../workflows/messages.js';
import { ERR } from '../../src/domain/errors.js';
import { bookings, refused } from './driver-tally.js';
import { fmt } from './number-format.js';
import { DAY } from './parameters.js';
import type { BatchCase } from './reference-data.js';
import { awaitingChanged, type BatchHandle } from './status-polling.js';
import { failureType, MOVED_ON } from './update-failures.js';

/**
 * The margin added to the earliest infusion date. The workflow checks the window against its own
 * clock when the update's workflow task runs, which under load is seconds after the client sent
 * it: a refusal doubles this batch's margin (up to the window's end), an acceptance sets the
 * starting margin for the next batches, which decays back towards a quarter of a day.
 */
let bookingMarginMs = 0.25 * DAY;

export async function book(handle: BatchHandle, c: BatchCase, awaiting: Extract<Awaiting, { kind: 'infusion-booking' }>): Promise<BatchStatus> {
  const { ld } = c.input.profile;
  let margin = bookingMarginMs;
  for (let attempt = 0; attempt < 12; attempt++) {
    const from = Math.max(Date.parse(awaiting.earliest), Date.now() + (ld.courseDays + ld.restDaysMin) * DAY);
    const at = Math.min(from + margin, Date.parse(awaiting.latest) - DAY);
    try {
      await handle.executeUpdate(bookingUpdate, { args: [{ infusionDate: new Date(at).toISOString() }] });
      bookingMarginMs = Math.max(0.25 * DAY, attempt === 0 ? margin * 0.9 : margin);
      return await awaitingChanged(handle, awaiting);
    } catch (err) {
      const type = failureType(err);
      refused(`booking ${type}`);
      if (MOVED_ON.includes(type)) return handle.query(statusQuery);
      if (type !== ERR.SLOT_TAKEN && type !== ERR.BOOKING_OUTSIDE_WINDOW) throw err;
      bookings.retries++;
      if (type === ERR.BOOKING_OUTSIDE_WINDOW) margin *= 2;
    }
  }
  throw new Error(`no infusion booking accepted after 12 attempts (margin ${fmt(margin / DAY)} days)`);
}
