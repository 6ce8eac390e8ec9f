import { ActivityFailure, allHandlersFinished, ApplicationFailure, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { ERR } from '../src/domain/errors.js';
import type { Milestone, MilestoneCommand } from '../src/domain/commands.js';
import { infusionWindow } from '../src/domain/ld-window.js';
import { activities } from './activities-proxy.js';
import { BatchCancelled, BatchState } from './batch-state.js';
import { registerBatchHandlers } from './batch-handlers.js';
import { registerBatchSignals } from './batch-signals.js';
import { BatchFailed, escalateAfter, handoff, milestone, moveTo, step } from './batch-steps.js';
import { nowIso, scaledMs } from './clock.js';
import type { BatchInput, BatchStatus } from './messages.js';
import { cancelOpenLegs, finishLeg, startLeg } from './legs.js';
import { assignEquipment } from './equipment-link.js';

const MANUFACTURING_STEPS: readonly Milestone[] = [
  'activation-complete',
  'transduction-complete',
  'expansion-complete',
  'harvest-complete',
  'cryopreservation-complete',
];

/** One patient's batch, vein to vein (DESIGN §3). Telemetry never enters here: only its state changes. */
export async function batchWorkflow(input: BatchInput): Promise<BatchStatus> {
  const b = new BatchState(input);
  registerBatchHandlers(b);
  registerBatchSignals(b);
  b.note('enrolled');
  try {
    await milestone(b, 'apheresis-scheduled');
    await moveTo(b, 'APHERESIS_SCHEDULED');
    for (;;) {
      try {
        await fromCollectionToRelease(b);
        break;
      } catch (err) {
        if (!(err instanceof BatchFailed)) throw err;
        await recollect(b, err.message);
      }
    }
    await fromReleaseToInfusion(b);
    await moveTo(b, 'COMPLETED');
  } catch (err) {
    if (!(err instanceof BatchCancelled) && !isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(() => compensate(b));
  }
  // Updates still answering their callers finish before the run closes.
  await condition(allHandlersFinished);
  return b.status();
}

async function fromCollectionToRelease(b: BatchState) {
  const { input } = b;
  await handoff(b, 'collection');
  await handoff(b, 'outbound-pickup');
  const outbound = await startLeg(b, 'outbound');
  await handoff(b, 'facility-receipt');
  await finishLeg(b, outbound);

  await reserveManufacturingSlot(b);
  const started = await milestone(b, 'manufacturing-started');
  await moveTo(b, 'MANUFACTURING');
  const equipmentId = typeof started.data?.equipmentId === 'string' ? started.data.equipmentId : undefined;
  if (equipmentId) await assignEquipment(b, equipmentId, true);
  for (const m of MANUFACTURING_STEPS) await manufacturingMilestone(b, m);
  if (equipmentId) await assignEquipment(b, equipmentId, false);

  await moveTo(b, 'QC_TESTING');
  const qc = await manufacturingMilestone(b, 'qc-complete');
  if (qc.data?.passed === false) {
    b.quarantined = true;
    b.note('out-of-specification', 'QC results out of specification');
  }
  await moveTo(b, 'AWAITING_QA_RELEASE');
  await step(b, { kind: 'qa-disposition' }, () => b.qaDecision !== undefined, escalateAfter(b, 'qaDisposition'));
  const decision = b.qaDecision!;
  if (decision.decision === 'reject') throw new BatchFailed(`QA rejected the batch: ${decision.reason}`);
  if (decision.decision === 'conditional-release') await milestone(b, 'physician-acceptance');
  await moveTo(b, 'RELEASED');
  await activities.releaseManufacturingSlot({ batchId: input.batchId });
}

/**
 * A line for the whole manufacturing and QC time. When the facility is full the batch is not lost:
 * coordinators are alerted once and the batch asks again every (simulated) hour.
 */
async function reserveManufacturingSlot(b: BatchState) {
  const { input } = b;
  const { manufacturingDays, qcDays } = input.profile;
  const days = Object.values(manufacturingDays).reduce((a, d) => a + d, 0) + qcDays;
  for (let tries = 1; ; tries++) {
    try {
      await activities.reserveManufacturingSlot({
        batchId: input.batchId,
        facilityId: input.facilityId,
        from: nowIso(),
        to: new Date(Date.now() + scaledMs(days * 24, input.timeScale)).toISOString(),
      });
      return;
    } catch (err) {
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === ERR.SLOT_TAKEN)) throw err;
      if (tries === 1) {
        b.note('no-manufacturing-line', input.facilityId);
        await b.alert('warning', 'capacity', `no manufacturing line free at ${input.facilityId}; retrying hourly`);
      }
      const retryMs = scaledMs(1, input.timeScale);
      const until = new Date(Date.now() + retryMs).toISOString();
      await step(b, { kind: 'timer', until, reason: 'waiting for a free manufacturing line' }, () => false, retryMs, 'timer');
    }
  }
}

