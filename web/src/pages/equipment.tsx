import { Panel } from '../components/panel';
import { TelemetryPanel } from '../components/telemetry-panel';
import { href } from '../router';
import { can } from '../session';
import { when } from '../format';
import { useLiveVersion } from '../live';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

const percent = (p: number | null) => (p === null ? '—' : `${(p * 100).toFixed(1)} %`);

/** Equipment health: 7-day failure risk, remaining useful life and open maintenance tickets. */
export function EquipmentPage({ unitId }: { unitId?: string | undefined }) {
  const { api, session } = useSession();
  const version = useLiveVersion((e) => e.equipmentId !== undefined);
  const equipment = useLoad(() => api.GET('/v1/equipment', { params: { query: { limit: 500 } } }), [api, version]);
  return (
    <>
      <h1>Equipment health</h1>
      {unitId && can.seeTelemetry(session.identity.role) && (
        <section aria-labelledby="unit-telemetry">
          <h2 id="unit-telemetry">Telemetry of {unitId}</h2>
          <TelemetryPanel subject={{ equipmentId: unitId }} />
        </section>
      )}
      <Panel loaded={equipment} label="equipment">
        {({ equipment: rows }) => (
          <table>
            <caption className="visually-hidden">Equipment, with risk and open maintenance tickets</caption>
            <thead>
              <tr>
                <th scope="col">Unit</th>
                <th scope="col">Site</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">7-day failure risk</th>
                <th scope="col">Remaining life</th>
                <th scope="col">Assessed</th>
                <th scope="col">Open ticket</th>
              </tr>
            </thead>
            <tbody>
              {[...rows]
                .sort((a, b) => (b.risk ?? -1) - (a.risk ?? -1))
                .map((u) => (
                  <tr key={u.equipmentId} className={u.openTicket ? 'flagged' : undefined}>
                    <th scope="row">
                      {can.seeTelemetry(session.identity.role) ? <a href={href('equipment', u.equipmentId)} aria-label={`${u.equipmentId} telemetry`}>{u.equipmentId}</a> : u.equipmentId}
                    </th>
                    <td>{u.siteId}</td>
                    <td>{u.kind}{u.line ? ` (${u.line})` : ''}</td>
                    <td>{u.maintenanceState}</td>
                    <td>{percent(u.risk)}</td>
                    <td>{u.rulDays === null ? '—' : `${u.rulDays.toFixed(0)} days`}</td>
                    <td>{when(u.assessedAt)} {u.method ? `(${u.method})` : ''}</td>
                    <td>{u.openTicket ? `${u.openTicket.reason} (since ${when(u.openTicket.openedAt)})` : 'none'}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
