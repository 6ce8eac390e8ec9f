import { describe, expect, it } from 'vitest';
import { pollUntil, PollTimeout } from '../src/poll-until.js';

/** A probe that says "not yet" `times` times, then answers `answer`; counts how often it was asked. */
function probeAnswering<T>(answer: T, times: number) {
  const probe = async () => (++probe.asked > times ? answer : false);
  probe.asked = 0;
  return probe;
}

describe('pollUntil', () => {
  it('resolves to the first answer that is not undefined, null or false, asking again until then', async () => {
    const probe = probeAnswering({ stored: 3 }, 2);
    await expect(pollUntil('three readings stored', probe, { timeoutMs: 5_000, intervalMs: 1 })).resolves.toEqual({ stored: 3 });
    expect(probe.asked).toBe(3);
  });

  it('takes 0 and the empty string as answers: only undefined, null and false mean not yet', async () => {
    await expect(pollUntil('a count', async () => 0, { timeoutMs: 100 })).resolves.toBe(0);
    await expect(pollUntil('a name', async () => '', { timeoutMs: 100 })).resolves.toBe('');
  });

  it('rejects with a PollTimeout that names what it waited for, how long, and the context', async () => {
    const waiting = pollUntil('the consumer to join its group', async () => null, { timeoutMs: 30, intervalMs: 5, context: () => 'see ingest.log' });
    await expect(waiting).rejects.toBeInstanceOf(PollTimeout);
    await expect(waiting).rejects.toThrow('Timed out after 0.03 s waiting for the consumer to join its group\nsee ingest.log');
  });

  it('ends the wait at once when the probe throws, unless told that a throw means not yet', async () => {
    const broken = async () => {
      throw new Error('ECONNREFUSED');
    };
    const started = Date.now();
    await expect(pollUntil('PostgreSQL to answer', broken, { timeoutMs: 5_000 })).rejects.toThrow(/^ECONNREFUSED$/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('with retryErrors, asks again after a throw and names the last error when the time runs out', async () => {
    let asked = 0;
    const starting = async () => {
      if (++asked < 3) throw new Error('ECONNREFUSED');
      return true;
    };
    await expect(pollUntil('PostgreSQL to answer', starting, { timeoutMs: 5_000, intervalMs: 1, retryErrors: true })).resolves.toBe(true);

    const down = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(pollUntil('PostgreSQL to answer', down, { timeoutMs: 20, intervalMs: 5, retryErrors: true })).rejects.toThrow(
      'Timed out after 0.02 s waiting for PostgreSQL to answer (last error: ECONNREFUSED)',
    );
  });
});
