import { useState } from 'react';
import type { Schemas } from '../api';
import { dayBand, localDay } from '../components/local-day';
import { Panel } from '../components/panel';
import { ReplanAlerts } from '../components/replan-alerts';
import { UrgencyForm } from '../components/urgency-form';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { can } from '../session';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

type Entry = Schemas['WaitlistEntry'];

/**
 * The orders waiting for a slot chain, in the order the active allocation policy gives them. The
 * coordinator sees the whole list; a scheduler sees their centres' entries (the API filters) with
 * each entry's position in the whole list. Each row says why it stands where it does.
 */
export function WaitlistPage({ centre }: { centre?: string | undefined }) {
  const { api, session } = useSession();
  // A batch moving (an allocation, a cancel) or an alert (sent to the waitlist) may change the list.
  const version = useLiveVersion((e) => e.type === 'batch.stage-changed' || e.type === 'alert.raised');
  const list = useLoad(() => api.GET('/v1/waitlist', { params: { query: centre ? { treatmentCenterId: centre } : {} } }), [api, centre, version]);
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const [notice, setNotice] = useState<string>();
  const mayUrge = can.signUrgency(session.identity.role);
  const scoped = session.identity.sites.length > 0;
  const treatmentCentres = sites.state === 'ok' ? sites.data.sites.filter((s) => s.kind === 'treatment_center') : [];
  // The filter offers the caller's own centres (the API answers only for those anyway).
  const centres = scoped ? treatmentCentres.filter((c) => session.identity.sites.includes(c.id)) : treatmentCentres;
  const siteName = (id: string) => treatmentCentres.find((c) => c.id === id)?.name ?? id;

  return (
    <>
      <h1>Waitlist</h1>
      <form className="filters" aria-label="Waitlist" onSubmit={(e) => e.preventDefault()}>
        <label>
          Treatment centre{' '}
          <select value={centre ?? ''} onChange={(e) => (window.location.hash = href('waitlist', undefined, { centre: e.target.value || undefined }))}>
            <option value="">{scoped ? 'All my centres' : 'All centres'}</option>
            {centres.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {notice && (
        <p role="status" className="verified">
          {notice}
        </p>
      )}
      <Panel loaded={list} label="waitlist">
        {(w) => (
          <>
            <p>
              Ordered by allocation policy <strong>{w.policy.policyId}</strong> version {w.policy.version}. {w.total} waiting in the whole list
              {w.entries.length !== w.total ? `; ${w.entries.length} shown here, with their positions in the whole list` : ''}.
            </p>
            {w.entries.length === 0 ? (
              <p>No order is waiting.</p>
            ) : (
              <div className="scroll" role="region" aria-label="Waiting orders" tabIndex={0}>
                <table>
                  <caption className="visually-hidden">Waiting orders by position</caption>
                  <thead>
                    <tr>
                      <th scope="col">Position</th>
                      <th scope="col">Batch</th>
                      <th scope="col">Treatment centre</th>
                      <th scope="col">Urgency</th>
                      <th scope="col">Waited</th>
                      <th scope="col">Weight</th>
                      <th scope="col">Why here</th>
                      <th scope="col">Expected collection</th>
                    </tr>
                  </thead>
                  <tbody>
                    {w.entries.map((e) => (
                      <WaitingRow
                        key={e.batchId}
                        entry={e}
                        centre={siteName(e.treatmentCenterId)}
                        onUrgencySigned={
                          mayUrge
                            ? (text) => {
                                setNotice(text);
                                list.reload();
                              }
                            : undefined
                        }
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </Panel>
      <ReplanAlerts />
    </>
  );
}

/** One waiting order; its expected collection band is the batch's own forecast (one request per row). */
function WaitingRow({ entry, centre, onUrgencySigned }: { entry: Entry; centre: string; onUrgencySigned?: ((text: string) => void) | undefined }) {
  const { api } = useSession();
  const place = useLoad(() => api.GET('/v1/batches/{id}/waitlist', { params: { path: { id: entry.batchId } } }), [api, entry.batchId, entry.position]);
  return (
    <tr data-batch={entry.batchId} className={entry.urgencyTier === 'standard' ? undefined : 'flagged'}>
      <th scope="row">{entry.position}</th>
      <td>
        <a href={href('batch', entry.batchId)}>batch {entry.batchId.slice(0, 8)}</a>
        <div className="muted">{entry.productId}</div>
      </td>
      <td>{centre}</td>
      <td>
        {entry.urgencyTier}
        {onUrgencySigned && (
          <details>
            <summary>Set urgency</summary>
            <UrgencyForm batchId={entry.batchId} current={entry.urgencyTier} onSigned={onUrgencySigned} />
          </details>
        )}
      </td>
      <td>{entry.waitedDays} d</td>
      <td>{entry.weight.toFixed(2)}</td>
      <td>
        {entry.rule}
        {entry.reasons.some((r) => !entry.rule.includes(r)) && <div className="muted">{entry.reasons.join('; ')}</div>}
      </td>
      <td>
        {entry.expectedCollectionDay ? localDay(entry.expectedCollectionDay) : 'none in the horizon'}
        <div className="muted">
          {place.state === 'ok' ? <ExpectedBand expected={place.data.expectedCollection} /> : place.state === 'error' ? (place.status === 403 ? 'band: for its own sites only' : `band not available: ${place.message}`) : 'band…'}
        </div>
      </td>
    </tr>
  );
}

/** The forecast band of the collection day, or, when there is none, the model's own sentence why. */
function ExpectedBand({ expected }: { expected: Schemas['ExpectedCollection'] }) {
  if (!expected.p50) return <span>no forecast: {expected.basis}</span>;
  return <span title={`${expected.model}: ${expected.basis}`}>P10–P90: {dayBand(expected)}</span>;
}
