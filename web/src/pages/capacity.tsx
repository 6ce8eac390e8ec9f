import { CapacityExceptions } from '../components/capacity-exceptions';
import { CapacityGrid, CapacityLegend } from '../components/capacity-grid';
import { dayColumnLabel, localDay } from '../components/local-day';
import { Panel } from '../components/panel';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { capacityRows, CAPACITY_DAYS } from './capacity-request';

/**
 * A facility's manufacturing lines, day by day: which are held by a confirmed batch, held ahead by a
 * slot chain booked at enrolment, free, or blocked (maintenance, a capacity exception). `batch`
 * in the URL outlines that batch's cells (enrolment links here after a booking).
 */
export function CapacityPage({ facilityId, params }: { facilityId?: string | undefined; params: URLSearchParams }) {
  const { api } = useSession();
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const facilities = sites.state === 'ok' ? sites.data.sites.filter((s) => s.kind === 'manufacturing_facility') : [];
  const facility = facilityId ?? facilities[0]?.id;
  const from = params.get('from') ?? undefined;
  const batch = params.get('batch') ?? undefined;
  // A booking, a receipt, a release or a maintenance ticket anywhere may change a line.
  const version = useLiveVersion((e) => e.type === 'batch.stage-changed' || e.type === 'alert.raised' || e.equipmentId !== undefined);
  const grid = useLoad(
    () =>
      facility
        ? api.GET('/v1/sites/{siteId}/capacity', { params: { path: { siteId: facility }, query: { ...(from ? { from } : {}), days: CAPACITY_DAYS } } })
        : Promise.resolve({ error: { error: { message: 'no manufacturing facility is visible to you' } }, response: new Response('{}', { status: 404 }) }),
    [api, facility, from, version],
  );
  const go = (next: { facility?: string | undefined; from?: string | undefined }) =>
    (window.location.hash = href('capacity', next.facility ?? facility, { from: 'from' in next ? next.from : from, batch }));

  return (
    <>
      <h1>Facility capacity</h1>
      <form className="filters" aria-label="Capacity" onSubmit={(e) => e.preventDefault()}>
        <label>
          Facility{' '}
          <select value={facility ?? ''} onChange={(e) => go({ facility: e.target.value })}>
            {facilities.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input type="date" value={from ?? ''} onChange={(e) => go({ from: e.target.value || undefined })} />
        </label>
      </form>
      <CapacityLegend />
      <Panel loaded={grid} label="capacity">
        {(answer) => {
          const { days, rows } = capacityRows(answer);
          return (
            <>
              <p className="muted">
                {rows.length === 1 ? '1 line' : `${rows.length} lines`} · {localDay(days[0])} – {localDay(days.at(-1))} · local days at the facility ({answer.timeZone})
              </p>
              <CapacityGrid days={days.map((d) => ({ date: d, label: dayColumnLabel(d), title: localDay(d) }))} rows={rows} caption={`Lines by day at ${facility ?? ''}`} highlight={batch} />
            </>
          );
        }}
      </Panel>
      {facility && <CapacityExceptions siteId={facility} version={version} />}
    </>
  );
}
