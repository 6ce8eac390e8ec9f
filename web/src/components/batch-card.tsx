import type { BatchSummary } from '../api';
import { batchTime } from '../format';
import { href } from '../router';

/**
 * One batch on the board, from the list answer alone: its latest forecast comes with it, so a board
 * of hundreds of batches is one request, not one workflow query per card. What the batch awaits is
 * on its detail page, one click away.
 */
export function BatchCard({ summary, alerts }: { summary: BatchSummary; alerts: number }) {
  const { forecast, patientRef } = summary;
  const time = batchTime(summary);
  return (
    <article className={forecast?.atRisk ? 'card at-risk' : 'card'} aria-label={`Batch ${summary.coiId}`}>
      <h3>
        <a href={href('batch', summary.batchId)}>{summary.coiId}</a>
        {alerts > 0 && (
          <span className="badge" title="alerts">
            {alerts} alert{alerts > 1 ? 's' : ''}
          </span>
        )}
      </h3>
      <dl>
        {patientRef && (
          <>
            <dt>Patient ref</dt>
            <dd>{patientRef}</dd>
          </>
        )}
        <dt>Product</dt>
        <dd>{summary.productId}</dd>
        <dt>Release P10–P90</dt>
        <dd>{time.band(forecast?.release)}</dd>
        <dt>Infusion-ready P10–P90</dt>
        <dd>{time.band(forecast?.infusionReady)}</dd>
      </dl>
      {forecast?.atRisk && <p className="flag">At risk: infusion-ready P90 is after the booked LD start</p>}
    </article>
  );
}
