import { describe, expect, it } from 'vitest';
import { choiceFlag, countFlag } from '../../bench/flags.js';

describe("a bench's command-line values", () => {
  it('takes whole numbers from their minimum up', () => {
    expect(countFlag('readings', '1000000')).toBe(1_000_000);
    expect(countFlag('preload', '0', 0)).toBe(0);
  });

  it('refuses what is not a whole number at its minimum, naming the flag and the rule', () => {
    for (const bad of ['abc', '', '1.5', '-3', '0', '1e400', '9007199254740993']) {
      expect(() => countFlag('readings', bad), bad).toThrow(/^--readings must be a whole number of at least 1, got /);
    }
  });

  it('takes one of the choices and refuses anything else, quoting a huge value only in part', () => {
    expect(choiceFlag('event-ids', 'v7', ['v4', 'v7'] as const)).toBe('v7');
    const huge = 'x'.repeat(1_000_000);
    const refusal = (() => {
      try {
        choiceFlag('event-ids', huge, ['v4', 'v7']);
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(refusal).toBe(`--event-ids must be one of v4, v7, got "${'x'.repeat(40)}…".`);
  });
});
