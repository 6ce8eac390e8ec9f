import { and, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { batches, manufacturingSlots, slotChains } from '../../db/schema/index.js';
import type { Principal } from '../auth/principal.js';
import { visibleBatches } from '../auth/site-scope.js';
import type { ApiDeps } from '../deps.js';
import type { chainMoveSchema, chainReplanSchema } from '../schemas/chain-replans.js';

type Chain = typeof slotChains.$inferSelect;
type Move = z.output<typeof chainMoveSchema>;

/** What moved between two versions of a chain: the steps whose day, facility or line changed. */
export function chainMoves(before: Chain, after: Chain, lines: { before: string | null; after: string | null }): Move[] {
  const pairs: [Move['step'], string | null, string | null][] = [
    ['collection', before.collectionDay, after.collectionDay],
    ['facility', before.facilityId, after.facilityId],
    ['line', lines.before, lines.after],
    ['line-start', before.lineStartDay, after.lineStartDay],
    ['infusion', before.infusionDay, after.infusionDay],
  ];
  return pairs.filter(([, from, to]) => from !== to).map(([step, from, to]) => ({ step, from: from ?? '—', to: to ?? '—' }));
}

/**
 * Every re-plan the caller may see, newest first: a chain version and the one it superseded, read
 * from slot_chains (a re-plan never updates a chain's days, it books the next version).
 */
export async function chainReplans(deps: ApiDeps, principal: Principal, query: { batchId?: string | undefined; limit: number }): Promise<z.input<typeof chainReplanSchema>[]> {
  const before = alias(slotChains, 'before_chain');
  // The line each version held: its slot row keeps the line after a release.
  const beforeSlot = alias(manufacturingSlots, 'before_slot');
  const afterSlot = alias(manufacturingSlots, 'after_slot');
  const rows = await deps.db
    .select({ before, after: slotChains, beforeLine: beforeSlot.line, afterLine: afterSlot.line, coiId: batches.coiId, treatmentCenterId: batches.treatmentCenterId })
    .from(slotChains)
    .innerJoin(before, and(eq(before.batchId, slotChains.batchId), eq(before.version, sql`${slotChains.version} - 1`)))
    .innerJoin(batches, eq(batches.id, slotChains.batchId))
    .leftJoin(beforeSlot, eq(beforeSlot.id, before.manufacturingSlotId))
    .leftJoin(afterSlot, eq(afterSlot.id, slotChains.manufacturingSlotId))
    .where(and(visibleBatches(principal), query.batchId ? eq(slotChains.batchId, query.batchId) : undefined))
    .orderBy(desc(slotChains.createdAt))
    .limit(query.limit);
  const days = (c: Chain, line: string | null) => ({ version: c.version, facilityId: c.facilityId, line, collectionDay: c.collectionDay, lineStartDay: c.lineStartDay, lineEndDay: c.lineEndDay, infusionDay: c.infusionDay });
  return rows.map((r) => ({
    batchId: r.after.batchId,
    coiId: r.coiId,
    treatmentCenterId: r.treatmentCenterId,
    at: r.after.createdAt.toISOString(),
    reason: r.after.reason,
    before: days(r.before, r.beforeLine),
    after: days(r.after, r.afterLine),
    moved: chainMoves(r.before, r.after, { before: r.beforeLine, after: r.afterLine }),
  }));
}
