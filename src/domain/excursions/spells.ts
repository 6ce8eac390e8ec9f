import type { ThresholdRule } from './types.js';

/**
 * The machine behind one threshold rule, folded over that metric's readings in event-time order.
 * A *spell* is a run of readings that are out of range, or back within the limit but not yet by the
 * hysteresis; it becomes an excursion once it lasts `minDurationMs` or the rule's budget runs out.
 */
export interface Spell {
  start: number;
  /** The value furthest beyond the limit so far. */
  peak: number;
  /** Whether it has met its rule: an excursion, reported from `start`. */
  qualified: boolean;
}

/** Plain JSON: it is part of the engine's stored state. */
export interface RuleState {
  /** Out-of-range time of the binding's finished spells (each from its start to the reading that ended it). */
  usedMs: number;
  spell?: Spell;
}

export interface EndedSpell extends Spell {
  end: number;
}

export const INITIAL_RULE_STATE: RuleState = { usedMs: 0 };

/** How far a value lies beyond the rule's limits; ≤ 0 when it is within them. */
export function excess(rule: ThresholdRule, value: number): number {
  return Math.max(rule.min === undefined ? -Infinity : rule.min - value, rule.max === undefined ? -Infinity : value - rule.max);
}

function isOut(rule: ThresholdRule, value: number): boolean {
  return excess(rule, value) > 0;
}

function isBackInside(rule: ThresholdRule, value: number): boolean {
  return (rule.min === undefined || value >= rule.min + rule.hysteresis) && (rule.max === undefined || value <= rule.max - rule.hysteresis);
}

function qualifies(rule: ThresholdRule, usedMs: number, elapsedMs: number): boolean {
  return elapsedMs >= rule.minDurationMs || (rule.budgetMs !== undefined && usedMs + elapsedMs >= rule.budgetMs);
}

/** One reading through the machine. Returns the same state object when nothing changed. */
export function stepRule(rule: ThresholdRule, state: RuleState, time: number, value: number): { state: RuleState; ended?: EndedSpell } {
  const { spell } = state;
  if (spell === undefined) {
    if (!isOut(rule, value)) return { state };
    return { state: { usedMs: state.usedMs, spell: { start: time, peak: value, qualified: qualifies(rule, state.usedMs, 0) } } };
  }
  if (isBackInside(rule, value)) {
    return { state: { usedMs: state.usedMs + (time - spell.start) }, ended: { ...spell, end: time } };
  }
  const peak = excess(rule, value) > excess(rule, spell.peak) ? value : spell.peak;
  const qualified = spell.qualified || qualifies(rule, state.usedMs, time - spell.start);
  if (peak === spell.peak && qualified === spell.qualified) return { state };
  return { state: { usedMs: state.usedMs, spell: { start: spell.start, peak, qualified } } };
}
