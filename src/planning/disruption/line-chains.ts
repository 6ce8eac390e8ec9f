import { and, eq, inArray } from 'drizzle-orm';
import { manufacturingSlots, slotChains } from '../../db/schema/index.js';
import type { Db } from '../capacity/index.js';

/**
 * The live chains holding a line ahead (not yet confirmed at receipt) at a facility: what a
 * maintenance ticket on the line's bioreactor takes, since a line under maintenance takes no batch
 * until the ticket closes (src/planning/capacity/capacity-rows.ts `maintenanceLines`).
 */
export async function chainsHoldingLine(db: Db, facilityId: string, line: string): Promise<{ batchId: string; version: number }[]> {
  return db
    .select({ batchId: slotChains.batchId, version: slotChains.version })
    .from(slotChains)
    .innerJoin(manufacturingSlots, eq(manufacturingSlots.id, slotChains.manufacturingSlotId))
    .where(and(eq(slotChains.state, 'booked'), eq(manufacturingSlots.facilityId, facilityId), eq(manufacturingSlots.line, line), inArray(manufacturingSlots.state, ['reserved-ahead'])));
}
