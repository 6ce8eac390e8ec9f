import { describe, expect, it } from 'vitest';
import { JOURNEY } from '../../../src/domain/stages.js';
import { Journey, journeyInput } from './journey-fixtures.js';

describe('the journey decider on the happy path', () => {
  for (const productId of ['autologous-cd19-fresh', 'autologous-bcma-cryo']) {
    it(`takes a ${productId} batch through every stage in order`, () => {
      const j = new Journey(journeyInput(productId));
      j.grantLines = false;
      j.drive((x) => x.state.slot.state === 'requested');
      expect(j.awaiting).toEqual({ kind: 'milestone', milestone: 'manufacturing-started' });
      j.answerSlot(true);
      j.drive();
      expect(j.state.stage).toBe('COMPLETED');
      expect(j.stages()).toEqual(JOURNEY.slice(1));
      expect(j.awaiting).toBeNull();
      expect(j.state.shipments.map((s) => [s.leg, s.state])).toEqual([['outbound', 'delivered'], ['return', 'delivered']]);
    });
  }
});
