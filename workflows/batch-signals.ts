import { setHandler } from '@temporalio/workflow';
import { activities } from './activities-proxy.js';
import { SYSTEM_ACTOR, type BatchState } from './batch-state.js';
import { equipmentRiskSignal, excursionSignal, legOverdueSignal, milestoneSignal } from './messages.js';

/**
 * Signals: facts that happened elsewhere (a partner's milestone, an excursion seen by ingest, a leg
 * over its window, equipment risk). They cannot be refused, only recorded; the journey acts on them.
 */
export function registerBatchSignals(b: BatchState) {
  const { batchId } = b.input;
  setHandler(milestoneSignal, (milestone) => {
    if (b.ended) return;
    b.milestones.set(milestone.milestone, milestone);
    b.note(`milestone:${milestone.milestone}`, milestone.source);
  });

  setHandler(excursionSignal, async (change) => {
    const existing = b.issues.find((i) => i.id === change.excursionId);
    if (change.change === 'closed') {
      // A blocking issue is settled when the excursion is over and QA has assessed it, in either order.
      if (existing) Object.assign(existing, { closedAt: change.at, ...(existing.blocking && !existing.assessment ? {} : { state: 'closed' }) });
      b.note(`${change.kind}-closed`, change.excursionId);
      return;
    }
    if (existing || b.ended) return;
    const blocking = change.kind === 'excursion';
    b.issues.push({ id: change.excursionId, kind: change.kind, reason: `${change.metric ?? change.kind} on ${change.deviceId}`, blocking, openedAt: change.at, state: 'open' });
    b.note(`${change.kind}-opened`, change.excursionId);
    if (blocking) await b.alert('warning', 'excursion', `excursion ${change.excursionId} on ${change.deviceId}`);
  });

  setHandler(legOverdueSignal, async ({ shipmentId, leg, at }) => {
    const id = `deviation:leg:${shipmentId}`;
    if (b.ended || b.issues.some((i) => i.id === id)) return;
    b.issues.push({ id, kind: 'deviation', reason: `${leg} leg over its stability window`, blocking: true, openedAt: at, state: 'open' });
    b.note('deviation', `${leg} leg over its stability window`);
    await activities.appendCustodyRecord({
      key: id, batchId, kind: 'deviation', actor: SYSTEM_ACTOR, meaning: 'stability window exceeded', data: { shipmentId, leg }, occurredAt: at,
    });
    await b.alert('critical', 'stability-window', `${leg} leg ${shipmentId} is over its stability window`);
  });

  setHandler(equipmentRiskSignal, async (risk) => {
    b.note('equipment-risk', `${risk.equipmentId} ${risk.crossed} ${risk.threshold}`);
    if (risk.crossed === 'above') await b.alert('warning', 'equipment-risk', `equipment ${risk.equipmentId} risk ${risk.risk.toFixed(2)} is above ${risk.threshold}`);
  });
}
