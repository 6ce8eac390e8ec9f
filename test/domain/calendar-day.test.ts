import { describe, expect, it } from 'vitest';
import { iso } from '../../src/domain/instant.js';
import { addDays, datesFrom, daysBetween, isLocalDate, isTimeZone, localDateOf, localDay, startOfDay, zoneOffsetAt } from '../../src/domain/calendar-day.js';
import { ldCourseForDay, resolveBookingDay } from '../../src/domain/ld-window.js';
import { productProfile } from '../../src/domain/profiles.js';

const HOUR = 3_600_000;

describe('a calendar day at a site, in its time zone', () => {
  it('runs from local midnight to the next in Paris, 24 h on an ordinary day', () => {
    const day = localDay('2027-01-14', 'Europe/Paris');
    expect(iso(day.start)).toBe('2027-01-13T23:00:00.000Z');
    expect(iso(day.end)).toBe('2027-01-14T23:00:00.000Z');
  });

  it('lasts 23 h on the spring change and 25 h on the autumn one in Paris', () => {
    const spring = localDay('2027-03-28', 'Europe/Paris');
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2027-03-27T23:00:00.000Z', '2027-03-28T22:00:00.000Z']);
    expect(spring.end - spring.start).toBe(23 * HOUR);
    const autumn = localDay('2027-10-31', 'Europe/Paris');
    expect([iso(autumn.start), iso(autumn.end)]).toEqual(['2027-10-30T22:00:00.000Z', '2027-10-31T23:00:00.000Z']);
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
  });

  it('lasts 23 h and 25 h on New York changes, whose days start five or four hours after UTC', () => {
    const spring = localDay('2027-03-14', 'America/New_York');
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2027-03-14T05:00:00.000Z', '2027-03-15T04:00:00.000Z']);
    const autumn = localDay('2027-11-07', 'America/New_York');
    expect([iso(autumn.start), iso(autumn.end)]).toEqual(['2027-11-07T04:00:00.000Z', '2027-11-08T05:00:00.000Z']);
  });

  it('starts at the first minute that exists where a change skips midnight (Santiago, September)', () => {
    // Chile moves its clocks from 24:00 to 01:00: 2027-09-05 begins at 01:00 local (04:00 UTC).
    const start = startOfDay('2027-09-05', 'America/Santiago');
    expect(localDateOf(start, 'America/Santiago')).toBe('2027-09-05');
    expect(localDateOf(start - 60_000, 'America/Santiago')).toBe('2027-09-04');
  });

  it('reads the local date of an instant, and the offset at it', () => {
    expect(localDateOf(Date.parse('2027-03-13T23:30:00Z'), 'Europe/Paris')).toBe('2027-03-14');
    expect(localDateOf(Date.parse('2027-03-14T03:30:00Z'), 'America/New_York')).toBe('2027-03-13');
    expect(zoneOffsetAt(Date.parse('2027-07-01T12:00:00Z'), 'Europe/Paris')).toBe(2 * HOUR);
  });

  it('keeps the years 0–99 as they are, not as 1900–1999 (a fuzzed query once made a 500 of it)', () => {
    expect(isLocalDate('0045-08-05')).toBe(true);
    expect(daysBetween('0045-08-05', '0045-08-06')).toBe(1);
    expect(localDateOf(Date.parse('0045-08-05T12:00:00Z'), 'Europe/Paris')).toBe('0045-08-05');
  });

  it('validates dates and zones', () => {
    expect(isLocalDate('2027-02-28')).toBe(true);
    expect(isLocalDate('2027-02-30')).toBe(false);
    expect(isLocalDate('2027-2-3')).toBe(false);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('steps over months and years', () => {
    expect(addDays('2027-12-30', 3)).toBe('2028-01-02');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(datesFrom('2027-03-27', '2027-03-29')).toEqual(['2027-03-27', '2027-03-28', '2027-03-29']);
    expect(datesFrom('2027-03-29', '2027-03-27')).toEqual([]);
  });
});

describe('LD days from the product rule, in the site zone', () => {
  const cd19 = productProfile('autologous-cd19-fresh');

  it('puts LD on local days −5…−3, starting at local midnight even across the spring change', () => {
    // Infusion on 30 March in Paris: LD from 25 March (winter time) to the morning of 28 March (summer time).
    const { ldStart, ldEnd } = ldCourseForDay('2027-03-30', 'Europe/Paris', cd19);
    expect(iso(ldStart)).toBe('2027-03-24T23:00:00.000Z');
    expect(iso(ldEnd)).toBe('2027-03-27T23:00:00.000Z');
  });

  it('resolves a booking day to the instants the workflow receives', () => {
    expect(resolveBookingDay('2027-03-14', 'America/New_York', cd19)).toEqual({
      date: '2027-03-14', timeZone: 'America/New_York',
      start: '2027-03-14T05:00:00.000Z', end: '2027-03-15T04:00:00.000Z',
      ldStart: '2027-03-09T05:00:00.000Z', ldEnd: '2027-03-12T05:00:00.000Z',
    });
  });
});
