import type { z } from 'zod';
import { addDays, datesFrom, localDateOf, localDay } from '../../domain/calendar-day.js';
import { ERR } from '../../domain/errors.js';
import { exceptionRows, heldLines, maintenanceLines, siteRows } from '../../planning/capacity/capacity-rows.js';
import { lineBlock } from '../../planning/capacity/day-capacity.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import type { capacityViewQuery } from '../schemas/capacity.js';

/**
 * A facility's lines × local days, each cell what holds or blocks it: a batch's slot (reserved, or
 * reserved ahead by a slot chain), an open maintenance ticket on the line's bioreactor, a capacity
 * exception, or nothing (free). A held line shows its batch even while blocked: the block stops new
 * batches, not the one already there.
 */
export async function facilityCapacity(deps: ApiDeps, siteId: string, query: z.output<typeof capacityViewQuery>, now = Date.now()) {
  const [site] = await siteRows(deps.db, [siteId]);
  if (!site) throw notFound(`No site ${siteId}.`);
  if (site.kind !== 'manufacturing_facility') {
    const message = `Site "${siteId}" is a ${site.kind}; lines belong to manufacturing facilities.`;
    throw new ApiError(422, ERR.VALIDATION, message, [{ in: 'params', path: ['siteId'], code: 'invalid_reference', message }]);
  }
  const first = query.from ?? localDateOf(now, site.timezone);
  const days = datesFrom(first, addDays(first, query.days - 1));
  const span = { from: localDay(days[0]!, site.timezone).start, to: localDay(days.at(-1)!, site.timezone).end };
  const exceptions = (await exceptionRows(deps.db, [siteId], days[0]!, days.at(-1)!)).get(siteId) ?? [];
  const maintenance = (await maintenanceLines(deps.db, [siteId])).get(siteId) ?? new Set<string>();
  const held = await heldLines(deps.db, [siteId], span.from, span.to);
  const names = Array.from({ length: site.manufacturingLines }, (_, i) => `line-${i + 1}`);
  for (const h of held) if (!names.includes(h.line)) names.push(h.line);

  const cell = (line: string, day: string) => {
    const { start, end } = localDay(day, site.timezone);
    const slot = held.find((h) => h.line === line && h.from < end && h.to > start);
    if (slot) return { day, state: slot.state, ...(slot.batchId ? { batchId: slot.batchId } : {}) };
    return { day, state: lineBlock(site, line, day, exceptions, maintenance) ?? ('free' as const) };
  };
  return { siteId, timeZone: site.timezone, days, lines: names.map((line) => ({ line, cells: days.map((day) => cell(line, day)) })) };
}
