import { describe, expect, it } from 'vitest';
import { custodyRecordOf } from '../../../src/domain/batch/index.js';
import { addDays, localDateOf } from '../../../src/domain/calendar-day.js';
import { resolveBookingDay } from '../../../src/domain/ld-window.js';
import { Journey, journeyInput } from './journey-fixtures.js';

const ZONE = 'America/New_York';
const SCHEDULER = { name: 'S. Cheduler', role: 'scheduler' };

/** A batch at the treatment centre, and a calendar day a few days into its booking window. */
function atSite() {
  const j = new Journey(journeyInput()).drive((x) => x.state.stage === 'RECEIVED_AT_SITE');
  const window = j.awaiting as { earliest: string };
  const date = addDays(localDateOf(Date.parse(window.earliest), ZONE), 2);
  return { j, date, day: resolveBookingDay(date, ZONE, j.state.input.profile) };
}

describe('a booking by calendar day in the decider', () => {
  it('books the local day the API resolved, with its LD course in local days, and names who booked', () => {
    const { j, date, day } = atSite();
    const d = j.send({ type: 'book', request: { infusionDate: date, day, actor: SCHEDULER } });
    expect(d.refusal).toBeUndefined();
    expect(j.state.booking).toMatchObject({ infusionDate: day.start, ldStart: day.ldStart, ldEnd: day.ldEnd, date, timeZone: ZONE, until: day.end });
    const booked = d.events.find((e) => e.type === 'infusion-booked')!;
    expect(custodyRecordOf(booked, { ...j.state, booking: undefined })).toMatchObject({ kind: 'infusion-booking', actor: SCHEDULER, meaning: 'infusion booked' });
  });

  it('refuses a day whose LD would have to start before now, with the reason', () => {
    const { j } = atSite();
    const today = localDateOf(j.now, ZONE);
    const d = j.send({ type: 'book', request: { infusionDate: today, day: resolveBookingDay(today, ZONE, j.state.input.profile), actor: SCHEDULER } });
    expect(d.refusal?.code).toBe('ERR_BOOKING_OUTSIDE_WINDOW');
    expect(d.refusal?.message).toMatch(/LD to start/);
  });

  it('records a move as one custody record saying from and to, and a cancellation by its caller', () => {
    const { j, date, day } = atSite();
    j.send({ type: 'book', request: { infusionDate: date, day, actor: SCHEDULER } });
    const before = { ...j.state, booking: { ...j.state.booking!, chair: 'chair-2' } };
    const later = addDays(date, 1);
    const moved = j.send({ type: 'book', request: { infusionDate: later, day: resolveBookingDay(later, ZONE, j.state.input.profile), actor: SCHEDULER } });
    const record = custodyRecordOf(moved.events.find((e) => e.type === 'infusion-booked')!, before);
    expect(record).toMatchObject({ meaning: `infusion moved from ${date} to ${later}`, actor: SCHEDULER, data: { date: later, movedFrom: { date, chair: 'chair-2' } } });

    const stateBefore = j.state;
    const cancelled = j.send({ type: 'cancel-booking', actor: SCHEDULER });
    const cancel = cancelled.events.find((e) => e.type === 'infusion-booking-cancelled')!;
    expect(custodyRecordOf(cancel, stateBefore)).toMatchObject({ kind: 'infusion-booking-cancelled', actor: SCHEDULER, data: { date: later } });
    expect(j.state.booking).toBeUndefined();
    expect(j.state.stage).toBe('RECEIVED_AT_SITE');
  });

  it('records the same day asked again as unchanged, and another chair the same day as a move between chairs', () => {
    const { j, date, day } = atSite();
    const booked = j.send({ type: 'book', request: { infusionDate: date, day, actor: SCHEDULER } });
    const applied = booked.events.find((e) => e.type === 'infusion-booked')!;
    const held = { ...j.state, booking: { ...j.state.booking!, chair: 'chair-1' } };
    const again = { ...applied, booking: { ...applied.booking, chair: 'chair-1' } };
    expect(custodyRecordOf(again, held)?.meaning).toBe(`infusion booking for ${date} asked again: unchanged`);
    const otherChair = { ...applied, booking: { ...applied.booking, chair: 'chair-2' } };
    expect(custodyRecordOf(otherChair, held)?.meaning).toBe(`infusion moved from chair-1 to chair-2 on ${date}`);
  });

  it('keeps an instant booking (compressed clock, older histories) as before, with no record for an unnamed cancellation', () => {
    const { j } = atSite();
    const window = j.awaiting as { earliest: string };
    const at = new Date(Date.parse(window.earliest) + 86_400_000).toISOString();
    j.send({ type: 'book', request: { infusionDate: at } });
    expect(j.state.booking).toMatchObject({ infusionDate: at });
    expect(j.state.booking?.date).toBeUndefined();
    const stateBefore = j.state;
    const cancel = j.send({ type: 'cancel-booking' }).events.find((e) => e.type === 'infusion-booking-cancelled')!;
    expect(custodyRecordOf(cancel, stateBefore)).toBeUndefined();
  });
});
