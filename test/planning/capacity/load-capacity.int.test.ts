import { describe, expect, it } from 'vitest';
import { capacityExceptions, equipment, infusionBookings, maintenanceTickets, manufacturingSlots } from '../../../src/db/schema/index.js';
import { localDay } from '../../../src/domain/calendar-day.js';
import { loadPlanningCapacity } from '../../../src/planning/capacity/index.js';
import { unique } from '../../setup/services.js';
import { capacityFixture } from './fixture.js';

/**
 * Capacity as data, on the real database. Noon UTC on Monday 7 January 2030 is already Tuesday 01:00
 * in Auckland: the apheresis centre's Monday is over, so plan day 0 (the 7th) has nothing there.
 */
const NOW = Date.parse('2030-01-07T12:00:00Z');
const f = capacityFixture({
  apheresis: { timezone: 'Pacific/Auckland', collectionsPerDay: 2 },
  facility: { timezone: 'UTC', manufacturingLines: 3 },
  treatment: { timezone: 'America/New_York', infusionChairs: 2 },
});
const load = () => loadPlanningCapacity(f.db, { from: NOW, horizonDays: 8, sites: [f.ids.apheresis, f.ids.facility, f.ids.treatment] });

describe('loadPlanningCapacity', () => {
  it("counts each site's own local days: a day already over in Auckland has no collections; weekends are closed", async () => {
    const { capacity, calendar } = await load();
    expect(calendar.startDate).toBe('2030-01-07');
    //                                         Mon Tue Wed Thu Fri Sat Sun Mon
    expect(capacity.collections[f.ids.apheresis]).toEqual([0, 2, 2, 2, 2, 0, 0, 2]);
    expect(capacity.lines[f.ids.facility]).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
    expect(capacity.chairs[f.ids.treatment]).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('applies exceptions, maintenance blocks, held lines and chair bookings', async () => {
    const setBy = unique('coordinator');
    await f.db.insert(capacityExceptions).values([
      { siteId: f.ids.apheresis, resource: 'collection', fromDay: '2030-01-09', toDay: '2030-01-09', capacity: 0, reason: 'holiday', setBy },
      { siteId: f.ids.apheresis, resource: 'collection', fromDay: '2030-01-12', toDay: '2030-01-12', capacity: 1, reason: 'Saturday clinic', setBy },
      { siteId: f.ids.facility, resource: 'line', line: 'line-3', fromDay: '2030-01-08', toDay: '2030-01-09', capacity: 0, reason: 'line down', setBy },
      { siteId: f.ids.treatment, resource: 'chair', fromDay: '2030-01-10', toDay: '2030-01-10', capacity: 0, reason: 'ward closed', setBy },
    ]);
    const bioreactor = unique('bioreactor');
    await f.db.insert(equipment).values({ id: bioreactor, siteId: f.ids.facility, kind: 'bioreactor', line: 'line-2' });
    await f.db.insert(maintenanceTickets).values({ key: unique('ticket'), equipmentId: bioreactor, reason: 'risk', failureProbability7d: 0.4, openedAt: new Date(NOW) });
    const batchId = await f.batch();
    await f.db.insert(manufacturingSlots).values({ facilityId: f.ids.facility, line: 'line-1', batchId, during: '[2030-01-10T06:00:00Z,2030-01-11T06:00:00Z)' });
    const ny = localDay('2030-01-09', 'America/New_York');
    await f.db.insert(infusionBookings).values({ batchId, siteId: f.ids.treatment, chair: 'chair-1', during: `[${new Date(ny.start).toISOString()},${new Date(ny.end).toISOString()})` });

    const { capacity } = await load();
    expect(capacity.collections[f.ids.apheresis]).toEqual([0, 2, 0, 2, 2, 1, 0, 2]);
    // line-2 under maintenance every day; line-3 closed on the 8th and 9th; line-1 held on the 10th and 11th.
    expect(capacity.lines[f.ids.facility]).toEqual([2, 1, 1, 1, 1, 2, 2, 2]);
    // chair-1 booked on the 9th (New York's day); the ward closed on the 10th.
    expect(capacity.chairs[f.ids.treatment]).toEqual([2, 2, 1, 0, 2, 2, 2, 2]);
  });
});
