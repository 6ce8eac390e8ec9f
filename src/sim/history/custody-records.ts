import type { Actor } from '../../domain/commands.js';
import { custodyHash, type CustodyContent } from '../../domain/custody-chain.js';
import type { JourneyEvent } from '../../domain/batch/index.js';
import type { custodyEvents } from '../../db/schema/index.js';
import type { SimulatedBatch } from '../records.js';
import type { SimulatedIds } from './simulated-ids.js';

type CustodyRow = typeof custodyEvents.$inferInsert;

/** What the workflow appends for one event, before it is numbered and chained. */
interface CustodyRecord {
  /** The workflow's own key for records it does not number (a leg's deviation). */
  key?: string;
  kind: string;
  step?: string;
  actor: Actor;
  location?: string;
  meaning: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** Who signs the records nobody signed; the same actor the batch workflow uses (workflows/batch-effects.ts). */
const SYSTEM_ACTOR: Actor = { name: 'V2V orchestrator', role: 'system' };
const SCHEDULER: Actor = { name: 'hospital scheduler (unauthenticated API)', role: 'scheduler' };
const LEG_DEVIATION = 'deviation:leg:';

/**
 * The custody records the batch workflow appends for a batch's events (workflows/batch-effects.ts:
 * hand-offs, deviations, QA dispositions, assessments, bookings, cancellations, escalations), keyed,
 * numbered and hash-chained exactly as activities/custody.ts does, so `v2v audit verify` checks a
 * simulated chain like any other. `chairOf(i)` is the chair the treatment centre gave the booking
 * of event i.
 */
export function custodyRows(sim: SimulatedBatch, ids: SimulatedIds, chairOf: (eventIndex: number) => string): CustodyRow[] {
  const batchId = ids.batch(sim.input.batchId);
  const issueId = (id: string) => (id.startsWith(LEG_DEVIATION) ? `${LEG_DEVIATION}${ids.shipment(id.slice(LEG_DEVIATION.length))}` : id);
  const legs = new Map<string, string>();
  const rows: CustodyRow[] = [];
  let numbered = 0;
  sim.events.forEach((event, i) => {
    if (event.type === 'leg-started') legs.set(event.shipmentId, event.leg);
    const record = recordFor(event, { coiId: sim.input.coiId, chair: () => chairOf(i), leg: (id) => legs.get(id), issueId, shipmentId: ids.shipment });
    if (!record) return;
    const previous = rows[rows.length - 1];
    const content: CustodyContent = {
      batchId,
      seq: rows.length + 1,
      kind: record.kind,
      step: record.step ?? null,
      actorName: record.actor.name,
      actorRole: record.actor.role,
      location: record.location ?? null,
      meaning: record.meaning,
      // Plain JSON, as PostgreSQL hands it back to `audit verify`.
      data: JSON.parse(JSON.stringify(record.data)) as unknown,
      occurredAt: new Date(record.occurredAt).toISOString(),
      prevHash: previous?.hash ?? null,
    };
    const occurredAt = new Date(content.occurredAt);
    rows.push({
      ...content,
      recordKey: record.key ?? `${batchId}:custody:${++numbered}`,
      occurredAt,
      recordedAt: occurredAt,
      hash: custodyHash(content),
      simulationSeed: ids.seed,
    });
  });
  return rows;
}

interface Context {
  coiId: string;
  chair: () => string;
  leg: (twinShipmentId: string) => string | undefined;
  issueId: (twinIssueId: string) => string;
  shipmentId: (twinShipmentId: string) => string;
}

function recordFor(e: JourneyEvent, c: Context): CustodyRecord | undefined {
  switch (e.type) {
    case 'handoff-verified':
      return {
        kind: 'handoff', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'custody transferred; identity verified', data: { coiId: c.coiId, din: e.din }, occurredAt: e.scan.at ?? e.at,
      };
    case 'scan-refused':
      return {
        kind: 'deviation', step: e.scan.step, actor: e.scan.actor, location: e.scan.location,
        meaning: 'identity check failed: material not accepted', data: { code: e.code }, occurredAt: e.scan.at ?? e.at,
      };
    case 'issue-opened': {
      if (e.issue.kind !== 'deviation' || !e.shipmentId) return undefined;
      const shipmentId = c.shipmentId(e.shipmentId);
      return {
        key: c.issueId(e.issue.id), kind: 'deviation', actor: SYSTEM_ACTOR, meaning: 'stability window exceeded',
        data: { shipmentId, leg: c.leg(e.shipmentId) }, occurredAt: e.at,
      };
    }
    case 'qa-disposed':
      return {
        kind: 'qa-disposition', actor: e.decision.signer, meaning: e.decision.meaning,
        data: { decision: e.decision.decision, ...(e.decision.reason ? { reason: e.decision.reason } : {}) }, occurredAt: e.at,
      };
    case 'issue-assessed':
      return {
        kind: 'excursion-assessment', actor: e.signer, meaning: e.meaning,
        data: { issueId: c.issueId(e.issueId), issueKind: e.issueKind, impact: e.impact }, occurredAt: e.at,
      };
    case 'escalated': {
      const what = e.awaiting?.kind ?? 'step';
      const awaiting = e.awaiting?.kind === 'excursion-assessment' ? { ...e.awaiting, excursionId: c.issueId(e.awaiting.excursionId) } : e.awaiting;
      return { kind: 'escalation', actor: SYSTEM_ACTOR, meaning: `${what} overdue: escalated`, data: { awaiting, level: e.level }, occurredAt: e.at };
    }
    case 'infusion-booked':
      return { kind: 'infusion-booking', actor: SCHEDULER, meaning: 'infusion booked', data: { ...e.booking, chair: c.chair() }, occurredAt: e.at };
    case 'cancellation-requested':
      return { kind: 'cancellation', actor: e.command.actor, meaning: 'batch withdrawn', data: { reason: e.command.reason }, occurredAt: e.at };
    default:
      return undefined;
  }
}
