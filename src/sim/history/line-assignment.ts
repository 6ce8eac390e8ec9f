import type { CapacityRows } from './capacity-rows.js';

/** How many lines and chairs each simulated site has: what it declares, or more if its held rows needed more. */
export type CapacityUsed = Map<string, { lines: number; chairs: number }>;

interface Span {
  id?: string;
  during: string;
  /** Reserved slots and active bookings: the rows the exclusion constraints keep apart. */
  state?: string;
}

/**
 * Gives every simulated slot a line and every booking a chair, as the facility and the treatment
 * centre would: per site, in order of start, the lowest-numbered line or chair free by then, among
 * the site's own (`declared`). Slots held longer than the twin kept the line (a slot covers QC,
 * the twin's line is free after cryopreservation) may share a line with a released slot; rows
 * still held (reserved, active) never share, so the exclusion constraints hold, and only when the
 * declared ones cannot keep them apart are more opened. Deterministic: ties go by row id.
 */
export function assignLinesAndChairs(all: readonly CapacityRows[], declared: (siteId: string) => { lines: number; chairs: number }): CapacityUsed {
  const used: CapacityUsed = new Map();
  const use = (siteId: string) => used.get(siteId) ?? used.set(siteId, { ...declared(siteId) }).get(siteId)!;
  for (const [siteId, slots] of bySite(all.flatMap((c) => c.slots), (s) => s.facilityId)) {
    const site = use(siteId);
    site.lines = partition(slots, site.lines, (slot, n) => (slot.line = `line-${n}`), 'reserved');
  }
  for (const [siteId, bookings] of bySite(all.flatMap((c) => c.bookings), (b) => b.siteId)) {
    const site = use(siteId);
    site.chairs = partition(bookings, site.chairs, (booking, n) => (booking.chair = `chair-${n}`), 'active');
  }
  return used;
}

function bySite<T>(rows: T[], site: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(site(row));
    if (group) group.push(row);
    else groups.set(site(row), [row]);
  }
  return groups;
}

/**
 * Gives each row resource number 1, 2, …: the lowest free; else, for a row no longer held, the one
 * that frees first; else, for a held row, the lowest no held row occupies; else a new one.
 * Returns how many resources there are then.
 */
function partition<T extends Span>(rows: T[], count: number, give: (row: T, n: number) => void, held: string): number {
  const spans = rows
    .map((row) => ({ row, ...bounds(row.during) }))
    .sort((a, b) => a.start - b.start || ((a.row.id ?? '') < (b.row.id ?? '') ? -1 : 1));
  const freeFrom: number[] = Array.from({ length: count }, () => -Infinity);
  const heldUntil: number[] = Array.from({ length: count }, () => -Infinity);
  for (const { row, start, end } of spans) {
    const isHeld = row.state === held;
    let n = freeFrom.findIndex((free) => free <= start);
    if (n === -1 && !isHeld && freeFrom.length > 0) n = freeFrom.indexOf(Math.min(...freeFrom));
    if (n === -1 && isHeld) n = heldUntil.findIndex((until) => until <= start);
    if (n === -1) {
      n = freeFrom.push(-Infinity) - 1;
      heldUntil.push(-Infinity);
    }
    freeFrom[n] = Math.max(freeFrom[n]!, end);
    if (isHeld) heldUntil[n] = Math.max(heldUntil[n]!, end);
    give(row, n + 1);
  }
  return freeFrom.length;
}

/** '[2027-01-04T08:00:00.000Z,2027-01-05T08:00:00.000Z)' → epoch milliseconds. */
function bounds(during: string): { start: number; end: number } {
  const [from, to] = during.slice(1, -1).split(',');
  return { start: Date.parse(from!), end: Date.parse(to!) };
}
