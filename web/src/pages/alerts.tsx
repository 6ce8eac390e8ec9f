import { Panel } from '../components/panel';
import { when } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

/** What coordinators and schedulers were told, newest first (the API filters by the caller's sites). */
export function AlertsPage() {
  const { api } = useSession();
  const version = useLiveVersion((e) => e.type === 'alert.raised');
  const alerts = useLoad(() => api.GET('/v1/alerts', { params: { query: { limit: 200 } } }), [api, version]);
  return (
    <>
      <h1>Alerts</h1>
      <Panel loaded={alerts} label="alerts">
        {({ alerts: rows }) =>
          rows.length === 0 ? (
            <p>No alerts.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Alerts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Raised</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Message</th>
                  <th scope="col">Concerns</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id} className={`severity-${a.severity}`}>
                    <td>{when(a.createdAt)}</td>
                    <td>{a.severity}</td>
                    <td>{a.kind}</td>
                    <td>{a.message}</td>
                    <td>
                      {a.batchId ? <a href={href('batch', a.batchId)}>batch {a.batchId.slice(0, 8)}</a> : null}
                      {a.equipmentId ? <span> {a.equipmentId}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Panel>
    </>
  );
}
