import { describe, expect, it } from 'vitest';
import { checkClientTime } from '../../src/domain/client-time.js';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const limits = { now, maxAheadMs: 5 * 60_000, notBefore: Date.parse('2026-03-01T08:00:00.000Z') };

describe('a client-supplied time', () => {
  it('is accepted from the last event up to the allowed skew ahead of the server', () => {
    expect(checkClientTime('at', '2026-03-01T08:00:00.000Z', limits)).toBeNull();
    expect(checkClientTime('at', '2026-03-01T12:05:00.000Z', limits)).toBeNull();
    expect(checkClientTime('at', '2026-03-01T13:04:00.000+01:00', limits)).toBeNull();
  });

  it('is refused further ahead, naming the field, the rule and both clocks', () => {
    const refusal = checkClientTime('at', '2026-03-01T12:05:00.001Z', limits);
    expect(refusal).toMatchObject({ rule: 'in_future', message: expect.stringMatching(/^at .*300 s ahead.*2026-03-01T12:00:00.000Z/) });
  });

  it("is refused before the batch's last recorded event", () => {
    expect(checkClientTime('at', '2026-03-01T07:59:59.999Z', limits)).toMatchObject({ rule: 'before_previous_event', message: expect.stringContaining('2026-03-01T08:00:00.000Z') });
  });
});
