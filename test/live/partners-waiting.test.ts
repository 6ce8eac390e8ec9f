import { afterEach, describe, expect, it, vi } from 'vitest';
import type { V2vApiClient } from '../../src/api/client/index.js';
import { answerUntilDone, type BatchPartners } from '../../src/live/partners.js';

/**
 * A patient on the waitlist waits simulated days: its coordinator reads the batch at the waiting
 * pace, not at the step pace (a site's coordinator reads for all its patients, and the API's rate
 * limit counts per identity). Fake timers: the figures are counts of reads, not durations.
 */
describe('answerUntilDone while the batch waits for a slot chain', () => {
  afterEach(() => vi.useRealTimers());

  it('reads once per waitingPollMs, then goes on when the chain comes', async () => {
    vi.useFakeTimers();
    let detail: Record<string, unknown> = { batchId: 'b', stage: 'ORDERED', awaiting: { kind: 'chain', status: 'waitlisted', reason: 'no slot chain fits yet' } };
    let reads = 0;
    const reader = {
      GET: () => {
        reads++;
        return Promise.resolve({ data: detail, response: { ok: true, status: 200 } });
      },
    } as unknown as V2vApiClient;
    const run = answerUntilDone({ reader } as unknown as BatchPartners, 'b', 'coi', { pollMs: 100, waitingPollMs: 1_000, timeoutMs: 60_000 });

    await vi.advanceTimersByTimeAsync(10_000);
    // Ten seconds at one read a second (and the first read): the step pace would have read a hundred times.
    expect(reads).toBeGreaterThanOrEqual(9);
    expect(reads).toBeLessThanOrEqual(12);

    detail = { batchId: 'b', stage: 'COMPLETED', awaiting: null };
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(run).resolves.toMatchObject({ stage: 'COMPLETED' });
  });
});
