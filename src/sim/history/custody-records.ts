import { custodyRecordOf, evolve, initialState, type CustodyContent, type JourneyEvent } from '../../domain/batch/index.js';
import { CUSTODY_HASH_VERSION, custodyHash } from '../../domain/custody-chain.js';
import type { custodyEvents } from '../../db/schema/index.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { SimulatedIds } from './simulated-ids.js';

type CustodyRow = typeof custodyEvents.$inferInsert;

const LEG_DEVIATION = 'deviation:leg:';

/**
 * The custody records the batch workflow appends for a batch's events (`custodyRecordOf`, the one
 * function both use), keyed, numbered and hash-chained exactly as activities/custody.ts does, so
 * `v2v audit verify` checks a simulated chain like any other. As in the workflow, a booking's
 * record names the chair the treatment centre gave (`chairOf(i)` for event i), and each record is
 * judged on the state before its event.
 */
export function custodyRows(sim: BatchJourneyRecord, ids: SimulatedIds, chairOf: (eventIndex: number) => string): CustodyRow[] {
  const batchId = ids.batch(sim.input.batchId);
  const rows: CustodyRow[] = [];
  let numbered = 0;
  let state = initialState(sim.input, sim.enrolledAt);
  for (let i = 0; i < sim.events.length; i++) {
    const event = sim.events[i]!;
    const applied: JourneyEvent = event.type === 'infusion-booked' ? { ...event, booking: { ...event.booking, chair: chairOf(i) } } : event;
    const record = custodyRecordOf(applied, state);
    state = evolve(state, applied);
    if (!record) continue;
    const { key, data } = withSimulatedIds(record, ids);
    const content = {
      batchId,
      seq: rows.length + 1,
      kind: record.kind,
      step: record.step ?? null,
      actorName: record.actor.name,
      actorRole: record.actor.role,
      location: record.location ?? null,
      meaning: record.meaning,
      // Plain JSON and milliseconds, as PostgreSQL hands them back to `audit verify`.
      data: data === undefined ? null : (JSON.parse(JSON.stringify(data)) as unknown),
      occurredAt: new Date(record.occurredAt).toISOString(),
      // A simulated record is "recorded" when it happened: the history is written in one go later.
      recordedAt: new Date(record.occurredAt).toISOString(),
      hashVersion: CUSTODY_HASH_VERSION,
      prevHash: rows[rows.length - 1]?.hash ?? null,
    };
    const occurredAt = new Date(content.occurredAt);
    rows.push({
      ...content,
      recordKey: key ?? `${batchId}:custody:${++numbered}`,
      occurredAt,
      recordedAt: occurredAt,
      hash: custodyHash(content),
      simulationSeed: ids.seed,
    });
  }
  return rows;
}

/**
 * A leg's deviation is keyed by its shipment id, which is unique only within one run of the twin:
 * in the database it takes the seed's shipment id, in its key and wherever a record names it.
 */
function withSimulatedIds(record: CustodyContent, ids: SimulatedIds): Pick<CustodyContent, 'key' | 'data'> {
  const issue = (id: unknown) => (typeof id === 'string' && id.startsWith(LEG_DEVIATION) ? `${LEG_DEVIATION}${ids.shipment(id.slice(LEG_DEVIATION.length))}` : id);
  const data = record.data && { ...record.data };
  if (data && typeof data['shipmentId'] === 'string') data['shipmentId'] = ids.shipment(data['shipmentId']);
  if (data && 'issueId' in data) data['issueId'] = issue(data['issueId']);
  const awaiting = data?.['awaiting'] as { kind?: string; excursionId?: string } | null | undefined;
  if (data && awaiting?.kind === 'excursion-assessment') data['awaiting'] = { ...awaiting, excursionId: issue(awaiting.excursionId) };
  return { key: record.key === undefined ? undefined : (issue(record.key) as string), data };
}
