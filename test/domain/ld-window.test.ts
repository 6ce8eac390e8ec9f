import { describe, expect, it } from 'vitest';
import { checkBooking, infusionWindow, ldCourseFor } from '../../src/domain/ld-window.js';
import { DAY_MS } from '../../src/domain/durations.js';
import { productProfile } from '../../src/domain/profiles.js';

const cd19 = productProfile('autologous-cd19-fresh');
const bcma = productProfile('autologous-bcma-cryo');
const now = Date.parse('2026-03-02T09:00:00.000Z');
const day = (n: number) => n * DAY_MS;

describe('LD course', () => {
  it('runs on days −5…−3 before infusion for both profiles', () => {
    const infusionAt = Date.parse('2026-03-20T09:00:00.000Z');
    for (const profile of [cd19, bcma]) {
      const { ldStart, ldEnd } = ldCourseFor(infusionAt, profile, DAY_MS);
      expect(new Date(ldStart).toISOString()).toBe('2026-03-15T09:00:00.000Z');
      // The course ends as day −2 begins: days −5, −4 and −3 are the three LD days.
      expect(new Date(ldEnd).toISOString()).toBe('2026-03-18T09:00:00.000Z');
    }
  });
});

describe('infusion window', () => {
  it('starts a full LD course and the shortest rest from now, and ends the shelf life after receipt', () => {
    const receivedAt = now - day(1);
    expect(infusionWindow({ now, receivedAt, profile: cd19, dayMs: DAY_MS })).toEqual({
      earliest: now + day(5),
      latest: receivedAt + day(30),
    });
    expect(infusionWindow({ now, receivedAt, profile: bcma, dayMs: DAY_MS }).latest).toBe(receivedAt + day(60));
  });

  it('measures the shelf life from the earliest infusion while the product is not yet at the site', () => {
    expect(infusionWindow({ now, receivedAt: undefined, profile: cd19, dayMs: DAY_MS })).toEqual({
      earliest: now + day(5),
      latest: now + day(35),
    });
  });

  it('compresses days with the time scale (86400: a day lasts a second)', () => {
    const dayMs = DAY_MS / 86_400;
    expect(infusionWindow({ now, receivedAt: now, profile: bcma, dayMs })).toEqual({ earliest: now + 5_000, latest: now + 60_000 });
    expect(ldCourseFor(now + 10_000, bcma, dayMs)).toEqual({ ldStart: now + 5_000, ldEnd: now + 8_000 });
  });
});

describe('booking an infusion', () => {
  const receivedAt = now;

  it('accepts a date inside the window and returns the LD course', () => {
    const infusionAt = now + day(7);
    expect(checkBooking({ infusionAt, now, receivedAt, profile: cd19, dayMs: DAY_MS })).toEqual({
      ok: true,
      ldStart: now + day(2),
      ldEnd: now + day(5),
    });
  });

  it('accepts both ends of the window', () => {
    expect(checkBooking({ infusionAt: now + day(5), now, receivedAt, profile: cd19, dayMs: DAY_MS }).ok).toBe(true);
    expect(checkBooking({ infusionAt: now + day(30), now, receivedAt, profile: cd19, dayMs: DAY_MS }).ok).toBe(true);
  });

  it('refuses a date so soon that LD would have to start in the past', () => {
    const result = checkBooking({ infusionAt: now + day(4), now, receivedAt, profile: cd19, dayMs: DAY_MS });
    expect(result).toMatchObject({ ok: false, earliest: now + day(5), latest: now + day(30) });
    if (!result.ok) {
      expect(result.reason).toBe(
        'An infusion at 2026-03-06T09:00:00.000Z would need LD to start at 2026-03-01T09:00:00.000Z, before now (2026-03-02T09:00:00.000Z); the earliest infusion is 2026-03-07T09:00:00.000Z.',
      );
    }
  });

  it("refuses a date after the product's latest infusion date", () => {
    const result = checkBooking({ infusionAt: now + day(61), now, receivedAt, profile: bcma, dayMs: DAY_MS });
    expect(result).toMatchObject({ ok: false, latest: now + day(60) });
    if (!result.ok) {
      expect(result.reason).toBe(
        "An infusion at 2026-05-02T09:00:00.000Z is after the product's latest infusion date 2026-05-01T09:00:00.000Z (60 days after receipt at the site).",
      );
    }
  });

  it('says no date is possible when the product expires before LD could finish', () => {
    const longAgo = now - day(28);
    const result = checkBooking({ infusionAt: now + day(5), now, receivedAt: longAgo, profile: cd19, dayMs: DAY_MS });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^No infusion can be booked/);
  });
});
