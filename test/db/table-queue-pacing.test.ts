import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Alarm } from '../../src/db/table-queue/alarm.js';
import { backOffMs, nextRound } from '../../src/db/table-queue/pacing.js';

const pacing = { pollMs: 60_000, retryMs: 200, maxRetryMs: 10_000 };

describe('the pace of a table queue', () => {
  it('runs the next round at once after a full page, so a backlog drains without waiting', () => {
    expect(nextRound({ claimed: 500, pageSize: 500, failures: 0 }, pacing)).toEqual({ kind: 'at-once' });
  });

  it('waits for a wake-up or the poll after a short page', () => {
    expect(nextRound({ claimed: 3, pageSize: 500, failures: 0 }, pacing)).toEqual({ kind: 'after', ms: 60_000, wakeable: true });
    expect(nextRound({ claimed: 0, pageSize: 500, failures: 0 }, pacing)).toEqual({ kind: 'after', ms: 60_000, wakeable: true });
  });

  it('backs off exponentially after failures, up to the cap, and no wake-up cuts a back-off short', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((failures) => backOffMs(failures, pacing))).toEqual([200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000]);
    expect(nextRound({ claimed: 0, pageSize: 500, failures: 2 }, pacing)).toEqual({ kind: 'after', ms: 400, wakeable: false });
  });
});

describe('the alarm a table queue waits on', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    return async () => {
      await vi.advanceTimersByTimeAsync(0);
      return done;
    };
  };

  it('ends a wakeable wait when rung', async () => {
    const alarm = new Alarm();
    const done = settled(alarm.wait(60_000, { wakeable: true }));
    expect(await done()).toBe(false);
    alarm.ring();
    expect(await done()).toBe(true);
  });

  it('ends the wait at its time when nobody rings', async () => {
    const done = settled(new Alarm().wait(1_000, { wakeable: true }));
    await vi.advanceTimersByTimeAsync(999);
    expect(await done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await done()).toBe(true);
  });

  it('keeps a ring that came during a round, so the next wait does not start', async () => {
    const alarm = new Alarm();
    alarm.reset();
    alarm.ring();
    expect(await settled(alarm.wait(60_000, { wakeable: true }))()).toBe(true);
  });

  it('forgets rings from before the round that covered them', async () => {
    const alarm = new Alarm();
    alarm.ring();
    alarm.reset();
    expect(await settled(alarm.wait(60_000, { wakeable: true }))()).toBe(false);
  });

  it('does not let a ring cut a back-off short, but the back-off still ends at its time', async () => {
    const alarm = new Alarm();
    const done = settled(alarm.wait(400, { wakeable: false }));
    alarm.ring();
    expect(await done()).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    expect(await done()).toBe(true);
  });

  it('ends any wait, and every later one, when interrupted (stopping)', async () => {
    const alarm = new Alarm();
    const backOff = settled(alarm.wait(10_000, { wakeable: false }));
    alarm.interrupt();
    expect(await backOff()).toBe(true);
    expect(await settled(alarm.wait(60_000, { wakeable: false }))()).toBe(true);
  });
});
