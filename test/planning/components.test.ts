import { describe, expect, it } from 'vitest';
import { independentParts } from '../../src/planning/components.js';
import { capacity, order } from '../domain/planning/fixtures.js';

describe('independentParts', () => {
  it('keeps orders together when they share any site, and apart when they share none', () => {
    const route = (facilityId: string) => [{ facilityId, arrivalDays: 1, lineDays: 3, infusionDays: 2 }];
    const orders = [
      order('us-1', { apheresisCenterId: 'ac-us', treatmentCenterId: 'tc-us-1', routes: route('fac-us') }),
      order('us-2', { apheresisCenterId: 'ac-us', treatmentCenterId: 'tc-us-2', routes: route('fac-us') }),
      order('eu-1', { apheresisCenterId: 'ac-eu', treatmentCenterId: 'tc-eu', routes: route('fac-eu') }),
      // Shares only a facility with the US orders: the same part.
      order('bridge', { apheresisCenterId: 'ac-x', treatmentCenterId: 'tc-x', routes: route('fac-us') }),
    ];
    const parts = independentParts({ orders, capacity: capacity(10) });
    expect(parts.map((p) => p.orders.map((o) => o.orderId))).toEqual([['us-1', 'us-2', 'bridge'], ['eu-1']]);
  });

  it('has no parts for no orders', () => {
    expect(independentParts({ orders: [], capacity: capacity(10) })).toEqual([]);
  });
});
