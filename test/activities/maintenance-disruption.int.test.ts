import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equipmentActivities } from '../../activities/equipment-assessment.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { alerts, equipment, equipmentDailyTelemetry, slotChains, workflowSignals } from '../../src/db/schema/index.js';
import { localDateOf } from '../../src/domain/calendar-day.js';
import { liveChain, replanChain, type ChainRecord } from '../../src/planning/capacity/index.js';
import { stackConfig, unique } from '../setup/services.js';
import { createBatch, createProduct, createSites } from './batch-fixtures.js';

// A bioreactor whose ticket opens while a booked chain holds its line ahead: the chain moves with the ticket.
const config = stackConfig();
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
const releases: { batchId: string; reason: string }[] = [];
const assess = equipmentActivities({ db, pool, afterCapacityReleased: async (r) => void releases.push(r) }, { scopeOf: () => unique('untrained') }).assessEquipment;
const bioreactor = unique('bioreactor');
const day = (n: number) => new Date(Date.UTC(2026, 5, 1 + n)).toISOString().slice(0, 10);
const at = new Date(Date.UTC(2026, 5, 27, 6)).toISOString();
let booked: ChainRecord;

beforeAll(async () => {
  await migrateDatabase(config.DATABASE_URL!);
  const sites = await createSites(db, { lines: 2 });
  const batch = await createBatch(db, { ...sites, productId: (await createProduct(db)).id });
  booked = (await db.transaction((tx) => replanChain(tx, batch.id, { earliestDay: localDateOf(Date.now(), 'UTC'), reason: 'enrolment' }))).chain!;
  await db.insert(equipment).values({ id: bioreactor, siteId: sites.facility, kind: 'bioreactor', line: booked.line, installedAt: new Date('2025-01-01T00:00:00Z') });
  // Its noise doubled on its last day: the fallback rule flags it (as in equipment-assessment.int.test.ts).
  await db.insert(equipmentDailyTelemetry).values(Array.from({ length: 26 }, (_, n) => ({
    equipmentId: bioreactor, day: day(n), metric: 'temperature_c', n: 1440, mean: 37, min: 36.7, max: 37.3, stddev: n === 25 ? 0.25 : 0.1, minutesOutOfRange: 0,
  })));
});
afterAll(() => pool.end());

describe('a maintenance ticket on a line booked chains hold', () => {
  it('moves the chain off the line in the ticket’s transaction, alerts what moved, tells the workflow, frees the capacity; a retry changes nothing', async () => {
    expect(booked.line).toBeTruthy();
    const result = await assess({ equipmentId: bioreactor, at });
    expect(result.ticketId).toEqual(expect.any(String));
    // The facility's other line is free: the chain moves there.
    const live = await liveChain(db, booked.batchId);
    expect(live).toMatchObject({ version: 2, state: 'booked' });
    expect(live!.line).not.toBe(booked.line);
    const [alert] = await db.select().from(alerts).where(and(eq(alerts.batchId, booked.batchId), eq(alerts.kind, 'chain-replanned')));
    expect(alert?.message).toContain('Chain re-planned (line under maintenance)');
    const moves = await db.select().from(workflowSignals).where(and(eq(workflowSignals.workflowId, `batch:${booked.batchId}`), eq(workflowSignals.signal, 'chain-moved')));
    expect(moves.map((m) => m.payload)).toEqual([expect.objectContaining({ from: 1, why: 'line under maintenance' })]);
    expect(releases).toHaveLength(1);

    const chainsBefore = await db.select().from(slotChains).where(inArray(slotChains.batchId, [booked.batchId]));
    expect(await assess({ equipmentId: bioreactor, at })).toEqual(result);
    expect(await db.select().from(slotChains).where(inArray(slotChains.batchId, [booked.batchId]))).toEqual(chainsBefore);
    expect(await db.select().from(workflowSignals).where(eq(workflowSignals.workflowId, `batch:${booked.batchId}`))).toHaveLength(1);
  });
});
