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

describe('answerUntilDone when a booking finds every chair taken', () => {
  it('books a later date, as the 409 asks, instead of giving up', async () => {
    const earliest = Date.now() + 60_000;
    let detail: Record<string, unknown> = {
      batchId: 'b', stage: 'RECEIVED_AT_SITE', attempt: 1,
      awaiting: { kind: 'infusion-booking', earliest: new Date(earliest).toISOString(), latest: new Date(earliest + 600_000).toISOString() },
    };
    const reader = { GET: () => Promise.resolve({ data: detail, response: { ok: true, status: 200 } }) } as unknown as V2vApiClient;
    const dates: number[] = [];
    const scheduler = {
      POST: (_path: string, init: { body: { infusionDate: string } }) => {
        dates.push(Date.parse(init.body.infusionDate));
        if (dates.length === 1) {
          return Promise.resolve({ error: { error: { code: 'ERR_SLOT_TAKEN', message: 'every chair is taken that day; choose another day.' } }, response: { ok: false, status: 409 } });
        }
        detail = { batchId: 'b', stage: 'COMPLETED', attempt: 1, awaiting: null };
        return Promise.resolve({ data: {}, response: { ok: true, status: 200 } });
      },
    } as unknown as V2vApiClient;

    await expect(answerUntilDone({ reader, scheduler, qa: { api: reader, signingPassword: 'unused' } } as unknown as BatchPartners, 'b', 'coi', { pollMs: 1, timeoutMs: 5_000 })).resolves.toMatchObject({ stage: 'COMPLETED' });
    expect(dates).toHaveLength(2);
    expect(dates[1]!).toBeGreaterThan(dates[0]!);
  });
});
