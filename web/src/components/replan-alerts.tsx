import type { Schemas } from '../api';
import { when } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { dayBefore, localDay } from './local-day';
import { Panel } from './panel';

type Replan = Schemas['ChainReplan'];
type Move = Replan['moved'][number];

/** The workflow's alerts that a chain could not be kept: sent to the waitlist, a line held ahead lost. */
const CHAIN_ALERT_KINDS: Record<string, string> = { waitlist: 'sent to the waitlist', capacity: 'no line free, or the line held ahead lost' };

const STEP: Record<Move['step'], string> = { collection: 'collection', facility: 'facility', line: 'line', 'line-start': 'line from', infusion: 'infusion' };
const asDay = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? localDay(value) : value);
const moveText = (m: Move) => `${STEP[m.step]} ${asDay(m.from)} → ${asDay(m.to)}`;

/**
 * Re-plans shown as alerts with what moved (GET /v1/chain-replans: each chain version against the one
 * it superseded), and the workflow's alerts about chains it could not keep.
 */
export function ReplanAlerts() {
  const { api } = useSession();
  const version = useLiveVersion((e) => e.type === 'alert.raised' || e.type === 'batch.stage-changed');
  const replans = useLoad(() => api.GET('/v1/chain-replans', { params: { query: { limit: 50 } } }), [api, version]);
  const alerts = useLoad(() => api.GET('/v1/alerts', { params: { query: { limit: 200 } } }), [api, version]);
  return (
    <section aria-labelledby="replans">
      <h2 id="replans">Re-plans</h2>
      <Panel loaded={replans} label="re-plans">
        {({ replans: rows }) =>
          rows.length === 0 ? (
            <p className="muted">No chain has moved.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Slot chains planned again, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Re-planned</th>
                  <th scope="col">Batch</th>
                  <th scope="col">Why</th>
                  <th scope="col">What moved</th>
                  <th scope="col">Chain now</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.batchId}-${r.after.version}`} className="severity-warning" data-batch={r.batchId}>
                    <td>{when(r.at)}</td>
                    <td>
                      <a href={href('batch', r.batchId)}>{r.coiId}</a>
                    </td>
                    <td>{r.reason}</td>
                    <td>{r.moved.length ? r.moved.map(moveText).join('; ') : 'same days (capacity re-booked)'}</td>
                    <td>
                      v{r.after.version}: collection {localDay(r.after.collectionDay)}, {r.after.line ?? 'a line'} at {r.after.facilityId} {localDay(r.after.lineStartDay)} – {localDay(dayBefore(r.after.lineEndDay))}, infusion {localDay(r.after.infusionDay)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Panel>
      <Panel loaded={alerts} label="chain alerts">
        {({ alerts: all }) => {
          const rows = all.filter((a) => Object.hasOwn(CHAIN_ALERT_KINDS, a.kind));
          return rows.length === 0 ? null : (
            <table>
              <caption>Chains the workflow could not keep</caption>
              <thead>
                <tr>
                  <th scope="col">Raised</th>
                  <th scope="col">What happened</th>
                  <th scope="col">Message</th>
                  <th scope="col">Batch</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id} className={`severity-${a.severity}`}>
                    <td>{when(a.createdAt)}</td>
                    <td>{CHAIN_ALERT_KINDS[a.kind]}</td>
                    <td>{a.message}</td>
                    <td>{a.batchId ? <a href={href('batch', a.batchId)}>batch {a.batchId.slice(0, 8)}</a> : '—'}</td>
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
