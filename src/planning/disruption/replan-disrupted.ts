import { inArray } from 'drizzle-orm';
import { batchWorkflowId } from '../../../workflows/messages.js';
import { alerts, batches, workflowSignals } from '../../db/schema/index.js';
import type { ChainMove } from '../../domain/batch/chain-schema.js';
import { liveChain, replanChain, slotChainOf, type ChainRecord, type Tx } from '../capacity/index.js';
import { appendCustodyInTransaction } from '../../../activities/custody.js';
import { joinWaitlist } from '../waitlist/join-waitlist.js';
import { chainMoveChange, type DisruptionMove } from './move-change.js';

/** The signal the batch workflow takes a moved chain by (workflows/messages.ts `chainMovedSignal`). */
export const CHAIN_MOVED_SIGNAL = 'chain-moved';

/** Stages before collection: the only ones whose chain a disruption moves (the cells collected, the batch keeps its chain). */
const MOVABLE_STAGES = ['ORDERED', 'APHERESIS_SCHEDULED'] as const;

export interface Disruption {
  /** What took the capacity, unique per disruption (`capacity-exception:<id>`): the re-plans' idempotency key and the alerts' and signals' keys. */
  key: string;
  /** A few words for the timeline and the alert ("line down"); never a patient's detail. */
  why: string;
  /** The chains that lost capacity (batch and the chain version that lost it). */
  affected: readonly { batchId: string; version: number }[];
  /** Who set the disruption, for each move's custody record: the authenticated caller, or the system that opened a ticket. */
  actor: { name: string; role: string };
  now: Date;
}

export interface DisruptionOutcome {
  moved: DisruptionMove[];
  /** Affected but not moved: the cells are collected (or the batch is on hold, or its line confirmed), so a person decides. */
  kept: { batchId: string; reason: string }[];
}

/**
 * A disruption took capacity that booked chains hold: each is re-planned under the same rules as a
 * slip (`replanChain`: superseded, then the earliest feasible chain from its current collection
 * day, or the waitlist when none fits), in the caller's transaction, so the disruption and its
 * moves commit together or not at all. Each move leaves an alert (what moved) and a `chain-moved`
 * signal queued for the batch's workflow, both keyed by the disruption and the batch, so running it
 * again (a retry) writes nothing twice and the re-plan's own key re-plans nothing twice. Batches
 * are moved earliest collection first, so the first to collect gets the first free chain.
 */
export async function replanDisrupted(tx: Tx, d: Disruption): Promise<DisruptionOutcome> {
  const outcome: DisruptionOutcome = { moved: [], kept: [] };
  const batchIds = [...new Set(d.affected.map((a) => a.batchId))];
  if (batchIds.length === 0) return outcome;
  const stages = new Map((await tx.select({ id: batches.id, stage: batches.stage }).from(batches).where(inArray(batches.id, batchIds))).map((b) => [b.id, b.stage]));
  const lives = (await Promise.all(batchIds.map((id) => liveChain(tx, id)))).filter((c): c is ChainRecord => c !== null);
  lives.sort((a, b) => a.collectionDay.localeCompare(b.collectionDay) || a.batchId.localeCompare(b.batchId));
  for (const live of lives) {
    const stage = stages.get(live.batchId);
    if (live.state !== 'booked' || !MOVABLE_STAGES.includes(stage as (typeof MOVABLE_STAGES)[number])) {
      outcome.kept.push({ batchId: live.batchId, reason: live.state === 'confirmed' ? 'its line is confirmed: the cells are on it' : `at ${stage}: past collection or on hold, it keeps its chain` });
      continue;
    }
    outcome.moved.push(await moveOne(tx, live, d));
  }
  return outcome;
}

async function moveOne(tx: Tx, before: ChainRecord, d: Disruption): Promise<DisruptionMove> {
  const { chain } = await replanChain(tx, before.batchId, { earliestDay: before.collectionDay, reason: `${d.why} (${d.key})`, now: d.now.getTime() });
  if (!chain) await joinWaitlist(tx, before.batchId, d.now, before.collectionDay);
  const change = chainMoveChange(before, chain);
  const move: ChainMove = { from: before.version, chain: chain ? slotChainOf(chain) : null, why: d.why };
  const key = `${d.key}:${before.batchId}`;
  await tx.insert(alerts).values({ key: `chain-replanned:${key}`, batchId: before.batchId, severity: 'warning', kind: 'chain-replanned', message: `Chain re-planned (${d.why}): ${change.message}` })
    .onConflictDoNothing({ target: alerts.key });
  // The move is an audit record on the batch's custody chain, as an allocation is (same key: written once).
  await appendCustodyInTransaction(tx, {
    key: `chain-moved:${key}`, batchId: before.batchId, kind: 'chain-moved', actor: d.actor, occurredAt: d.now.toISOString(),
    meaning: `slot chain re-planned (${d.why})`, data: { disruption: d.key, from: change.from, to: change.to },
  });
  await tx.insert(workflowSignals).values({ changeId: `chain-moved:${key}`, workflowId: batchWorkflowId(before.batchId), workflowKind: 'batch', signal: CHAIN_MOVED_SIGNAL, payload: move })
    .onConflictDoNothing();
  return change;
}

