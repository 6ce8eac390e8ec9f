import type { HandoffStep, Milestone, MilestoneCommand } from '../src/domain/commands.js';
import { STAGE_AFTER_HANDOFF } from '../src/domain/handoff.js';
import type { Stage } from '../src/domain/stages.js';
import { assertTransition } from '../src/domain/transitions.js';
import { activities } from './activities-proxy.js';
import { SYSTEM_ACTOR, type BatchState } from './batch-state.js';
import { nowIso, scaledMs } from './clock.js';
import type { Awaiting } from './messages.js';

/** Manufacturing failed, QA rejected, or an assessment rejected the material. */
export class BatchFailed extends Error {}

const FORECAST_STAGES: ReadonlySet<Stage> = new Set<Stage>([
  'APHERESIS_SCHEDULED', 'COLLECTED', 'OUTBOUND_TRANSIT', 'RECEIVED_AT_FACILITY', 'MANUFACTURING', 'QC_TESTING', 'AWAITING_QA_RELEASE',
]);
const MAX_ESCALATIONS = 3;

/** Records a stage change (and, before release, a fresh turnaround forecast). */
export async function moveTo(b: BatchState, to: Stage) {
  const { batchId, coiId, productId, timeScale } = b.input;
  const previous = b.stage;
  assertTransition(previous, to);
  const at = nowIso();
  b.stage = to;
  b.timeline.push({ at, event: 'stage', stage: to });
  const recorded = activities.recordStageChange({ eventId: b.stageEventId(), batchId, coiId, productId, stage: to, previous, at });
  const forecast = FORECAST_STAGES.has(to) ? activities.forecastTurnaround({ batchId, productId, stage: to, stageEnteredAt: at, timeScale }) : undefined;
  await recorded;
  if (forecast) b.forecast = await forecast;
}

export const escalateAfter = (b: BatchState, what: 'qaDisposition' | 'excursionAssessment') =>
  scaledMs(b.input.profile.escalationHours[what], b.input.timeScale);

/**
 * Waits for one step of the journey. A blocking issue puts the batch ON_HOLD first; a human step
 * that outlasts `timeoutMs` is escalated (up to three times); a 'timer' step simply ends then.
 */
export async function step(b: BatchState, awaiting: Awaiting, ready: () => boolean, timeoutMs?: number, onTimeout: 'escalate' | 'timer' = 'escalate') {
  let escalations = 0;
  let deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  for (;;) {
    const left = deadline === undefined ? undefined : Math.max(deadline - Date.now(), 1);
    const outcome = await b.waitFor(awaiting, ready, left);
    if (outcome === 'ready') return;
    if (outcome === 'hold') {
      await hold(b);
      continue;
    }
    if (onTimeout === 'timer') return;
    await escalate(b, awaiting, ++escalations);
    deadline = escalations < MAX_ESCALATIONS ? Date.now() + timeoutMs! : undefined;
  }
}

export async function handoff(b: BatchState, name: HandoffStep) {
  await step(b, { kind: 'handoff', step: name }, () => b.scans.has(name));
  await moveTo(b, STAGE_AFTER_HANDOFF[name]);
}

export async function milestone(b: BatchState, name: Milestone): Promise<MilestoneCommand> {
  await step(b, { kind: 'milestone', milestone: name }, () => b.milestones.has(name));
  const reached = b.milestones.get(name)!;
  b.milestones.delete(name);
  return reached;
}

/** ON_HOLD until QA has assessed every blocking issue; a 'reject' fails the batch. */
async function hold(b: BatchState) {
  const resume = b.stage;
  await moveTo(b, 'ON_HOLD');
  const assessed: string[] = [];
  for (let issue = nextUnassessed(b); issue; issue = nextUnassessed(b)) {
    const current = issue;
    const timeout = escalateAfter(b, 'excursionAssessment');
    let escalations = 0;
    const awaiting = { kind: 'excursion-assessment', excursionId: current.id } as const;
    while ((await b.waitFor(awaiting, () => current.assessment !== undefined, escalations < MAX_ESCALATIONS ? timeout : undefined, false)) === 'timeout') {
      await escalate(b, awaiting, ++escalations);
    }
    assessed.push(current.id);
  }
  const rejected = b.issues.find((i) => assessed.includes(i.id) && i.assessment?.impact === 'reject');
  if (rejected) throw new BatchFailed(`QA rejected the material after ${rejected.reason}`);
  await moveTo(b, resume);
}

const nextUnassessed = (b: BatchState) => b.issues.find((i) => i.blocking && !i.assessment);

async function escalate(b: BatchState, awaiting: Awaiting, level: number) {
  const what = awaiting?.kind ?? 'step';
  b.note('escalation', `${what} overdue (level ${level})`);
  await activities.appendCustodyRecord({
    key: b.custodyKey(), batchId: b.input.batchId, kind: 'escalation', actor: SYSTEM_ACTOR,
    meaning: `${what} overdue: escalated`, data: { awaiting, level }, occurredAt: nowIso(),
  });
  await b.alert('critical', 'escalation', `${what} is overdue for batch ${b.input.batchId} (escalation ${level})`);
}
