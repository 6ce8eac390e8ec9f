import { z } from 'zod';
import { coverageReport } from '../conformal/index.js';
import { encodeFacts, type LandmarkFacts, type LandmarkRow } from '../features/index.js';
import { predictTurnaround, type TurnaroundArtifact } from '../turnaround/index.js';
import type { BacktestCase } from './backtest.js';

const PINBALL_DAYS = 'mean pinball (days)';

/** Fewer unseen cases than this and a difference in pinball is noise: the rule will not decide. */
export const MIN_CHALLENGE_CASES = 100;

/**
 * The candidate against the model active when it was trained, on the same cases: the candidate's
 * backtest test cases that come after the active model's training window (so it never saw them),
 * each forecast by the candidate's fold model and by the active model. Lower mean pinball wins.
 */
export const challengeSchema = z.object({
  against: z.string(),
  /** What was compared, lower being better: mean pinball for turnaround, Brier score or RUL MAE for maintenance. */
  metric: z.string().default(PINBALL_DAYS),
  /** The active model's training window ended here; only later landmarks are compared. */
  unseenAfter: z.string(),
  cases: z.number().int(),
  candidate: z.number().nullable(),
  active: z.number().nullable(),
});
export type Challenge = z.infer<typeof challengeSchema>;

export interface ActiveModel {
  id: string;
  trainedTo: Date;
  artifact: TurnaroundArtifact;
}

/** Scores the active model on the candidate's backtest cases it has not seen, beside the candidate's own forecasts of them. */
export function challengeActive(cases: readonly BacktestCase<LandmarkRow & { facts: LandmarkFacts }>[], active: ActiveModel): Challenge {
  const unseen = cases.filter((c) => Date.parse(c.row.at) > active.trainedTo.getTime());
  const theirs = unseen.map(({ row, scored }) => ({ ...predictTurnaround(active.artifact, encodeFacts(active.artifact.spec, row.facts), scored.group), y: scored.y, group: scored.group }));
  const mean = (report: ReturnType<typeof coverageReport>) => (unseen.length === 0 ? null : report.overall.pinball.mean);
  return {
    against: active.id,
    metric: PINBALL_DAYS,
    unseenAfter: active.trainedTo.toISOString(),
    cases: unseen.length,
    candidate: mean(coverageReport(unseen.map((c) => c.scored))),
    active: mean(coverageReport(theirs)),
  };
}

export interface PromotionInput {
  candidateId: string;
  /** The model active now, if any. */
  activeId?: string;
  /** What training measured (null: no model was active then). */
  challenge: Challenge | null;
  force?: boolean;
}

export interface PromotionDecision {
  promoted: boolean;
  reason: string;
}


/**
 * "A candidate is promoted only if its backtest beats the active model": with no active model it
 * is promoted; otherwise only if its mean pinball on the cases the active model never saw is lower
 * than the active model's on the same cases (for maintenance models: the Brier score of "fails within 7
 * days", or the RUL MAE, on the held-out days after the active model's training window). A judgement made against another model than the one
 * active now, or on too few cases, decides nothing. `force` promotes anyway, saying what it overrode.
 */
export function decidePromotion({ candidateId, activeId, challenge, force = false }: PromotionInput): PromotionDecision {
  if (activeId === undefined) return { promoted: true, reason: `${candidateId} is promoted: no model is active for its target and scope.` };
  const refuse = (why: string): PromotionDecision =>
    force ? { promoted: true, reason: `${candidateId} is promoted by --force over ${activeId}, although ${why}` } : { promoted: false, reason: `${candidateId} is not promoted: ${why}` };
  if (challenge === null || challenge.against !== activeId) {
    return refuse(`it was judged against ${challenge?.against ?? 'no active model'} when trained, and ${activeId} is active now; train a new candidate to judge it against ${activeId}.`);
  }
  if (challenge.cases < MIN_CHALLENGE_CASES || challenge.candidate === null || challenge.active === null) {
    return refuse(`its backtest has ${challenge.cases} cases after ${activeId}'s training window (${challenge.unseenAfter}), fewer than the ${MIN_CHALLENGE_CASES} the rule needs.`);
  }
  const figures = `${challenge.metric} ${challenge.candidate.toFixed(3)} against ${activeId}'s ${challenge.active.toFixed(3)} on the ${challenge.cases} held-out cases after ${challenge.unseenAfter}, which ${activeId} never saw`;
  if (challenge.candidate < challenge.active) return { promoted: true, reason: `${candidateId} is promoted over ${activeId}: ${figures}.` };
  return refuse(`it does not beat the active model: ${figures}.`);
}
