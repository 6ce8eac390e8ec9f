import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { batches, capacityExceptions, collectionBookings, manufacturingSlots, sites, slotChains } from '../../db/schema/index.js';
import { startOfDay, addDays } from '../../domain/calendar-day.js';
import { ERR } from '../../domain/errors.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { IDEMPOTENCY_ERR, requestHash } from '../idempotency.js';
import { exceptionOutcomeSchema, type capacityExceptionBody } from '../schemas/capacity.js';
import { replanDisrupted } from '../../planning/disruption/replan-disrupted.js';
import { allocateOnRelease } from '../../planning/waitlist/on-capacity-released.js';
import { installationCapacity } from '../../planning/waitlist/database-capacity.js';

/**
 * Capacity exceptions: a line down for a week, a holiday, an extra clinic day. Set by a coordinator
 * (the token's subject is recorded, never a name from the body). An exception never drops a chain
 * silently: the live chains holding capacity it removes are returned as `affected`, for the
 * planner's re-plan (or a person) to move.
 */
type Body = z.output<typeof capacityExceptionBody>;

const RESOURCE_KIND = { collection: 'apheresis_center', line: 'manufacturing_facility', chair: 'treatment_center' } as const;
/** An exception longer than a year is a change of standing capacity: edit the site instead. */
const MAX_EXCEPTION_DAYS = 366;

const bodyIssue = (field: string, code: string, message: string, status = 400) => new ApiError(status, ERR.VALIDATION, message, [{ in: 'body', path: [field], code, message }]);

/** The disruption's words in the timeline and the alert, by what it closes. */
const WHY = { collection: 'collection day closed', line: 'line down', chair: 'chairs reduced' } as const;

/** The caller who sets the exception: its subject is recorded on the exception, its name and role on each move's custody record. */
interface Caller { subject: string; name: string; role: string }

export async function addCapacityException(deps: ApiDeps, siteId: string, body: Body, caller: Caller, idempotencyKey?: string) {
  const setBy = caller.subject;
  const [site] = await deps.db.select({ kind: sites.kind, timezone: sites.timezone, lines: sites.manufacturingLines }).from(sites).where(eq(sites.id, siteId));
  if (!site) throw notFound(`No site ${siteId}.`);
  if (body.toDay < body.fromDay) throw bodyIssue('toDay', 'invalid_range', `toDay (${body.toDay}) must not be before fromDay (${body.fromDay}).`);
  if (body.toDay > addDays(body.fromDay, MAX_EXCEPTION_DAYS - 1)) throw bodyIssue('toDay', 'range_too_long', `An exception covers at most ${MAX_EXCEPTION_DAYS} days; change the site's standing capacity instead.`);
  if (site.kind !== RESOURCE_KIND[body.resource]) {
    throw bodyIssue('resource', 'invalid_reference', `Site "${siteId}" is a ${site.kind}; ${body.resource} capacity belongs to a ${RESOURCE_KIND[body.resource]}.`, 422);
  }
  if (body.line !== undefined && body.resource !== 'line') throw bodyIssue('line', 'not_allowed', 'line names one manufacturing line: only with resource "line".');
  if (body.line !== undefined && body.capacity !== 0) throw bodyIssue('capacity', 'invalid_value', 'An exception on one line can only close it: capacity must be 0.');

  const key = idempotencyKey === undefined ? undefined : { key: idempotencyKey, hash: requestHash({ siteId, ...body }) };
  const replay = key && (await answered(deps, key, setBy));
  if (replay) return replay;
  const now = new Date();
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(capacityExceptions)
      .values({ siteId, resource: body.resource, line: body.line ?? null, fromDay: body.fromDay, toDay: body.toDay, capacity: body.capacity, reason: body.reason, setBy, idempotencyKey: key?.key ?? null, requestHash: key?.hash ?? null })
      .onConflictDoNothing({ target: capacityExceptions.idempotencyKey })
      .returning();
    // The same key committed by a concurrent first try: this one changes nothing and answers as it did.
    if (!row) return null;
    const affected = await affectedChains(tx, siteId, site.timezone, body);
    const { moved, kept } = await replanDisrupted(tx, { key: `capacity-exception:${row.id}`, why: WHY[body.resource], affected, actor: { name: caller.name, role: caller.role }, now });
    const outcome = { affected, moved, kept };
    await tx.update(capacityExceptions).set({ outcome }).where(eq(capacityExceptions.id, row.id));
    deps.logger.info({ siteId, exceptionId: row.id, resource: body.resource, line: body.line, fromDay: body.fromDay, toDay: body.toDay, capacity: body.capacity, affected: affected.length, moved: moved.length, kept: kept.length }, 'capacity exception set');
    return { exception: view(row), ...outcome };
  });
  if (!created) return (await answered(deps, key!, setBy))!;
  // The superseded chains' capacity (and any the moves left) goes to the waitlist now; the worker's timer runs it again if this fails.
  if (created.moved.length > 0) await allocateAfter(deps, created.exception.id);
  return created;
}

