import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { capacityExceptions, manufacturingSlots, sites, slotChains } from '../../src/db/schema/index.js';
import { planClock } from '../../src/domain/batch/journey.js';
import { addDays, localDateOf, startOfDay } from '../../src/domain/calendar-day.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

/**
 * Slot chains on a compressed clock with an origin (the demo's setting): enrolment plans in the
 * shared simulated calendar and holds the line in real time, so the same exclusion constraint
 * enforces capacity in simulated days; beyond capacity the patient is waitlisted, as on the real clock.
 */
const TIME_SCALE = 60;
const origin = new Date(Date.now() - 3_600_000).toISOString();
const { app, db, enrolBody } = stackApp({ V2V_TIME_SCALE: TIME_SCALE, V2V_CLOCK_ORIGIN: origin });
const clock = planClock(TIME_SCALE, Date.parse(origin))!;
/** One line, closed from simulated day 22 to well past the horizon: room for a single chain. */
const oneLine = unique('one-line-facility');

beforeAll(async () => {
  await db.insert(sites).values({ id: oneLine, kind: 'manufacturing_facility', name: 'One-line facility', manufacturingLines: 1 });
  const today = localDateOf(clock.simulatedAt(Date.now()), 'UTC');
  await db.insert(capacityExceptions).values({ siteId: oneLine, resource: 'line', line: null, fromDay: addDays(today, 22), toDay: addDays(today, 200), capacity: 0, reason: 'test: closed', setBy: 'test' });
});

describe('enrolment on a compressed clock with V2V_CLOCK_ORIGIN', () => {
  it('books a chain in simulated days whose line is held in real time for the simulated window / timeScale; the next patient is waitlisted', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), facilityId: oneLine } });
    expect(res.statusCode, res.body).toBe(201);
    const { batchId, chain, waitlisted } = res.json();
    expect(waitlisted).toBe(false);
    // Simulated today is an hour × 60 = 2.5 days after the origin's date: the chain is in simulated dates.
    expect(chain.collectionDay >= localDateOf(clock.simulatedAt(Date.now()), 'UTC')).toBe(true);
    expect(chain.collectionDay > localDateOf(Date.now(), 'UTC')).toBe(true);

    const [row] = await db.select({ slotId: slotChains.manufacturingSlotId }).from(slotChains).where(eq(slotChains.batchId, batchId));
    const [slot] = await db.select({ during: manufacturingSlots.during, state: manufacturingSlots.state }).from(manufacturingSlots).where(eq(manufacturingSlots.id, row!.slotId!));
    expect(slot!.state).toBe('reserved-ahead');
    const [lower, upper] = String(slot!.during).replace(/^[[(]"?|"?[\])]$/g, '').split(/"?,"?/).map((t) => Date.parse(t));
    const [simFrom, simTo] = [startOfDay(chain.lineStartDay, 'UTC'), startOfDay(chain.lineEndDay, 'UTC')];
    expect(lower).toBeCloseTo(clock.realAt(simFrom), -1);
    expect(upper).toBeCloseTo(clock.realAt(simTo), -1);
    expect(upper! - lower!).toBeCloseTo((simTo - simFrom) / TIME_SCALE, -1);

    const second = await app.inject({ method: 'POST', url: '/v1/batches', payload: { ...enrolBody(), facilityId: oneLine } });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ chain: null, waitlisted: true });
  });
});
