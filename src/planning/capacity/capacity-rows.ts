import { and, eq, gte, inArray, lte, notExists, sql } from 'drizzle-orm';
import {
  batches, capacityExceptions, collectionBookings, equipment, infusionBookings, maintenanceTickets, manufacturingSlots, sites, slotChains,
} from '../../db/schema/index.js';
import type { LocalDate } from '../../domain/calendar-day.js';
import type { Db } from './db.js';
import type { ExceptionRow, SiteCapacityRow } from './day-capacity.js';

/** The rows capacity is computed from, read for a set of sites and a span of days. */

export interface SiteRow extends SiteCapacityRow {
  kind: string;
  simulated: boolean;
}

export async function siteRows(db: Db, ids: readonly string[]): Promise<SiteRow[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      id: sites.id, kind: sites.kind, simulated: sites.simulated, timezone: sites.timezone, collectionsPerDay: sites.collectionsPerDay,
      collectionDays: sites.collectionDays, manufacturingLines: sites.manufacturingLines, infusionChairs: sites.infusionChairs,
    })
    .from(sites)
    .where(inArray(sites.id, [...ids]));
}

const bySite = <T extends { siteId: string }>(rows: readonly T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.siteId, [...(map.get(row.siteId) ?? []), row]);
  return map;
};

export async function exceptionRows(db: Db, siteIds: readonly string[], from: LocalDate, to: LocalDate): Promise<Map<string, ExceptionRow[]>> {
  if (siteIds.length === 0) return new Map();
  const rows = await db
    .select({ siteId: capacityExceptions.siteId, resource: capacityExceptions.resource, line: capacityExceptions.line, fromDay: capacityExceptions.fromDay, toDay: capacityExceptions.toDay, capacity: capacityExceptions.capacity, createdAt: capacityExceptions.createdAt })
    .from(capacityExceptions)
    .where(and(inArray(capacityExceptions.siteId, [...siteIds]), lte(capacityExceptions.fromDay, to), gte(capacityExceptions.toDay, from)));
  return bySite(rows);
}

/** Lines whose bioreactor has an open maintenance ticket: they take no new batch until it closes. */
export async function maintenanceLines(db: Db, facilityIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const map = new Map<string, Set<string>>();
  if (facilityIds.length === 0) return map;
  const rows = await db
    .select({ siteId: equipment.siteId, line: equipment.line })
    .from(equipment)
    .innerJoin(maintenanceTickets, and(eq(maintenanceTickets.equipmentId, equipment.id), eq(maintenanceTickets.state, 'open')))
    .where(and(inArray(equipment.siteId, [...facilityIds]), eq(equipment.kind, 'bioreactor')));
  for (const { siteId, line } of rows) if (line) map.set(siteId, new Set([...(map.get(siteId) ?? []), line]));
  return map;
}

export interface HeldCollection { siteId: string; day: LocalDate; slot: string; batchId: string }

export async function heldCollections(db: Db, siteIds: readonly string[], from: LocalDate, to: LocalDate): Promise<HeldCollection[]> {
  if (siteIds.length === 0) return [];
  return db
    .select({ siteId: collectionBookings.siteId, day: collectionBookings.day, slot: collectionBookings.slot, batchId: collectionBookings.batchId })
    .from(collectionBookings)
    .where(and(inArray(collectionBookings.siteId, [...siteIds]), eq(collectionBookings.state, 'active'), gte(collectionBookings.day, from), lte(collectionBookings.day, to)));
}

const epochMs = (t: unknown) => sql<number>`(extract(epoch from ${t}) * 1000)::float8`;
const overlapping = (column: unknown, from: number, to: number) =>
  sql`${column} && tstzrange(${new Date(from).toISOString()}::timestamptz, ${new Date(to).toISOString()}::timestamptz)`;

export interface HeldLine { siteId: string; line: string; batchId: string | null; state: 'reserved-ahead' | 'reserved'; from: number; to: number }

/** Slots that hold a line (reserved ahead or reserved) during [from, to). */
export async function heldLines(db: Db, facilityIds: readonly string[], from: number, to: number): Promise<HeldLine[]> {
  if (facilityIds.length === 0) return [];
  const rows = await db
    .select({ siteId: manufacturingSlots.facilityId, line: manufacturingSlots.line, batchId: manufacturingSlots.batchId, state: manufacturingSlots.state, from: epochMs(sql`lower(${manufacturingSlots.during})`), to: epochMs(sql`upper(${manufacturingSlots.during})`) })
    .from(manufacturingSlots)
    .where(and(inArray(manufacturingSlots.facilityId, [...facilityIds]), inArray(manufacturingSlots.state, ['reserved-ahead', 'reserved']), overlapping(manufacturingSlots.during, from, to)));
  return rows.map((r) => ({ ...r, state: r.state as HeldLine['state'], from: Number(r.from), to: Number(r.to) }));
}

export interface HeldChair { siteId: string; chair: string; from: number; to: number }

export async function heldChairs(db: Db, siteIds: readonly string[], from: number, to: number): Promise<HeldChair[]> {
  if (siteIds.length === 0) return [];
  const rows = await db
    .select({ siteId: infusionBookings.siteId, chair: infusionBookings.chair, from: epochMs(sql`lower(${infusionBookings.during})`), to: epochMs(sql`upper(${infusionBookings.during})`) })
    .from(infusionBookings)
    .where(and(inArray(infusionBookings.siteId, [...siteIds]), eq(infusionBookings.state, 'active'), overlapping(infusionBookings.during, from, to)));
  return rows.map((r) => ({ ...r, from: Number(r.from), to: Number(r.to) }));
}

/** Infusion days planned by live chains whose batch has no chair booked yet (a booked one is counted as a booking). */
export async function plannedInfusions(db: Db, siteIds: readonly string[], from: LocalDate, to: LocalDate): Promise<{ siteId: string; day: LocalDate }[]> {
  if (siteIds.length === 0) return [];
  const booked = db.select({ one: sql`1` }).from(infusionBookings).where(and(eq(infusionBookings.batchId, slotChains.batchId), eq(infusionBookings.state, 'active')));
  return db
    .select({ siteId: batches.treatmentCenterId, day: slotChains.infusionDay })
    .from(slotChains)
    .innerJoin(batches, eq(batches.id, slotChains.batchId))
    .where(and(inArray(batches.treatmentCenterId, [...siteIds]), inArray(slotChains.state, ['booked', 'confirmed']), gte(slotChains.infusionDay, from), lte(slotChains.infusionDay, to), notExists(booked)));
}
