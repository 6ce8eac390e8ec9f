/**
 * When a table queue runs its next round. Pure, so the rule is tested without a database: a full
 * page is followed at once (a backlog drains without waiting), a short page waits for a wake-up or
 * the poll interval, and a failure backs off exponentially up to a cap. A back-off is not cut short
 * by a wake-up: while Kafka or Temporal is away, a busy inserter must not turn retries into a storm.
 */
export interface Pacing {
  /** The fallback poll when no notification arrives (a lost one costs at most this long). */
  pollMs: number;
  /** The wait after the first failure in a row; each further failure doubles it. */
  retryMs: number;
  /** The longest back-off. */
  maxRetryMs: number;
}

export type NextRound = { kind: 'at-once' } | { kind: 'after'; ms: number; wakeable: boolean };

export function nextRound(last: { claimed: number; pageSize: number; failures: number }, pacing: Pacing): NextRound {
  if (last.failures > 0) return { kind: 'after', ms: backOffMs(last.failures, pacing), wakeable: false };
  if (last.claimed >= last.pageSize) return { kind: 'at-once' };
  return { kind: 'after', ms: pacing.pollMs, wakeable: true };
}

/** The wait after `failures` failures in a row (1, 2, …): retryMs, 2 × retryMs, … up to maxRetryMs. */
export function backOffMs(failures: number, pacing: Pick<Pacing, 'retryMs' | 'maxRetryMs'>): number {
  return Math.min(pacing.retryMs * 2 ** Math.max(failures - 1, 0), pacing.maxRetryMs);
}
