import { stageBefore, type JourneyStage } from '../stages.js';
import type { JourneyState } from './types.js';

/**
 * Has the batch still to enter `target`? The decider's state knows where a hold was, so ON_HOLD
 * counts as the stage it holds (a hold with no such stage has nothing ahead); the rest is the one
 * stage order, `stageBefore`.
 */
export function stillAhead(state: JourneyState, target: JourneyStage): boolean {
  const stage = state.stage === 'ON_HOLD' ? state.heldFrom : state.stage;
  return stage !== undefined && stageBefore(stage, target);
}
