import type { paths } from '../../../src/api/client/index';
import type { CapacityRow } from '../components/capacity-grid';

export type CapacityView = paths['/v1/sites/{siteId}/capacity']['get']['responses'][200]['content']['application/json'];

/** Four weeks: a line window (manufacturing and QC) fits in it with the days around. */
export const CAPACITY_DAYS = 28;

/** The API's lines × days as the grid's rows, each cell in the order of the answer's days. */
export function capacityRows(view: CapacityView): { days: string[]; rows: CapacityRow[] } {
  return {
    days: view.days,
    rows: view.lines.map((l) => {
      const byDay = new Map(l.cells.map((c) => [c.day, c]));
      return { line: l.line, cells: view.days.map((d) => byDay.get(d)) };
    }),
  };
}
