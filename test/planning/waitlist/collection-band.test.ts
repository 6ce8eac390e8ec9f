import { describe, expect, it } from 'vitest';
import { collectionBand } from '../../../src/planning/waitlist/collection-band.js';

const base = { today: '2026-12-07', position: 3, plannedDay: null, releasesPerDay: 1 / 7, leadDays: 10, windowDays: 90 };

describe('the expected collection band of a waiting batch', () => {
  it('is the planned day itself when today’s capacity already holds a chain for it', () => {
    expect(collectionBand({ ...base, plannedDay: '2026-12-20' })).toMatchObject({ p10: '2026-12-20', p50: '2026-12-20', p90: '2026-12-20' });
  });

  it('says there is no forecast when nothing was released in the window', () => {
    const band = collectionBand({ ...base, releasesPerDay: 0 });
    expect(band).toMatchObject({ p10: null, p50: null, p90: null, model: 'greedy-replay-with-release-rate' });
    expect(band.basis).toMatch(/no forecast/);
  });

  it('waits for as many releases as its position at the historical rate: ordered, later further down the list, sooner at a higher rate', () => {
    const band = collectionBand(base);
    expect(band.p10! < band.p50! && band.p50! < band.p90!).toBe(true);
    // Three releases at one a week: the median wait is near three weeks, plus the 10-day lead.
    expect(band.p50! >= '2026-12-30' && band.p50! <= '2027-01-06').toBe(true);
    expect(collectionBand({ ...base, position: 10 }).p50! > band.p50!).toBe(true);
    expect(collectionBand({ ...base, releasesPerDay: 1 }).p50! < band.p50!).toBe(true);
  });

  it('gives the same band on every read of the same list', () => {
    expect(collectionBand(base)).toEqual(collectionBand(base));
  });
});
