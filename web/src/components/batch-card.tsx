import type { BatchSummary } from '../api';
import { awaitingText, band } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { requestQueue } from '../request-queue';
import { useLoad } from '../use-load';

const statusQueue = requestQueue(6);

/**
 * One batch on the board. The list answer has no live status, so each card asks for its batch's
 * detail (awaiting, forecast bands) and asks again when a live event names the batch.
 */
export function BatchCard({ summary, alerts }: { summary: BatchSummary; alerts: number }) {
  const { api } = useSession();
  const version = useLiveVersion((e) => e.batchId === summary.batchId);
  const detail = useLoad(() => statusQueue(() => api.GET('/v1/batches/{id}', { params: { path: { id: summary.batchId } } })), [api, summary.batchId, summary.updatedAt, version]);
  const status = detail.state === 'ok' ? detail.data : undefined;
  const forecast = status?.forecast;
  const patientRef = summary.patientRef;
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
        <dt>Awaiting</dt>
        <dd>{status ? awaitingText(status.awaiting) : detail.state === 'error' ? 'unknown' : '…'}</dd>
        <dt>Release P10–P90</dt>
        <dd>{band(forecast?.release)}</dd>
        <dt>Infusion-ready P10–P90</dt>
        <dd>{band(forecast?.infusionReady)}</dd>
      </dl>
      {forecast?.atRisk && <p className="flag">At risk: infusion-ready P90 is after the booked LD start</p>}
    </article>
  );
}
