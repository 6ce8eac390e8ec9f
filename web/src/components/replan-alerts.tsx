import { when } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { ChainNow } from './chain-now';
import { Panel } from './panel';

/**
 * The alerts that say a slot chain moved or could not be kept: a re-plan (what moved is in the
 * message, e.g. "collection 2027-03-02 → 2027-03-09"), a batch sent to the waitlist, a line held
 * ahead that could not be confirmed. The workflow raises them; this shows them beside the waitlist.
 */
export const REPLAN_ALERT_KINDS = ['chain-replanned', 'waitlist', 'capacity'] as const;
const KIND_LABEL: Record<(typeof REPLAN_ALERT_KINDS)[number], string> = {
  'chain-replanned': 'chain re-planned',
  waitlist: 'sent to the waitlist',
  capacity: 'line not confirmed',
};
const isReplanKind = (kind: string): kind is (typeof REPLAN_ALERT_KINDS)[number] => (REPLAN_ALERT_KINDS as readonly string[]).includes(kind);

export function ReplanAlerts() {
  const { api } = useSession();
  const version = useLiveVersion((e) => e.type === 'alert.raised');
  const alerts = useLoad(() => api.GET('/v1/alerts', { params: { query: { limit: 200 } } }), [api, version]);
  return (
    <section aria-labelledby="replans">
      <h2 id="replans">Re-plans</h2>
      <Panel loaded={alerts} label="re-plan alerts">
        {({ alerts: all }) => {
          const rows = all.filter((a) => isReplanKind(a.kind));
          return rows.length === 0 ? (
            <p className="muted">No chain has moved.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Slot chains re-planned or lost, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Raised</th>
                  <th scope="col">What happened</th>
                  <th scope="col">What moved</th>
                  <th scope="col">Batch</th>
                  <th scope="col">Its chain</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id} className={`severity-${a.severity}`}>
                    <td>{when(a.createdAt)}</td>
                    <td>{isReplanKind(a.kind) ? KIND_LABEL[a.kind] : a.kind}</td>
                    <td>{a.message}</td>
                    <td>{a.batchId ? <a href={href('batch', a.batchId)}>batch {a.batchId.slice(0, 8)}</a> : '—'}</td>
                    <td>{a.batchId ? <ChainNow batchId={a.batchId} version={version} /> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Panel>
    </section>
  );
}
