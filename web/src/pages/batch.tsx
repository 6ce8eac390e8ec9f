import { Panel } from '../components/panel';
import { TelemetryPanel } from '../components/telemetry-panel';
import { awaitingText, batchTime, stageLabel } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { can } from '../session';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { CustodySection } from './batch-custody';
import { ForecastHistorySection } from './batch-forecasts';

/** One batch: status and bands, timeline, custody chain, forecast history, excursions and telemetry. */
export function BatchPage({ batchId }: { batchId: string }) {
  const { api, session } = useSession();
  const version = useLiveVersion((e) => e.batchId === batchId);
  const path = { params: { path: { id: batchId } } };
  const batch = useLoad(() => api.GET('/v1/batches/{id}', path), [api, batchId, version]);
  const excursions = useLoad(() => api.GET('/v1/excursions', { params: { query: { batchId, limit: 200 } } }), [api, batchId, version]);
  const alerts = useLoad(() => api.GET('/v1/alerts', { params: { query: { batchId, limit: 50 } } }), [api, batchId, version]);
  const role = session.identity.role;

  return (
    <Panel loaded={batch} label="batch">
      {(b) => {
        const time = batchTime(b);
        const { when } = time;
        const equipmentIds = excursions.state === 'ok' ? [...new Set(excursions.data.excursions.map((e) => e.equipmentId).filter((id): id is string => id !== null))] : [];
        return (
          <>
            <h1>
              Batch {b.coiId} <span className="muted">· {stageLabel(b.stage)}</span>
            </h1>
            {time.note && <p className="clock-note">{time.note}</p>}
            <dl className="facts">
              {b.patientRef && (
                <>
                  <dt>Patient ref</dt>
                  <dd>{b.patientRef}</dd>
                </>
              )}
              <dt>Product</dt>
              <dd>{b.productId}</dd>
              <dt>Awaiting</dt>
              <dd>{awaitingText(b.awaiting, time)}</dd>
              <dt>Release P10–P90</dt>
              <dd>{time.band(b.forecast?.release)}</dd>
              <dt>Infusion-ready P10–P90</dt>
              <dd>{time.band(b.forecast?.infusionReady)}</dd>
              <dt>Booking</dt>
              <dd>
                {b.booking ? `${when(b.booking.infusionDate)} (LD from ${when(b.booking.ldStart)}), ${b.booking.chair}` : 'none'}
                {b.forecast?.atRisk && <strong className="flag"> At risk{b.forecast.safeFrom ? `: safe from ${when(b.forecast.safeFrom)}` : ''}</strong>}{' '}
                {can.book(role) && <a href={href('calendar', b.treatmentCenterId, { batch: b.batchId })}>Open the calendar</a>}
              </dd>
              <dt>Sites</dt>
              <dd>
                {b.apheresisCenterId} → {b.facilityId ?? 'no facility yet'} → {b.treatmentCenterId}
              </dd>
            </dl>
            <div className="detail">
              <section aria-labelledby="timeline" tabIndex={0}>
                <h2 id="timeline">Timeline</h2>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Event</th>
                      <th scope="col">Stage</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.timeline.map((t, i) => (
                      <tr key={i}>
                        <td>{when(t.at)}</td>
                        <td>
                          {t.event}
                          {t.detail ? ` — ${t.detail}` : ''}
                        </td>
                        <td>{t.stage ? stageLabel(t.stage) : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <CustodySection batchId={batchId} version={version} time={time} />
              <ForecastHistorySection batchId={batchId} version={version} time={time} />
              <section aria-labelledby="excursions" tabIndex={0}>
                <h2 id="excursions">Excursions and issues</h2>
                <Panel loaded={excursions} label="excursions">
                  {({ excursions: rows }) =>
                    rows.length === 0 ? (
                      <p>No excursions.</p>
                    ) : (
                      <table>
                        <thead>
                          <tr>
                            <th scope="col">Opened</th>
                            <th scope="col">Kind</th>
                            <th scope="col">Where</th>
                            <th scope="col">State</th>
                            <th scope="col">Peak</th>
                            <th scope="col">QA assessment</th>
                          </tr>
                        </thead>
                        <tbody>
                          {rows.map((e) => (
                            <tr key={e.id}>
                              <td>{when(e.openedAt)}</td>
                              <td>
                                {e.kind} {e.metric ?? ''}
                              </td>
                              <td>{e.shipmentId ?? e.equipmentId ?? e.deviceId}</td>
                              <td>{e.state}</td>
                              <td>{e.peak ?? '—'}</td>
                              <td>{e.assessment ? `${e.assessment.impact} by ${e.assessment.signer.name}` : can.sign(role) ? <a href={href('qa')}>awaiting (QA queue)</a> : 'awaiting'}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )
                  }
                </Panel>
              </section>
              <section aria-labelledby="batch-alerts" tabIndex={0}>
                <h2 id="batch-alerts">Alerts</h2>
                <Panel loaded={alerts} label="alerts">
                  {({ alerts: rows }) =>
                    rows.length === 0 ? (
                      <p>No alerts.</p>
                    ) : (
                      <ul>
                        {rows.map((a) => (
                          <li key={a.id}>
                            {when(a.createdAt)} · <strong>{a.severity}</strong> · {a.message}
                          </li>
                        ))}
                      </ul>
                    )
                  }
                </Panel>
              </section>
            </div>
            {can.seeTelemetry(role) && (
              <section aria-labelledby="telemetry">
                <h2 id="telemetry">Telemetry</h2>
                {b.shipments.length === 0 && equipmentIds.length === 0 && <p>No shipments or equipment readings yet.</p>}
                {b.shipments.map((s) => (
                  <TelemetryPanel key={s.shipmentId} subject={{ shipmentId: s.shipmentId }} />
                ))}
                {equipmentIds.map((id) => (
                  <TelemetryPanel key={id} subject={{ equipmentId: id }} />
                ))}
              </section>
            )}
          </>
        );
      }}
    </Panel>
  );
}
