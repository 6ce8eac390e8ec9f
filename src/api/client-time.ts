import { eq, max } from 'drizzle-orm';
import { custodyEvents } from '../db/schema/index.js';
import { checkClientTime } from '../domain/client-time.js';
import { ERR } from '../domain/errors.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';

/**
 * A client-supplied `at` (of a hand-off or a milestone) becomes custody evidence only within the
 * server's clock (V2V_CLIENT_CLOCK_SKEW_MS ahead at most) and not before the batch's last recorded
 * event: 422 naming `at` and the rule. Called after the caller is known to be the reporter, so a
 * party that may not report learns nothing about the batch's timeline.
 */
export async function requireClientTime(deps: ApiDeps, batch: { id: string; createdAt: Date }, at: string): Promise<void> {
  const [last] = await deps.db.select({ at: max(custodyEvents.occurredAt) }).from(custodyEvents).where(eq(custodyEvents.batchId, batch.id));
  const notBefore = Math.max(batch.createdAt.getTime(), last?.at?.getTime() ?? 0);
  const refusal = checkClientTime('at', at, { now: Date.now(), maxAheadMs: deps.config.V2V_CLIENT_CLOCK_SKEW_MS, notBefore });
  if (refusal) throw new ApiError(422, ERR.VALIDATION, refusal.message, [{ in: 'body', path: ['at'], code: refusal.rule, message: refusal.message }]);
}