/** The first answer to a request with this key, or undefined; a key used by another caller or with another body is refused. */
async function answered(deps: ApiDeps, key: { key: string; hash: string }, setBy: string) {
  const [row] = await deps.db.select().from(capacityExceptions).where(eq(capacityExceptions.idempotencyKey, key.key));
  if (!row) return undefined;
  if (row.setBy !== setBy || row.requestHash !== key.hash) {
    const message = 'This Idempotency-Key was already used by another caller or with a different body; a retry must repeat the first request exactly, a new request needs a new key.';
    throw new ApiError(409, IDEMPOTENCY_ERR.CONFLICT, message, [{ in: 'headers', path: ['idempotency-key'], code: 'key_reused', message }]);
  }
  return { exception: view(row), ...exceptionOutcomeSchema.parse(row.outcome) };
}

async function allocateAfter(deps: ApiDeps, exceptionId: string) {
  try {
    await allocateOnRelease(deps.db, deps.logger, undefined, installationCapacity(deps.config))({ batchId: 'capacity-exception', reason: `chains moved by capacity exception ${exceptionId}` });
  } catch (err) {
    deps.logger.error({ err, exceptionId }, 'waitlist allocation after a capacity exception failed; the worker runs it again at its next tick');
  }
}

type Tx = Parameters<Parameters<ApiDeps['db']['transaction']>[0]>[0];
const unitIndex = (name: string | null) => Number(name?.split('-')[1] ?? 0);

/** Live chains whose held unit the exception takes away on one of its days. */
async function affectedChains(tx: Tx, siteId: string, timezone: string, body: Body) {
  const live = inArray(slotChains.state, ['booked', 'confirmed']);
  if (body.resource === 'collection') {
    const rows = await tx
      .select({ batchId: slotChains.batchId, chainId: slotChains.id, version: slotChains.version, slot: collectionBookings.slot, day: collectionBookings.day })
      .from(slotChains)
      .innerJoin(collectionBookings, eq(collectionBookings.id, slotChains.collectionBookingId))
      .where(and(live, eq(collectionBookings.siteId, siteId), eq(collectionBookings.state, 'active'), gte(collectionBookings.day, body.fromDay), lte(collectionBookings.day, body.toDay)));
    return rows.filter((r) => unitIndex(r.slot) > body.capacity).map((r) => ({ batchId: r.batchId, chainId: r.chainId, version: r.version, reason: `collection ${r.slot} on ${r.day} is beyond the day's new capacity (${body.capacity})` }));
  }
  if (body.resource === 'line') {
    const range = `[${new Date(startOfDay(body.fromDay, timezone)).toISOString()},${new Date(startOfDay(addDays(body.toDay, 1), timezone)).toISOString()})`;
    const rows = await tx
      .select({ batchId: slotChains.batchId, chainId: slotChains.id, version: slotChains.version, line: manufacturingSlots.line })
      .from(slotChains)
      .innerJoin(manufacturingSlots, eq(manufacturingSlots.id, slotChains.manufacturingSlotId))
      .where(and(live, eq(manufacturingSlots.facilityId, siteId), inArray(manufacturingSlots.state, ['reserved-ahead', 'reserved']), sql`${manufacturingSlots.during} && ${range}::tstzrange`));
    const closes = (line: string) => (body.line !== undefined ? line === body.line : unitIndex(line) > body.capacity);
    return rows.filter((r) => closes(r.line)).map((r) => ({ batchId: r.batchId, chainId: r.chainId, version: r.version, reason: `${r.line} is closed on some of its days` }));
  }
  // Chairs are not held by a chain, only planned: every chain infusing on a day over the new capacity is affected.
  const rows = await tx
    .select({ batchId: slotChains.batchId, chainId: slotChains.id, version: slotChains.version, day: slotChains.infusionDay })
    .from(slotChains)
    .innerJoin(batches, eq(batches.id, slotChains.batchId))
    .where(and(live, eq(batches.treatmentCenterId, siteId), gte(slotChains.infusionDay, body.fromDay), lte(slotChains.infusionDay, body.toDay)))
    .orderBy(asc(slotChains.createdAt));
  const seen = new Map<string, number>();
  return rows.flatMap((r) => {
    const n = (seen.get(r.day) ?? 0) + 1;
    seen.set(r.day, n);
    return n > body.capacity ? [{ batchId: r.batchId, chainId: r.chainId, version: r.version, reason: `infusion planned on ${r.day}, beyond the day's new chair capacity (${body.capacity})` }] : [];
  });
}

const view = ({ idempotencyKey: _key, requestHash: _hash, outcome: _outcome, ...row }: typeof capacityExceptions.$inferSelect) => ({ ...row, createdAt: row.createdAt.toISOString() });

export async function listCapacityExceptions(deps: ApiDeps, siteId: string) {
  const [site] = await deps.db.select({ id: sites.id }).from(sites).where(eq(sites.id, siteId));
  if (!site) throw notFound(`No site ${siteId}.`);
  const rows = await deps.db.select().from(capacityExceptions).where(eq(capacityExceptions.siteId, siteId)).orderBy(asc(capacityExceptions.fromDay), asc(capacityExceptions.createdAt));
  return { exceptions: rows.map(view) };
}
