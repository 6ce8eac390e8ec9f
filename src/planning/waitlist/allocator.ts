import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { waitlistAllocations, waitlistEntries, workflowSignals } from '../../db/schema/index.js';
import { batchWorkflowId } from '../../../workflows/messages.js';
import { ChainError } from '../capacity/index.js';
import { appendCustodyInTransaction } from '../../../activities/custody.js';
import type { AllocatedChain, WaitlistCapacity } from './capacity-port.js';
import { passedOverFor, type PassedOver } from './passed-over.js';
import { rankedWaitlist, type RankedWaiting } from './ranked-waitlist.js';
import { planWaitlist, type Planner } from './plan-waitlist.js';

/** The signal the batch workflow waits for while its batch is on the waitlist. */
export const CHAIN_ALLOCATED_SIGNAL = 'chain-allocated';
/** The custody record names this many of the passed-over (the allocation row holds them all), so a chain stays readable. */
const NAMED_IN_CUSTODY = 25;
/** Who the custody record names as the actor: the allocator decides by the policy, no person does. */
const ALLOCATOR = { name: 'V2V waitlist allocator', role: 'system' } as const;

export interface AllocationOutcome {
  batchId: string;
  position: number;
  chainVersion: number;
  chain: AllocatedChain;
  passedOver: PassedOver[];
}

export interface AllocatorRun {
  policy: { id: string; policyId: string; version: number };
  allocated: AllocationOutcome[];
  /** Planned but refused by the database (capacity taken, or already allocated by a concurrent run): re-planned next time. */
  lost: string[];
  waiting: number;
}

/**
 * Gives freed capacity to the waitlist: ranks the waiting entries by the active policy, plans them
 * over today's free capacity (the greedy rule unless a planner is given), and books each planned
 * chain in its own transaction together with its allocation record, the custody record on the
 * winner's chain, the entry's state and the `chain-allocated` signal for its workflow. Nothing is
 * read-then-written: the entry moves only from `waiting`, the allocation is unique per (batch, chain
 * version), and the booking's constraints decide capacity; a run that loses any of them rolls that
 * allocation back, so running twice, or twice at once, allocates nothing twice.
 */
export async function allocateFreedCapacity(
  db: Database,
  ports: { capacity: WaitlistCapacity; planner?: Planner },
  { now, reason }: { now: Date; reason: string },
): Promise<AllocatorRun> {
  const { policy, ranked } = await rankedWaitlist(db, now);
  const run: AllocatorRun = { policy: { id: policy.rowId, policyId: policy.policy.id, version: policy.policy.version }, allocated: [], lost: [], waiting: ranked.length };
  if (ranked.length === 0) return run;

  const { chainOf } = await planWaitlist(db, ports.capacity, ranked, now, ports.planner);

  for (const winner of ranked.filter((r) => chainOf.has(r.entry.batchId))) {
    const chain = chainOf.get(winner.entry.batchId)!;
    const passedOver = passedOverFor(winner, ranked, chainOf);
    const outcome = await allocateOne(db, ports.capacity, { winner, chain, passedOver, policy: run.policy, reason, now });
    if (outcome) run.allocated.push(outcome);
    else run.lost.push(winner.entry.batchId);
  }
  run.waiting = ranked.length - run.allocated.length;
  return run;
}

interface OneAllocation {
  winner: RankedWaiting;
  chain: AllocatedChain;
  passedOver: PassedOver[];
  policy: AllocatorRun['policy'];
  reason: string;
  now: Date;
}

class LostAllocation extends Error {}

async function allocateOne(db: Database, capacity: WaitlistCapacity, a: OneAllocation): Promise<AllocationOutcome | null> {
  const batchId = a.winner.entry.batchId;
  try {
    return await db.transaction(async (tx) => {
      // First, so a concurrent run that already took this entry stops us before anything is booked.
      const moved = await tx.update(waitlistEntries).set({ state: 'allocated', allocatedAt: a.now })
        .where(and(eq(waitlistEntries.batchId, batchId), eq(waitlistEntries.state, 'waiting'))).returning({ batchId: waitlistEntries.batchId });
      if (moved.length === 0) throw new LostAllocation();
      const booked = await capacity.book(tx, { batchId, chain: a.chain, reason: 'waitlist' });
      const { position, weight, rule } = a.winner.rank;
      await tx.insert(waitlistAllocations).values({
        batchId, chainVersion: booked.version, slotChainId: booked.slotChainId, policyRowId: a.policy.id, policyId: a.policy.policyId,
        policyVersion: a.policy.version, position, weight, rule, chain: a.chain, passedOver: a.passedOver, reason: a.reason, allocatedAt: a.now,
      });
      await appendCustodyInTransaction(tx, {
        key: `allocation:${batchId}:v${booked.version}`, batchId, kind: 'allocation', actor: ALLOCATOR, occurredAt: a.now.toISOString(),
        meaning: `allocated a slot chain by policy ${a.policy.policyId} v${a.policy.version}`,
        data: { policyRowId: a.policy.id, policyId: a.policy.policyId, policyVersion: a.policy.version, position, weight, rule, chainVersion: booked.version, chain: { ...a.chain },
          passedOver: a.passedOver.slice(0, NAMED_IN_CUSTODY), passedOverCount: a.passedOver.length, reason: a.reason },
      });
      const signal = { version: booked.version, ...a.chain };
      await tx.insert(workflowSignals).values({
        changeId: `chain-allocated:${batchId}:v${booked.version}`, workflowId: batchWorkflowId(batchId), workflowKind: 'batch',
        signal: CHAIN_ALLOCATED_SIGNAL, payload: signal,
      }).onConflictDoNothing();
      return { batchId, position, chainVersion: booked.version, chain: a.chain, passedOver: a.passedOver };
    });
  } catch (err) {
    // Lost to a concurrent run or to a booking made since the plan: nothing was written; re-planned next time.
    if (err instanceof LostAllocation || err instanceof ChainError || isConstraintRefusal(err)) return null;
    throw err;
  }
}

const REFUSALS = new Set(['23505', '23P01']);
function isConstraintRefusal(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return REFUSALS.has(e.code ?? '') || REFUSALS.has(e.cause?.code ?? '');
}
