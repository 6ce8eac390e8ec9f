import { describe, expect, it } from 'vitest';
import { decidePromotion, MIN_CHALLENGE_CASES, type Challenge } from '../../src/forecast/training/index.js';

const judged = (candidate: number, active: number, cases = 500, against = 'release_days:network:v1'): Challenge => ({
  against, metric: 'mean pinball (days)', unseenAfter: '2027-03-01T00:00:00.000Z', cases, candidate, active,
});
const candidateId = 'release_days:network:v2';
const activeId = 'release_days:network:v1';

describe('the promotion rule', () => {
  it('promotes a candidate when no model is active', () => {
    expect(decidePromotion({ candidateId, challenge: null })).toEqual({ promoted: true, reason: expect.stringMatching(/no model is active/) });
  });

  it('promotes a candidate whose pinball on the cases the active model never saw is lower, naming both figures', () => {
    const decision = decidePromotion({ candidateId, activeId, challenge: judged(0.81, 0.9) });
    expect(decision.promoted).toBe(true);
    expect(decision.reason).toContain('mean pinball (days) 0.810 against release_days:network:v1\'s 0.900 on the 500 held-out cases');
  });

  it('refuses a candidate that is worse or only as good, naming both figures', () => {
    for (const [candidate, active] of [[1.2, 0.9], [0.9, 0.9]] as const) {
      const decision = decidePromotion({ candidateId, activeId, challenge: judged(candidate, active) });
      expect(decision.promoted).toBe(false);
      expect(decision.reason).toMatch(new RegExp(`does not beat the active model: mean pinball \\(days\\) ${candidate.toFixed(3)} against .*${active.toFixed(3)}`));
    }
  });

  it('decides nothing on too few unseen cases, or on a judgement against a model no longer active', () => {
    expect(decidePromotion({ candidateId, activeId, challenge: judged(0.5, 0.9, MIN_CHALLENGE_CASES - 1) })).toMatchObject({ promoted: false, reason: expect.stringMatching(/fewer than the 100/) });
    expect(decidePromotion({ candidateId, activeId: 'release_days:network:v3', challenge: judged(0.5, 0.9) })).toMatchObject({ promoted: false, reason: expect.stringMatching(/judged against release_days:network:v1 when trained, and release_days:network:v3 is active now/) });
    expect(decidePromotion({ candidateId, activeId, challenge: null })).toMatchObject({ promoted: false, reason: expect.stringMatching(/judged against no active model/) });
  });

  it('lets --force promote a loser, saying what it overrode', () => {
    const decision = decidePromotion({ candidateId, activeId, challenge: judged(1.2, 0.9), force: true });
    expect(decision).toEqual({ promoted: true, reason: expect.stringMatching(/by --force over release_days:network:v1, although it does not beat the active model: mean pinball \(days\) 1.200/) });
  });
});
