import { describe, expect, it } from 'vitest';
import { JOURNEY, STAGES, type Stage } from '../../src/domain/stages.js';
import { ALLOWED_TRANSITIONS, canTransition, isEndState } from '../../src/domain/transitions.js';

const journeySteps = JOURNEY.slice(1).map((to, i) => [JOURNEY[i] as Stage, to] as const);
const beforeInfusion = JOURNEY.slice(0, JOURNEY.indexOf('INFUSED'));

describe('stage transitions', () => {
  it.each(journeySteps)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it('refuses to skip a journey stage or go back, except to un-schedule a cancelled infusion booking', () => {
    for (const [i, from] of JOURNEY.entries()) {
      for (const [j, to] of JOURNEY.entries()) {
        const bookingCancelled = from === 'INFUSION_SCHEDULED' && to === 'RECEIVED_AT_SITE';
        if (j !== i + 1) expect(canTransition(from, to), `${from} → ${to}`).toBe(bookingCancelled);
      }
    }
  });

  it('puts any stage that has not ended on hold and lifts the hold back to it', () => {
    for (const stage of STAGES) {
      if (isEndState(stage) || stage === 'ON_HOLD') continue;
      expect(canTransition(stage, 'ON_HOLD'), stage).toBe(true);
      expect(canTransition('ON_HOLD', stage), stage).toBe(true);
    }
    expect(canTransition('ON_HOLD', 'COMPLETED')).toBe(false);
  });

  it('fails only from manufacturing, QC, QA review or a hold', () => {
    const failing = STAGES.filter((stage) => canTransition(stage, 'FAILED'));
    expect(failing.sort()).toEqual(['AWAITING_QA_RELEASE', 'MANUFACTURING', 'ON_HOLD', 'QC_TESTING']);
  });

  it('re-collects a failed batch or cancels it', () => {
    expect(canTransition('FAILED', 'APHERESIS_SCHEDULED')).toBe(true);
    expect(canTransition('FAILED', 'CANCELLED')).toBe(true);
    expect(canTransition('FAILED', 'MANUFACTURING')).toBe(false);
  });

  it('cancels anything before infusion, but not an infused batch', () => {
    for (const stage of [...beforeInfusion, 'ON_HOLD', 'FAILED'] as const) {
      expect(canTransition(stage, 'CANCELLED'), stage).toBe(true);
    }
    expect(canTransition('INFUSED', 'CANCELLED')).toBe(false);
    expect(canTransition('INFUSED', 'COMPLETED')).toBe(true);
  });

  it('ends at COMPLETED and CANCELLED and nowhere else', () => {
    expect(STAGES.filter(isEndState)).toEqual(['COMPLETED', 'CANCELLED']);
    expect(ALLOWED_TRANSITIONS.COMPLETED).toEqual([]);
    expect(ALLOWED_TRANSITIONS.CANCELLED).toEqual([]);
  });
});