/** A manufacturing or QC step, unless the facility reports a failure first. */
async function manufacturingMilestone(b: BatchState, name: Milestone): Promise<MilestoneCommand> {
  await step(b, { kind: 'milestone', milestone: name }, () => b.milestones.has(name) || b.milestones.has('manufacturing-failed'));
  const failure = b.milestones.get('manufacturing-failed');
  if (failure) throw new BatchFailed(`manufacturing failed (${failure.source})`);
  const reached = b.milestones.get(name)!;
  b.milestones.delete(name);
  return reached;
}

async function fromReleaseToInfusion(b: BatchState) {
  await handoff(b, 'return-pickup');
  const back = await startLeg(b, 'return');
  await handoff(b, 'site-receipt');
  await finishLeg(b, back);
  b.receivedAtSite = Date.now();

  for (;;) {
    if (!b.booking) {
      if (b.stage === 'INFUSION_SCHEDULED') await moveTo(b, 'RECEIVED_AT_SITE');
      const window = infusionWindow({ now: Date.now(), receivedAt: b.receivedAtSite, profile: b.input.profile, dayMs: b.dayMs });
      const awaiting = { kind: 'infusion-booking', earliest: new Date(window.earliest).toISOString(), latest: new Date(window.latest).toISOString() } as const;
      await step(b, awaiting, () => b.booking !== undefined);
    }
    if (b.stage !== 'INFUSION_SCHEDULED') await moveTo(b, 'INFUSION_SCHEDULED');
    const version = b.bookingVersion;
    const until = Date.parse(b.booking!.infusionDate);
    const changed = () => b.bookingVersion !== version;
    if (until > Date.now()) {
      await step(b, { kind: 'timer', until: b.booking!.infusionDate, reason: 'infusion day' }, changed, until - Date.now(), 'timer');
      if (changed()) continue;
    }
    await step(b, { kind: 'handoff', step: 'infusion' }, () => b.scans.has('infusion') || changed());
    if (b.scans.has('infusion')) break;
  }
  await moveTo(b, 'INFUSED');
}

/** Manufacturing failed or QA rejected: the same patient (same COI) may donate again, or the batch is cancelled. */
async function recollect(b: BatchState, why: string) {
  b.note('failed', why);
  await moveTo(b, 'FAILED');
  await activities.releaseManufacturingSlot({ batchId: b.input.batchId });
  if (b.booking) {
    await activities.cancelInfusionBooking({ batchId: b.input.batchId });
    b.booking = undefined;
  }
  b.milestones.clear();
  await step(b, { kind: 'milestone', milestone: 'recollection-scheduled' }, () => b.milestones.has('recollection-scheduled'));
  b.attempt++;
  b.din = undefined;
  b.milestones.clear();
  b.scans.clear();
  b.qaDecision = undefined;
  b.quarantined = false;
  await moveTo(b, 'APHERESIS_SCHEDULED');
}

/** Withdrawn: free the slot, the booking and every open shipment, then end. */
async function compensate(b: BatchState) {
  const { batchId } = b.input;
  const at = nowIso();
  await Promise.all([
    activities.releaseManufacturingSlot({ batchId }),
    activities.cancelInfusionBooking({ batchId }),
    activities.cancelOpenShipments({ batchId, at }),
    cancelOpenLegs(b),
  ]);
  b.booking = undefined;
  b.note('cancelled', b.cancel?.reason);
  await moveTo(b, 'CANCELLED');
}
