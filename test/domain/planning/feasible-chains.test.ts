import { describe, expect, it } from 'vitest';
import { chainCost, feasibleChains, waitingCost } from '../../../src/domain/planning/feasible-chains.js';
import { capacity, days, order } from './fixtures.js';

describe('feasibleChains', () => {
  it('starts the line the day the material arrives and infuses lineDays + infusionDays later', () => {
    const chains = feasibleChains(order('o1'), capacity(10));
    expect(chains[0]).toEqual({ orderId: 'o1', collectionDay: 0, facilityId: 'fac-a', lineStartDay: 1, lineEndDay: 4, infusionDay: 6 });
    for (const c of chains) {
      expect(c.lineStartDay).toBe(c.collectionDay + 1);
      expect(c.lineEndDay).toBe(c.lineStartDay + 3);
      expect(c.infusionDay).toBe(c.lineEndDay + 2);
    }
  });

  it('keeps every step inside the horizon: the last chain infuses on day horizonDays − 1', () => {
    const chains = feasibleChains(order('o1'), capacity(10));
    expect(chains.map((c) => c.collectionDay)).toEqual([0, 1, 2, 3]);
    expect(chains.at(-1)!.infusionDay).toBe(9);
    expect(feasibleChains(order('o1'), capacity(6))).toEqual([]);
  });

  it('never collects before day 0 or before the earliest collection day', () => {
    expect(feasibleChains(order('o1', { earliestCollectionDay: -5 }), capacity(8))[0]!.collectionDay).toBe(0);
    expect(feasibleChains(order('o1', { earliestCollectionDay: 2 }), capacity(10)).map((c) => c.collectionDay)).toEqual([2, 3]);
  });

  it('skips a closed collection day, a chairless infusion day and a window with any line-day taken', () => {
    const cap = capacity(12);
    cap.collections['ac-1'] = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    cap.chairs['tc-1'] = [1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1];
    cap.lines['fac-a'] = [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1];
    // c=0 closed; c=1 infuses on 7 (no chair); c=3..5 hold day 6 on the line; c=6 → infusion 12, past the horizon.
    expect(feasibleChains(order('o1'), cap).map((c) => c.collectionDay)).toEqual([2]);
    cap.lines['fac-a'] = days(12, 1);
    expect(feasibleChains(order('o1'), cap).map((c) => c.collectionDay)).toEqual([2, 3, 4, 5]);
  });

  it('treats a site missing from the capacity as having none', () => {
    expect(feasibleChains(order('o1', { apheresisCenterId: 'ac-unknown' }), capacity(10))).toEqual([]);
  });

  it('orders chains by infusion day, then facility id, across routes', () => {
    const o = order('o1', {
      routes: [
        { facilityId: 'fac-b', arrivalDays: 1, lineDays: 3, infusionDays: 2 },
        { facilityId: 'fac-a', arrivalDays: 2, lineDays: 3, infusionDays: 2 },
      ],
    });
    const chains = feasibleChains(o, capacity(10));
    expect(chains.map((c) => [c.infusionDay, c.facilityId])).toEqual([
      [6, 'fac-b'], [7, 'fac-a'], [7, 'fac-b'], [8, 'fac-a'], [8, 'fac-b'], [9, 'fac-a'], [9, 'fac-b'],
    ]);
  });

  it('refuses a route whose offsets are not whole days, naming the field', () => {
    const bad = order('o1', { routes: [{ facilityId: 'fac-a', arrivalDays: 1.5, lineDays: 3, infusionDays: 2 }] });
    expect(() => feasibleChains(bad, capacity(10))).toThrow(/arrivalDays must be a whole number/);
    const noLine = order('o1', { routes: [{ facilityId: 'fac-a', arrivalDays: 1, lineDays: 0, infusionDays: 2 }] });
    expect(() => feasibleChains(noLine, capacity(10))).toThrow(/lineDays must be a whole number ≥ 1/);
  });
});

describe('chainCost and waitingCost', () => {
  it('costs weight × days from order to infusion', () => {
    expect(chainCost(order('o1', { weight: 3, orderedDay: -4 }), { infusionDay: 6 })).toBe(30);
  });

  it('makes waiting dearer than the latest chain the horizon allows, by one day of weight', () => {
    const o = order('o1', { weight: 2, orderedDay: -3 });
    const cap = capacity(10);
    const latest = feasibleChains(o, cap).at(-1)!;
    expect(waitingCost(o, cap) - chainCost(o, latest)).toBe(2);
  });

  it('refuses a weight that is not positive', () => {
    expect(() => waitingCost(order('o1', { weight: 0 }), capacity(10))).toThrow(/weight must be a positive number/);
  });
});
