import { when } from '../format';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { localDay } from './local-day';
import { Panel } from './panel';

/** A site's capacity exceptions: what each closes or limits, on which local days, who set it and why. */
export function CapacityExceptions({ siteId, version }: { siteId: string; version: number }) {
  const { api } = useSession();
  const exceptions = useLoad(() => api.GET('/v1/sites/{siteId}/capacity-exceptions', { params: { path: { siteId } } }), [api, siteId, version]);
  return (
    <section aria-labelledby="exceptions">
      <h2 id="exceptions">Capacity exceptions</h2>
      <Panel loaded={exceptions} label="capacity exceptions">
        {({ exceptions: rows }) =>
          rows.length === 0 ? (
            <p className="muted">None: every line has its standing capacity.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Capacity exceptions at this site</caption>
              <thead>
                <tr>
                  <th scope="col">Days</th>
                  <th scope="col">What</th>
                  <th scope="col">Capacity</th>
                  <th scope="col">Why</th>
                  <th scope="col">Set by</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => (
                  <tr key={x.id}>
                    <td>
                      {localDay(x.fromDay)} – {localDay(x.toDay)}
                    </td>
                    <td>{x.line ?? `every ${x.resource}`}</td>
                    <td>{x.capacity === 0 ? 'closed' : x.capacity}</td>
                    <td>{x.reason}</td>
                    <td>
                      {x.setBy} <span className="muted">{when(x.createdAt)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Panel>
    </section>
  );
}
