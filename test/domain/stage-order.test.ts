import { describe, expect, it } from 'vitest';
import { initialState, stillAhead, type JourneyState } from '../../src/domain/batch/index.js';
import { infusionAhead, JOURNEY, productAtSite, stageBefore, STAGES, type Stage } from '../../src/domain/stages.js';
import { journeyInput, T0 } from './batch/journey-fixtures.js';

const state = (stage: Stage, heldFrom?: Stage): JourneyState => ({
  ...initialState(journeyInput(), new Date(T0).toISOString()),
  stage,
  ...(heldFrom === undefined ? {} : { heldFrom }),
});

describe('stageBefore: the one stage order', () => {
  it('orders the journey stages as the journey runs, and no stage comes before itself', () => {
    for (const [i, stage] of JOURNEY.entries()) {
      for (const [j, than] of JOURNEY.entries()) expect(stageBefore(stage, than), `${stage} before ${than}`).toBe(i < j);
    }
  });

  it('puts FAILED before every stage: a failed attempt is re-collected under the same batch', () => {
    for (const than of JOURNEY) expect(stageBefore('FAILED', than), than).toBe(true);
  });

  it('puts CANCELLED before no stage: a cancelled batch reaches nothing more', () => {
    for (const than of JOURNEY) expect(stageBefore('CANCELLED', than), than).toBe(false);
  });

  it('puts ON_HOLD, where the hold was unknown, before every stage', () => {
    for (const than of JOURNEY) expect(stageBefore('ON_HOLD', than), than).toBe(true);
  });
});

describe('productAtSite', () => {
  it('holds from receipt at the site on, and for a cancelled batch; not while failed or on hold', () => {
    const atSite = STAGES.filter(productAtSite);
    expect(atSite).toEqual(['RECEIVED_AT_SITE', 'INFUSION_SCHEDULED', 'INFUSED', 'COMPLETED', 'CANCELLED']);
  });
});

describe('infusionAhead', () => {
  it('is every stage before infusion and a hold; not once infused, ended or failed', () => {
    const ended = STAGES.filter((s) => !infusionAhead(s));
    expect(ended).toEqual(['INFUSED', 'COMPLETED', 'FAILED', 'CANCELLED']);
  });
});

describe('stillAhead: the stage order on the decider’s state', () => {
  it('reads a hold as the stage it was held from', () => {
    expect(stillAhead(state('ON_HOLD', 'QC_TESTING'), 'RELEASED')).toBe(true);
    expect(stillAhead(state('ON_HOLD', 'RECEIVED_AT_SITE'), 'RECEIVED_AT_SITE')).toBe(false);
    expect(stillAhead(state('ON_HOLD', 'RETURN_TRANSIT'), 'RECEIVED_AT_SITE')).toBe(true);
  });

  it('has nothing ahead of a hold with no stage it was held from', () => {
    for (const target of JOURNEY) expect(stillAhead(state('ON_HOLD'), target), target).toBe(false);
  });

  it('has every stage ahead of a failed batch and none ahead of a cancelled one', () => {
    for (const target of JOURNEY) {
      expect(stillAhead(state('FAILED'), target), target).toBe(true);
      expect(stillAhead(state('CANCELLED'), target), target).toBe(false);
    }
  });

  it('follows the journey order elsewhere', () => {
    expect(stillAhead(state('MANUFACTURING'), 'RELEASED')).toBe(true);
    expect(stillAhead(state('RELEASED'), 'RELEASED')).toBe(false);
    expect(stillAhead(state('INFUSED'), 'RECEIVED_AT_SITE')).toBe(false);
  });
});
