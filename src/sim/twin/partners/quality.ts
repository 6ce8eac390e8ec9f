import { IMPACT_MEANINGS } from '../../../domain/batch/index.js';
import { HOUR_MS } from '../../../domain/durations.js';
import { iso } from '../../../domain/instant.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { days } from '../days.js';
import { sample } from '../sample.js';
import { ACTORS, milestone } from './commands.js';

/**
 * QA reviews the batch record on the facility's working days. A product out of specification or
 * quarantined can only be released conditionally (the physician then accepts it) or rejected.
 */
export function disposeQa(agent: BatchAgent, now: number): Next {
  const calendar = agent.world.calendar(agent.input.facilityId);
  const at = agent.planned(`qa:${agent.attempt}`, agent.lastAt, () => calendar.addWorkingDays(agent.lastAt, sample(agent.params.qaWorkingDays, agent.rng)) - agent.lastAt);
  if (at > now) return at;
  const decision = !agent.state.quarantined
    ? ({ decision: 'release', signer: ACTORS.qa, meaning: 'released for infusion' } as const)
    : agent.rng.chance(agent.params.conditionalReleaseProbability)
      ? ({ decision: 'conditional-release', signer: ACTORS.qa, meaning: 'released on the treating physician’s request', reason: 'out of specification; benefit judged to outweigh risk' } as const)
      : ({ decision: 'reject', signer: ACTORS.qa, meaning: 'rejected', reason: 'out of specification' } as const);
  agent.send({ type: 'qa-disposition', decision, at: iso(now) });
  return 'again';
}

export function acceptConditionalRelease(agent: BatchAgent, now: number): Next {
  const at = agent.planned(`physician:${agent.attempt}`, agent.lastAt, () => days(sample(agent.params.physicianAcceptanceDays, agent.rng)));
  if (at > now) return at;
  milestone(agent, 'physician-acceptance', `${agent.input.treatmentCenterId} treating physician`);
  return 'again';
}

/** QA assesses an excursion or a deviation some hours after it opened: no impact, quarantine, or reject. */
export function assessIssue(agent: BatchAgent, excursionId: string, now: number): Next {
  const issue = agent.state.issues.find((i) => i.id === excursionId);
  const openedAt = issue ? Date.parse(issue.openedAt) : agent.lastAt;
  const at = agent.planned(`assess:${excursionId}`, openedAt, () => sample(agent.world.scenario.sensors.assessmentHours, agent.rng) * HOUR_MS);
  if (at > now) return at;
  const { none, quarantine } = agent.world.scenario.sensors.assessmentImpact;
  const u = agent.rng.uniform();
  const impact = u < none ? 'none' : u < none + quarantine ? 'quarantine' : 'reject';
  agent.send({ type: 'assess', assessment: { excursionId, impact, signer: ACTORS.qa, meaning: IMPACT_MEANINGS[impact] }, at: iso(now) });
  return 'again';
}
