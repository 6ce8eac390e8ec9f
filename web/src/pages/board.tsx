import { JOURNEY, SIDE_STATES } from '../../../src/domain/stages';
import type { BatchSummary } from '../api';
import { BatchCard } from '../components/batch-card';
import { Panel } from '../components/panel';
import { listTime, stageLabel } from '../format';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';

/** Every batch the caller may see, one column per stage in journey order; filters live in the URL. */
export function BoardPage({ params }: { params: URLSearchParams }) {
  const { api } = useSession();
  const site = params.get('site') ?? undefined;
  const product = params.get('product') ?? undefined;
  const anyBatch = useLiveVersion((e) => e.batchId !== undefined || e.type === 'batch.stage-changed');
  const anyAlert = useLiveVersion((e) => e.type === 'alert.raised');
  const batches = useLoad(() => api.GET('/v1/batches', { params: { query: { limit: 500, ...(site ? { site } : {}) } } }), [api, site, anyBatch]);
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const products = useLoad(() => api.GET('/v1/products'), [api]);
  const alerts = useLoad(() => api.GET('/v1/alerts', { params: { query: { limit: 500 } } }), [api, anyAlert]);

  const alertCount = new Map<string, number>();
  if (alerts.state === 'ok') for (const a of alerts.data.alerts) if (a.batchId) alertCount.set(a.batchId, (alertCount.get(a.batchId) ?? 0) + 1);

  const setFilter = (key: 'site' | 'product', value: string) => {
    window.location.hash = href('board', undefined, { site, product, [key]: value || undefined });
  };
  const shown = batches.state === 'ok' ? batches.data.batches.filter((b) => !product || b.productId === product) : [];
  const byStage = new Map<string, BatchSummary[]>();
  for (const b of shown) byStage.set(b.stage, [...(byStage.get(b.stage) ?? []), b]);
  // Journey stages always show (an empty column says "none here"); side states only when occupied.
  const columns = [...JOURNEY, ...SIDE_STATES.filter((s) => byStage.has(s))];

  return (
    <>
      <h1>Batch board</h1>
      {batches.state === 'ok' && listTime(batches.data.batches) && <p className="clock-note">{listTime(batches.data.batches)}</p>}
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Site{' '}
          <select value={site ?? ''} onChange={(e) => setFilter('site', e.target.value)}>
            <option value="">All my sites</option>
            {sites.state === 'ok' && sites.data.sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>
          Product{' '}
          <select value={product ?? ''} onChange={(e) => setFilter('product', e.target.value)}>
            <option value="">All products</option>
            {products.state === 'ok' && products.data.products.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <span aria-live="polite">{batches.state === 'ok' ? `${shown.length} batches` : ''}</span>
      </form>
      <Panel loaded={batches} label="batches">
        {() => (
          <div className="board" role="region" aria-label="Batches by stage" tabIndex={0}>
            {columns.map((stage) => (
              <section key={stage} className="column" aria-labelledby={`col-${stage}`}>
                <h2 id={`col-${stage}`}>
                  {stageLabel(stage)} <span className="count">{byStage.get(stage)?.length ?? 0}</span>
                </h2>
                <ul>
                  {(byStage.get(stage) ?? []).map((b) => (
                    <li key={b.batchId}>
                      <BatchCard summary={b} alerts={alertCount.get(b.batchId) ?? 0} />
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        )}
      </Panel>
    </>
  );
}
