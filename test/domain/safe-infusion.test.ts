import { describe, expect, it } from 'vitest';
import { ldCourseFor } from '../../src/domain/ld-window.js';
import { HOUR_MS, DAY_MS } from '../../src/domain/durations.js';
import { productProfile } from '../../src/domain/profiles.js';
import { bookingRisk, earliestSafeDate, earliestSafeInfusion } from '../../src/domain/safe-infusion.js';

const profile = productProfile('autologous-cd19-fresh');
const at = (iso: string) => Date.parse(iso);
const lead = (profile.ld.courseDays + profile.ld.restDaysMin) * DAY_MS;

describe('the earliest safe infusion day under the LD rule', () => {
  it('is the first whole day whose LD course starts at or after P90 of infusion-ready', () => {
    const p90 = at('2026-06-10T15:00:00.000Z');
    const safe = earliestSafeInfusion(p90, profile, DAY_MS);
    expect(new Date(safe).toISOString()).toBe(new Date(at('2026-06-11T00:00:00.000Z') + lead).toISOString());
    expect(ldCourseFor(safe, profile, DAY_MS).ldStart).toBeGreaterThanOrEqual(p90);
    // One day earlier would start LD before the product is (at P90) at the site.
    expect(ldCourseFor(safe - DAY_MS, profile, DAY_MS).ldStart).toBeLessThan(p90);
  });

  it('keeps a P90 that falls on a day boundary as that day', () => {
    const p90 = at('2026-06-10T00:00:00.000Z');
    expect(earliestSafeInfusion(p90, profile, DAY_MS)).toBe(p90 + lead);
  });

  it("counts whole days of the batch's compressed clock", () => {
    const dayMs = DAY_MS / 86_400; // one simulated day per second
    const p90 = at('2026-06-10T00:00:00.250Z');
    const safe = earliestSafeInfusion(p90, profile, dayMs);
    expect(safe % dayMs).toBe(0);
    expect(safe - p90).toBeGreaterThanOrEqual((profile.ld.courseDays + profile.ld.restDaysMin) * dayMs);
    expect(safe - p90).toBeLessThan((profile.ld.courseDays + profile.ld.restDaysMin + 1) * dayMs);
  });
});

describe('whether a booking is at risk', () => {
  const ldStart = at('2026-06-10T00:00:00.000Z');
  it('is safe while P90 of infusion-ready is at or before the LD start', () => {
    expect(bookingRisk({ readyP90: ldStart, ldStart, profile, dayMs: DAY_MS })).toEqual({ atRisk: false });
    expect(bookingRisk({ readyP90: ldStart - HOUR_MS, ldStart, profile, dayMs: DAY_MS })).toEqual({ atRisk: false });
  });

  it('is at risk when P90 passes the LD start, and proposes the earliest safe day', () => {
    const readyP90 = ldStart + HOUR_MS;
    expect(bookingRisk({ readyP90, ldStart, profile, dayMs: DAY_MS })).toEqual({ atRisk: true, safeFrom: earliestSafeInfusion(readyP90, profile, DAY_MS) });
  });
});

describe('the earliest safe calendar day at the site', () => {
  it('is the first local day whose LD course, at local midnight, starts at or after P90', () => {
    // P90 at 23:30 UTC on 9 June is 01:30 on 10 June in Paris: LD may start on 11 June, infusion on the 16th.
    expect(earliestSafeDate(at('2026-06-09T23:30:00.000Z'), profile, 'Europe/Paris')).toBe('2026-06-16');
    // Exactly at local midnight, that day's LD is safe.
    expect(earliestSafeDate(at('2026-06-09T22:00:00.000Z'), profile, 'Europe/Paris')).toBe('2026-06-15');
    // The same instant is still 9 June in New York: LD from 10 June, infusion on the 15th.
    expect(earliestSafeDate(at('2026-06-09T23:30:00.000Z'), profile, 'America/New_York')).toBe('2026-06-15');
  });
});
