import type { paths } from '../../../src/api/client/index';
import { href } from '../router';

/** What one line holds on one local day at the facility, as the capacity API answers it. */
export type CapacityCell = paths['/v1/sites/{siteId}/capacity']['get']['responses'][200]['content']['application/json']['lines'][number]['cells'][number];
export type CellState = CapacityCell['state'];

export interface CapacityRow {
  line: string;
  /** One cell per day, in the order of the grid's days; undefined where the answer has none. */
  cells: (CapacityCell | undefined)[];
}

/**
 * Every state in words, with a mark that does not rely on colour alone (WCAG 1.4.1): the legend and
 * the cells use the same text, so a screen reader and a printout read the same grid.
 */
export const CELL_LEGEND: Record<CellState, { label: string; mark: string; meaning: string }> = {
  reserved: { label: 'reserved', mark: '■', meaning: 'the cells have arrived; the line is confirmed for the batch' },
  'reserved-ahead': { label: 'reserved ahead', mark: '▣', meaning: 'held by an enrolled slot chain; confirmed when the cells arrive' },
  free: { label: 'free', mark: '□', meaning: 'no batch holds the line; a new chain may take it' },
  'blocked-maintenance': { label: 'maintenance', mark: '✕', meaning: "an open maintenance ticket blocks the line's bioreactor" },
  'blocked-exception': { label: 'closed', mark: '⊘', meaning: 'a capacity exception closes the line (who set it and why: the exceptions list)' },
};

export function CapacityLegend() {
  return (
    <dl className="legend" aria-label="Legend">
      {(Object.keys(CELL_LEGEND) as CellState[]).map((state) => (
        <div key={state}>
          <dt className={`cell-${state}`}>
            <span aria-hidden="true">{CELL_LEGEND[state].mark}</span> {CELL_LEGEND[state].label}
          </dt>
          <dd>{CELL_LEGEND[state].meaning}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Lines down, days across: the facility's manufacturing capacity as the planner sees it. */
export function CapacityGrid({ days, rows, caption, highlight }: { days: { date: string; label: string; title: string }[]; rows: CapacityRow[]; caption: string; highlight?: string | undefined }) {
  return (
    <div className="scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="capacity">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            {days.map((d) => (
              <th scope="col" key={d.date} title={d.title}>
                {d.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.line}>
              <th scope="row">{row.line}</th>
              {row.cells.map((cell, i) => (
                <Cell key={days[i]?.date ?? i} cell={cell} highlighted={highlight !== undefined && cell?.batchId === highlight} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A cell shows its mark; its words are there for a screen reader and on hover, so 28 days fit across. */
function Cell({ cell, highlighted }: { cell: CapacityCell | undefined; highlighted: boolean }) {
  if (!cell) return <td className="muted">?</td>;
  const legend = CELL_LEGEND[cell.state];
  const classes = [`cell-${cell.state}`, highlighted ? 'highlighted' : ''].filter(Boolean).join(' ');
  const words = <span className="visually-hidden">{legend.label}</span>;
  return (
    <td className={classes} data-state={cell.state} title={cell.batchId ? `${legend.label}: batch ${cell.batchId.slice(0, 8)}` : legend.meaning}>
      {cell.batchId ? (
        <a href={href('batch', cell.batchId)}>
          <span aria-hidden="true">{legend.mark}</span>
          {words}
        </a>
      ) : (
        <>
          <span aria-hidden="true">{legend.mark}</span>
          {words}
        </>
      )}
    </td>
  );
}
