import { Panel } from '../components/panel';
import { type BatchTime } from '../format';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

/** The chain of custody with its verification: ✓, or the first link that does not hold. */
export function CustodySection({ batchId, version, time }: { batchId: string; version: number; time: BatchTime }) {
  const { api } = useSession();
  const custody = useLoad(() => api.GET('/v1/batches/{id}/custody', { params: { path: { id: batchId } } }), [api, batchId, version]);
  return (
    <section aria-labelledby="custody" tabIndex={0}>
      <h2 id="custody">Chain of custody</h2>
      <Panel loaded={custody} label="custody chain">
        {({ records, verification }) => {
          const broken = verification.verified ? undefined : verification.brokenAt;
          return (
            <>
              {broken ? (
                <p role="alert" className="error">
                  ✗ The chain breaks at record {broken.seq}: {broken.problem}. Every later record is suspect.
                </p>
              ) : (
                <p className="verified">✓ Verified: every record's hash links to the one before.</p>
              )}
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Record</th>
                    <th scope="col">By</th>
                    <th scope="col">Where</th>
                  </tr>
                </thead>
                <tbody>
                  {records.map((r) => (
                    <tr key={r.seq} className={broken && r.seq >= broken.seq ? 'flagged' : undefined}>
                      <td>{r.seq}</td>
                      <td>{time.when(r.occurredAt)}</td>
                      <td>
                        {r.kind}
                        {r.step ? `: ${r.step}` : ''}
                        {r.meaning ? ` — ${r.meaning}` : ''}
                        {/* The signer's own words and a reason are stored texts the record references. */}
                        {r.texts?.meaning && r.texts.meaning !== r.meaning ? ` (“${r.texts.meaning}”)` : ''}
                        {r.texts?.reason ? `; reason: ${r.texts.reason}` : ''}
                      </td>
                      <td>
                        {r.actor.name} ({r.actor.role})
                      </td>
                      <td>{r.location ?? r.texts?.location ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </Panel>
    </section>
  );
}
