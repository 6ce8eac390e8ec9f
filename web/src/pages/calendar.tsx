import { useEffect, useRef, useState } from 'react';
import { infusionAhead } from '../../../src/domain/stages';
import { Panel } from '../components/panel';
import { batchTime, day, listTime, when } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { can } from '../session';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { BookingActions } from './calendar-actions';
import { BatchDays } from './calendar-batch-days';

/**
 * The scheduler's calendar: a treatment centre's chairs, day by day. With a batch chosen, each day says
 * whether the batch can be infused then (and why not); a click books or moves the infusion there.
 */
export function CalendarPage({ siteId, batchId }: { siteId?: string | undefined; batchId?: string | undefined }) {
  const { api, session } = useSession();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const centres = sites.state === 'ok' ? sites.data.sites.filter((s) => s.kind === 'treatment_center') : [];
  const site = siteId ?? centres.find((c) => session.identity.sites.includes(c.id))?.id ?? centres[0]?.id;
  // Batches booked on the calendar as last loaded: a forecast for one of them may flag or clear its booking.
  const booked = useRef(new Set<string>());
  // Anyone's booking changes the chairs; a batch moving changes what can be booked.
  const version = useLiveVersion(
    (e) =>
      e.type === 'booking.changed' ||
      e.type === 'batch.stage-changed' ||
      (batchId !== undefined && e.batchId === batchId) ||
      (e.type === 'forecast.updated' && e.batchId !== undefined && booked.current.has(e.batchId)),
  );
  const batches = useLoad(
    () => (site ? api.GET('/v1/batches', { params: { query: { site, limit: 500 } } }) : Promise.resolve({ data: { batches: [] }, response: new Response('{}') })),
    [api, site, version],
  );
  const slots = useLoad(
    () =>
      site
        ? api.GET('/v1/sites/{siteId}/infusion-slots', { params: { path: { siteId: site }, query: batchId ? { batchId } : {} } })
        : Promise.resolve({ error: { error: { message: 'no treatment centre is visible to you' } }, response: new Response('{}', { status: 404 }) }),
    [api, site, batchId, version],
  );
  useEffect(() => {
    booked.current = new Set(slots.state === 'ok' ? slots.data.chairs.flatMap((c) => c.bookings.map((b) => b.batchId)) : []);
  }, [slots]);
  const choose = (next: { site?: string | undefined; batch?: string | undefined }) => {
    setOutcome(undefined);
    window.location.hash = href('calendar', next.site ?? site, { batch: 'batch' in next ? next.batch : batchId });
  };
  const candidates = batches.state === 'ok' ? batches.data.batches.filter((b) => b.treatmentCenterId === site && infusionAhead(b.stage)) : [];
  // A batch on a compressed clock is shown in its own simulated days; without one chosen, the page says the rows are real days.
  const chosen = batches.state === 'ok' ? batches.data.batches.find((b) => b.batchId === batchId) : undefined;
  const time = chosen ? batchTime(chosen) : undefined;
  const clockNote = time ? time.note : (batches.state === 'ok' && listTime(batches.data.batches) ? `${listTime(batches.data.batches)}; the rows below are real calendar days: choose a batch to see its own days.` : null);

  return (
    <>
      <h1>Infusion calendar</h1>
      <form className="filters" aria-label="Calendar" onSubmit={(e) => e.preventDefault()}>
        <label>
          Treatment centre{' '}
          <select value={site ?? ''} onChange={(e) => choose({ site: e.target.value, batch: undefined })}>
            {centres.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Batch{' '}
          <select value={batchId ?? ''} onChange={(e) => choose({ batch: e.target.value || undefined })}>
            <option value="">None (chairs only)</option>
            {candidates.map((b) => (
              <option key={b.batchId} value={b.batchId}>
                {b.coiId}
                {b.patientRef ? ` (${b.patientRef})` : ''} · {b.stage.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </form>
      {clockNote && <p className="clock-note">{clockNote}</p>}
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'verified' : 'error'}>
          {outcome.text}
        </p>
      )}
      <Panel loaded={slots} label="infusion slots">
        {(s) => {
          const own = batchId ? s.chairs.flatMap((c) => c.bookings.filter((b) => b.batchId === batchId).map((b) => ({ ...b, chair: c.chair }))) : [];
          return (
            <>
              {s.window && (
                <p>
                  Allowed infusion window: {(time?.when ?? when)(s.window.earliest)} – {(time?.when ?? when)(s.window.latest)} ({time?.compressed ? 'simulated' : s.timeZone}).
                </p>
              )}
              {s.atRisk && (
                <p className="flag" role="alert">
                  This booking is at risk: the product may not be ready before its LD start.
                  {s.alternatives?.length ? ` Earliest safe days: ${s.alternatives.map((a) => (time?.compressed ? time.day(a.start) : a.date)).join(', ')}.` : ''}
                </p>
              )}
              {batchId && can.book(session.identity.role) && (
                <BookingActions
                  batchId={batchId}
                  booked={own[0]}
                  onDone={(ok, text) => {
                    setOutcome({ ok, text });
                    slots.reload();
                  }}
                  cancelOnly
                  {...(time ? { time } : {})}
                />
              )}
              {batchId && chosen && time?.compressed ? (
                <div className="board" role="region" aria-label="Chairs by simulated day" tabIndex={0}>
                  <BatchDays slots={s} batchId={batchId} stage={chosen.stage} time={time} canBook={can.book(session.identity.role)} onDone={(ok, text) => { setOutcome({ ok, text }); slots.reload(); }} />
                </div>
              ) : (
              <div className="board" role="region" aria-label="Chairs by day" tabIndex={0}>
                <table className="calendar">
                  <caption className="visually-hidden">Chairs by day{batchId ? ', with the days this batch can be infused' : ''}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      {s.chairs.map((c) => (
                        <th scope="col" key={c.chair}>
                          {c.chair}
                        </th>
                      ))}
                      <th scope="col">Free</th>
                      {batchId && <th scope="col">For this batch</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {s.days.map((d) => {
                      const start = Date.parse(d.start);
                      const end = Date.parse(d.end);
                      const feasibility = d.feasible === undefined ? '' : d.feasible ? 'feasible' : 'infeasible';
                      return (
                        <tr key={d.date}>
                          <th scope="row">{day(`${d.date}T12:00:00Z`)}</th>
                          {s.chairs.map((c) => {
                            const booking = c.bookings.find((b) => Date.parse(b.from) < end && Date.parse(b.to) > start);
                            const mine = booking?.batchId === batchId;
                            // Each booking's flag is the worker's judgement at its latest forecast; for the chosen batch
                            // the answer's own judgement (which also counts the actual release plus return transit) adds to it.
                            return (
                              <td key={c.chair} className={mine ? 'booked' : undefined}>
                                {booking ? (mine ? 'this batch' : <a href={href('batch', booking.batchId)}>booked</a>) : 'free'}
                                {booking && (booking.atRisk || (mine && s.atRisk)) && <strong className="flag"> at risk</strong>}
                              </td>
                            );
                          })}
                          <td>
                            {d.chairs.free}/{d.chairs.total}
                          </td>
                          {batchId && (
                            <td className={feasibility}>
                              {d.feasible ? (
                                can.book(session.identity.role) ? (
                                  <BookingActions batchId={batchId} date={d.date} booked={own[0]} onDone={(ok, text) => { setOutcome({ ok, text }); slots.reload(); }} />
                                ) : (
                                  'feasible'
                                )
                              ) : (
                                (d.reasons ?? []).map((r) => r.message).join(' ') || 'not feasible'
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              )}
            </>
          );
        }}
      </Panel>
    </>
  );
}

