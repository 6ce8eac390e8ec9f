import { useState } from 'react';
import type { QaQueue } from '../api';
import { Panel } from '../components/panel';
import { when } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { can } from '../session';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { SignatureForm, type Signed } from './qa-signature';

/** What waits for QA's signature, oldest first: dispositions of batches, assessments of excursions. */
export function QaPage() {
  const { api, session } = useSession();
  const version = useLiveVersion((e) => e.type === 'batch.stage-changed' || e.type.startsWith('excursion.'));
  const queue = useLoad(() => api.GET('/v1/qa/queue', {}), [api, version]);
  const [open, setOpen] = useState<string>();
  const [done, setDone] = useState<string>();
  const signer = can.sign(session.identity.role);
  const signed: Signed = (text) => {
    setOpen(undefined);
    setDone(text);
    queue.reload();
  };

  return (
    <>
      <h1>QA queue</h1>
      {!signer && <p className="muted">Only QA signs: you see the queue, not the signing forms.</p>}
      {done && (
        <p role="status" className="verified">
          {done}
        </p>
      )}
      <Panel loaded={queue} label="QA queue">
        {(q: QaQueue) => (
          <>
            <h2>Batches awaiting disposition ({q.dispositions.length})</h2>
            {q.dispositions.length === 0 ? (
              <p>None.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Batch</th>
                    <th scope="col">Product</th>
                    <th scope="col">Facility</th>
                    <th scope="col">Waiting since</th>
                    <th scope="col">Sign</th>
                  </tr>
                </thead>
                <tbody>
                  {q.dispositions.map((d) => (
                    <tr key={d.batchId}>
                      <th scope="row">
                        <a href={href('batch', d.batchId)}>{d.coiId}</a>
                      </th>
                      <td>{d.productId}</td>
                      <td>{d.facilityId ?? '—'}</td>
                      <td>{when(d.waitingSince)}</td>
                      <td>
                        {signer &&
                          (open === `d:${d.batchId}` ? (
                            <SignatureForm kind="disposition" batchId={d.batchId} label={d.coiId} onSigned={signed} onClose={() => setOpen(undefined)} />
                          ) : (
                            <button type="button" onClick={() => setOpen(`d:${d.batchId}`)}>
                              Sign disposition
                            </button>
                          ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h2>Excursions awaiting assessment ({q.assessments.length})</h2>
            {q.assessments.length === 0 ? (
              <p>None.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Excursion</th>
                    <th scope="col">Batch</th>
                    <th scope="col">Where</th>
                    <th scope="col">Opened</th>
                    <th scope="col">State</th>
                    <th scope="col">Peak</th>
                    <th scope="col">Sign</th>
                  </tr>
                </thead>
                <tbody>
                  {q.assessments.map((a) => (
                    <tr key={a.excursionId}>
                      <th scope="row">{a.metric ?? 'telemetry'} excursion</th>
                      <td>
                        <a href={href('batch', a.batchId)}>{a.batchId.slice(0, 8)}</a> ({a.batchStage.toLowerCase()})
                      </td>
                      <td>{a.shipmentId ?? a.equipmentId ?? a.deviceId}</td>
                      <td>{when(a.openedAt)}</td>
                      <td>{a.state}</td>
                      <td>{a.peak ?? '—'}</td>
                      <td>
                        {signer &&
                          (open === `a:${a.excursionId}` ? (
                            <SignatureForm kind="assessment" batchId={a.batchId} excursionId={a.excursionId} label={`${a.metric ?? ''} excursion`} onSigned={signed} onClose={() => setOpen(undefined)} />
                          ) : (
                            <button type="button" onClick={() => setOpen(`a:${a.excursionId}`)}>
                              Sign assessment
                            </button>
                          ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Panel>
    </>
  );
}
