import { describe, expect, it } from 'vitest';
import { productProfile } from '../../../src/domain/profiles.js';
import { chainOffsets, chainRoutes } from '../../../src/planning/capacity/chain-routes.js';
import { chairCapacity, collectionSlots, lineBlock, usableLines, type ExceptionRow, type SiteCapacityRow } from '../../../src/planning/capacity/day-capacity.js';
import { weekdayOf } from '../../../src/planning/capacity/plan-calendar.js';

const site: SiteCapacityRow = { id: 's', timezone: 'UTC', collectionsPerDay: 2, collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri'], manufacturingLines: 3, infusionChairs: 4 };
const exception = (e: Partial<ExceptionRow>): ExceptionRow => ({ resource: 'collection', line: null, fromDay: '2030-01-07', toDay: '2030-01-07', capacity: 0, createdAt: new Date(0), ...e });

describe('a site day', () => {
  it('collects on its weekdays only, unless the latest exception says otherwise', () => {
    expect(weekdayOf('2030-01-07')).toBe('mon');
    expect(collectionSlots(site, '2030-01-07', [])).toEqual(['slot-1', 'slot-2']);
    expect(collectionSlots(site, '2030-01-12', [])).toEqual([]);
    const holiday = exception({});
    const reopened = exception({ capacity: 1, createdAt: new Date(1) });
    expect(collectionSlots(site, '2030-01-07', [holiday])).toEqual([]);
    expect(collectionSlots(site, '2030-01-07', [reopened, holiday])).toEqual(['slot-1']);
    expect(collectionSlots(site, '2030-01-08', [holiday])).toHaveLength(2);
  });

  it('takes lines out for maintenance and exceptions, and says which blocks a line', () => {
    const down = exception({ resource: 'line', line: 'line-3' });
    expect(usableLines(site, '2030-01-07', [down], new Set(['line-1']))).toEqual(['line-2']);
    expect(usableLines(site, '2030-01-07', [exception({ resource: 'line', capacity: 1 })], new Set())).toEqual(['line-1']);
    expect(lineBlock(site, 'line-1', '2030-01-07', [down], new Set(['line-1']))).toBe('blocked-maintenance');
    expect(lineBlock(site, 'line-3', '2030-01-07', [down], new Set())).toBe('blocked-exception');
    expect(lineBlock(site, 'line-3', '2030-01-08', [down], new Set())).toBeNull();
    expect(chairCapacity(site, '2030-01-07', [exception({ resource: 'chair', capacity: 1 })])).toBe(1);
  });
});

describe('chain offsets from the product profile', () => {
  it('rounds transit up to whole days and adds the return leg, LD course and rest before the infusion', () => {
    const fresh = productProfile('autologous-cd19-fresh');
    expect(chainOffsets(fresh)).toEqual({ arrivalDays: 1, lineDays: 14, returnDays: 1, infusionDays: 6, latestInfusionAfterDays: 25 });
    expect(chainRoutes(fresh, ['f-b', 'f-a']).map((r) => r.facilityId)).toEqual(['f-a', 'f-b']);
  });

  it('gives a fresh product whose transit exceeds its stability no route at all', () => {
    const fresh = productProfile('autologous-cd19-fresh');
    const slow = { ...fresh, legs: { ...fresh.legs, outbound: { ...fresh.legs.outbound, nominalHours: 60 } } };
    expect(chainOffsets(slow)).toBeNull();
    expect(chainRoutes(slow, ['f'])).toEqual([]);
    const cryo = productProfile('autologous-bcma-cryo');
    expect(chainOffsets({ ...cryo, legs: { ...cryo.legs, outbound: { ...cryo.legs.outbound, nominalHours: 200 } } })).not.toBeNull();
  });
});
