import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { allocationPolicies, capacityExceptions, waitlistEntries } from '../../../src/db/schema/index.js';
import { addDays, localDateOf } from '../../../src/domain/calendar-day.js';
import type { UrgencyTier } from '../../../src/domain/planning/policy.js';
import { joinWaitlist } from '../../../src/planning/waitlist/join-waitlist.js';
import { activatePolicy } from '../../../src/planning/waitlist/policy-store.js';
import { signUrgency } from '../../../src/planning/waitlist/urgency.js';
import { capacityFixture } from '../capacity/fixture.js';

const DAY_MS = 86_400_000;

/**
 * The capacity fixture made scarce: one line, one collection a day every day, and the line closed
 * from day 25 of the horizon on, so exactly one chain of the fresh product (1 + 14 + 6 days) fits.
 * The waitlist and the active policy are V2V-wide: the file withdraws what earlier runs left waiting,
 * and puts first-come back in force when it ends (integration files run one at a time).
 */
export function waitlistFixture() {
  const base = capacityFixture({
    apheresis: { collectionsPerDay: 1, collectionDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
    facility: { manufacturingLines: 1 },
  });
  const { db } = base;
  const now = new Date();
  const today = localDateOf(now.getTime(), 'UTC');

  beforeAll(async () => {
    await db.update(waitlistEntries).set({ state: 'withdrawn' }).where(eq(waitlistEntries.state, 'waiting'));
    await db.insert(capacityExceptions).values({
      siteId: base.ids.facility, resource: 'line', line: null, fromDay: addDays(today, 25), toDay: addDays(today, 120), capacity: 0,
      reason: 'test: the line is down after day 25', setBy: 'test',
    });
    await activate('first-come');
  });
  afterAll(async () => {
    await db.update(waitlistEntries).set({ state: 'withdrawn' }).where(eq(waitlistEntries.state, 'waiting'));
    await activate('first-come');
  });

  async function activate(policyId: string) {
    const [row] = await db.select({ id: allocationPolicies.id }).from(allocationPolicies).where(and(eq(allocationPolicies.policyId, policyId), eq(allocationPolicies.version, 1)));
    const result = await activatePolicy(db, row!.id);
    if ('problem' in result) throw new Error(`could not activate ${policyId}: ${result.problem}`);
  }

  /** A batch waiting since `daysAgo`, with a signed tier when given. */
  async function waiting(daysAgo: number, options: { tier?: UrgencyTier; earliestInDays?: number } = {}): Promise<string> {
    const batchId = await base.batch();
    await joinWaitlist(db, batchId, new Date(now.getTime() - daysAgo * DAY_MS), options.earliestInDays === undefined ? undefined : addDays(today, options.earliestInDays));
    if (options.tier) {
      await signUrgency(db, { batchId, tier: options.tier, justification: 'test justification', meaning: 'urgency tier set by the treating physician', signer: { name: 'Dr. Test', role: 'scheduler', userId: 'test-physician' } });
    }
    return batchId;
  }

  return { ...base, now, today, activate, waiting };
}
