import { describe, expect, it } from 'vitest';
import { bookingAtRisk, dayReasons, feasibleDays, type BatchOutlook, type CandidateDay } from '../../src/domain/infusion-feasibility.js';

const DAY = 86_400_000;
const t = (iso: string) => Date.parse(iso);
const day = (date: string, freeChairs = 2): CandidateDay => ({ date, start: t(`${date}T00:00:00Z`), ldStart: t(`${date}T00:00:00Z`) - 5 * DAY, freeChairs });
const window = { earliest: t('2027-05-10T00:00:00Z'), latest: t('2027-05-20T00:00:00Z') };
const codes = (d: CandidateDay, o: BatchOutlook) => dayReasons(d, o).map((r) => r.code);

describe('whether a day suits a batch', () => {
  it('is feasible inside the window, with a free chair and the product ready before LD', () => {
    expect(dayReasons(day('2027-05-12'), { window, readyBy: { at: t('2027-05-06T00:00:00Z'), basis: 'forecast-p90' } })).toEqual([]);
  });

  it('says why not: before the window (LD would start in the past), after the shelf life, a full day', () => {
    expect(codes(day('2027-05-09'), { window })).toEqual(['ld-start-passed']);
    expect(codes(day('2027-05-21'), { window })).toEqual(['after-latest-infusion']);
    expect(codes(day('2027-05-12', 0), { window })).toEqual(['no-free-chair']);
    expect(dayReasons(day('2027-05-12', 0), { window })[0]!.message).toBe('Every infusion chair is taken on 2027-05-12.');
  });

  it('is unsafe when LD would start before the product is at the site (forecast P90, or release plus transit)', () => {
    const p90 = { window, readyBy: { at: t('2027-05-08T12:00:00Z'), basis: 'forecast-p90' as const } };
    expect(codes(day('2027-05-13'), p90)).toEqual(['product-not-ready']);
    expect(dayReasons(day('2027-05-13'), p90)[0]!.message).toMatch(/forecast \(P90\)/);
    expect(codes(day('2027-05-14'), p90)).toEqual([]);
    const released = { window, readyBy: { at: t('2027-05-08T12:00:00Z'), basis: 'release-plus-transit' as const } };
    expect(dayReasons(day('2027-05-13'), released)[0]!.message).toMatch(/release plus the return transit/);
  });

  it('lists every reason at once, and a batch that takes no booking yet says so', () => {
    expect(codes(day('2027-05-09', 0), { window, notBookable: 'not yet released' })).toEqual(['not-bookable', 'ld-start-passed', 'no-free-chair']);
  });

  it('offers the first feasible days as alternatives', () => {
    const days = ['2027-05-11', '2027-05-12', '2027-05-13', '2027-05-14', '2027-05-15'].map((d, i) => day(d, i === 1 ? 0 : 1));
    const outlook = { window, readyBy: { at: t('2027-05-06T12:00:00Z'), basis: 'forecast-p90' as const } };
    expect(feasibleDays(days, outlook, 3).map((d) => d.date)).toEqual(['2027-05-13', '2027-05-14', '2027-05-15']);
  });

  it('flags a booking whose LD starts before the product can be at the site, or that the forecast flagged', () => {
    const released = { window, readyBy: { at: t('2027-05-08T12:00:00Z'), basis: 'release-plus-transit' as const } };
    expect(bookingAtRisk(t('2027-05-08T00:00:00Z'), released, false)).toBe(true);
    expect(bookingAtRisk(t('2027-05-09T00:00:00Z'), released, false)).toBe(false);
    expect(bookingAtRisk(t('2027-05-09T00:00:00Z'), { window }, true)).toBe(true);
  });
});
