import type { CapacityRows } from './capacity-rows.js';

/** How many lines and chairs each simulated site needed: a site's capacity is at least that. */
export type CapacityUsed = Map<string, { lines: number; chairs: number }>;

interface Span {
  id?: string;
  during: string;
}

/**
 * Gives every simulated slot a line and every booking a chair, as the facility and the treatment
 * centre would: per site, in order of start, the lowest-numbered line or chair free by then. No
 * line or chair ever holds two rows at once, so the exclusion constraints hold for every row (not
 * only the reserved and active ones they check). Deterministic: ties go by row id.
 */
export function assignLinesAndChairs(all: readonly CapacityRows[]): CapacityUsed {
  const used: CapacityUsed = new Map();
  const use = (siteId: string) => used.get(siteId) ?? used.set(siteId, { lines: 0, chairs: 0 }).get(siteId)!;
  for (const [siteId, slots] of bySite(all.flatMap((c) => c.slots), (s) => s.facilityId)) {
    use(siteId).lines = partition(slots, (slot, n) => (slot.line = `line-${n}`));
  }
  for (const [siteId, bookings] of bySite(all.flatMap((c) => c.bookings), (b) => b.siteId)) {
    use(siteId).chairs = partition(bookings, (booking, n) => (booking.chair = `chair-${n}`));
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

/** Interval partitioning: gives each row resource number 1, 2, …; returns how many were needed. */
function partition<T extends Span>(rows: T[], give: (row: T, n: number) => void): number {
  const spans = rows
    .map((row) => ({ row, ...bounds(row.during) }))
    .sort((a, b) => a.start - b.start || ((a.row.id ?? '') < (b.row.id ?? '') ? -1 : 1));
  const freeFrom: number[] = [];
  for (const { row, start, end } of spans) {
    let n = freeFrom.findIndex((free) => free <= start);
    if (n === -1) n = freeFrom.push(end) - 1;
    freeFrom[n] = end;
    give(row, n + 1);
  }
  return freeFrom.length;
}

/** '[2027-01-04T08:00:00.000Z,2027-01-05T08:00:00.000Z)' → epoch milliseconds. */
function bounds(during: string): { start: number; end: number } {
  const [from, to] = during.slice(1, -1).split(',');
  return { start: Date.parse(from!), end: Date.parse(to!) };
}
