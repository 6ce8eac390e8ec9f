import type { Stage } from '../../domain/stages.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';

/** The stages that make a facility's queue, as the worker counts them in PostgreSQL. */
export const QUEUE_STAGES = {
  manufacturing: ['MANUFACTURING'],
  qc: ['QC_TESTING', 'AWAITING_QA_RELEASE'],
} as const satisfies Record<string, readonly Stage[]>;
type QueueKind = keyof typeof QUEUE_STAGES;
const QUEUE_KINDS = Object.keys(QUEUE_STAGES) as QueueKind[];

interface Stay {
  batchId: string;
  facilityId: string;
  kind: QueueKind;
  from: number;
  /** Infinity for a batch still there when the history ends. */
  to: number;
}

export interface QueueQuery {
  batchId: string;
  facilityId: string;
  at: number;
}

function queueKindOf(stage: Stage): QueueKind | undefined {
  return QUEUE_KINDS.find((k) => (QUEUE_STAGES[k] as readonly Stage[]).includes(stage));
}

/** Every stretch a batch spent in a queue stage, up to `end`. */
function staysOf(batch: BatchJourneyRecord, end: number): Stay[] {
  const stays: Stay[] = [];
  let open: Stay | undefined;
  for (const e of batch.events) {
    const at = Date.parse(e.at);
    if (e.type !== 'stage-changed' || at > end) continue;
    if (open) stays.push({ ...open, to: at });
    const kind = queueKindOf(e.to);
    open = kind ? { batchId: batch.input.batchId, facilityId: batch.input.facilityId, kind, from: at, to: Infinity } : undefined;
  }
  if (open) stays.push(open);
  return stays;
}

const covers = (s: Stay, at: number) => s.from <= at && at < s.to;

/**
 * How many other batches were in manufacturing and in QC at the queried batch's facility at each
 * queried instant: one sweep over every batch of the history, so 50,000 landmarks stay cheap.
 */
export function queueLoads(batches: readonly BatchJourneyRecord[], queries: readonly QueueQuery[], end: number): Record<QueueKind, number>[] {
  const stays = batches.flatMap((b) => staysOf(b, end));
  const own = new Map<string, Stay[]>();
  for (const s of stays) {
    const mine = own.get(s.batchId);
    if (mine) mine.push(s);
    else own.set(s.batchId, [s]);
  }
  const starts = [...stays].sort((a, b) => a.from - b.from);
  const ends = stays.filter((s) => Number.isFinite(s.to)).sort((a, b) => a.to - b.to);
  const counts = new Map<string, Record<QueueKind, number>>();
  const countsAt = (facilityId: string) => counts.get(facilityId) ?? counts.set(facilityId, { manufacturing: 0, qc: 0 }).get(facilityId)!;

  const order = queries.map((q, i) => i).sort((a, b) => queries[a]!.at - queries[b]!.at);
  const answers: Record<QueueKind, number>[] = new Array(queries.length);
  let s = 0;
  let e = 0;
  for (const i of order) {
    const q = queries[i]!;
    for (; s < starts.length && starts[s]!.from <= q.at; s++) countsAt(starts[s]!.facilityId)[starts[s]!.kind]++;
    for (; e < ends.length && ends[e]!.to <= q.at; e++) countsAt(ends[e]!.facilityId)[ends[e]!.kind]--;
    const here = countsAt(q.facilityId);
    const self = (own.get(q.batchId) ?? []).filter((x) => covers(x, q.at));
    answers[i] = {
      manufacturing: here.manufacturing - self.filter((x) => x.kind === 'manufacturing').length,
      qc: here.qc - self.filter((x) => x.kind === 'qc').length,
    };
  }
  return answers;
}
