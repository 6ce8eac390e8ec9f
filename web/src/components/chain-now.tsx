import type { BatchStatus } from '../api';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { dayBefore, localDay } from './local-day';

type ChainHold = NonNullable<BatchStatus['chain']>;

/** A batch's slot chain in one line: where it stands, and the days it holds. */
export function chainText(hold: ChainHold | undefined): string {
  if (!hold) return 'no slot chain (enrolled before chains)';
  const c = hold.current;
  const days = c ? `collection ${localDay(c.collectionDay)}, line at ${c.facilityId} ${localDay(c.lineStartDay)} – ${localDay(dayBefore(c.lineEndDay))}, infusion ${localDay(c.infusionDay)}` : 'no days held';
  return `${hold.status}: ${days}`;
}

/** The chain a batch holds now, asked of its status (one request): shown beside an alert that it moved. */
export function ChainNow({ batchId, version }: { batchId: string; version: number }) {
  const { api } = useSession();
  const batch = useLoad(() => api.GET('/v1/batches/{id}', { params: { path: { id: batchId } } }), [api, batchId, version]);
  if (batch.state !== 'ok') return <span className="muted">{batch.state === 'loading' ? '…' : 'chain not available'}</span>;
  return <span>now {chainText(batch.data.chain)}</span>;
}
