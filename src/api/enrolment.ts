import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { batches, idempotencyKeys, pendingEnrolments, productProfiles, sites } from '../db/schema/index.js';
import type { EnrolCommand } from '../domain/commands.js';
import { generateCoiId } from '../domain/coi.js';
import { productProfileSchema, type ProductProfile } from '../domain/profile.js';
import type { SiteKind } from '../domain/stages.js';
import type { BatchInput } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { bookEnrolmentChain, chainView, enrolmentClock, planEnrolmentChain } from './enrolment-chain.js';
import { startEnrolled } from './enrolment-start.js';
import { liveChain, slotChainOf } from '../planning/capacity/index.js';
import { joinWaitlist } from '../planning/waitlist/join-waitlist.js';
import { ApiError, unprocessableField } from './errors.js';
import { failpoint } from './failpoint.js';
import { checkSameCall, findKey, requestHash, type IdempotentCall } from './idempotency.js';

/** Enrolment: check the references, store the batch, start its workflow. */
const COI_RANDOM_BYTES = 10;

async function loadProfile(deps: ApiDeps, productId: string): Promise<ProductProfile> {
  const [row] = await deps.db.select().from(productProfiles).where(eq(productProfiles.id, productId)).limit(1);
  if (!row) throw unprocessableField('productId', `Unknown product "${productId}": see GET /v1/products.`);
  const profile = productProfileSchema.safeParse(row.profile);
  if (!profile.success) throw unprocessableField('productId', `The stored profile of product "${productId}" is invalid; an operator must fix it.`);
  return profile.data;
}

type SiteField = 'apheresisCenterId' | 'treatmentCenterId' | 'facilityId';
const KIND_OF: Record<SiteField, SiteKind> = {
  apheresisCenterId: 'apheresis_center',
  treatmentCenterId: 'treatment_center',
  facilityId: 'manufacturing_facility',
};

async function resolveSites(deps: ApiDeps, command: EnrolCommand): Promise<Record<SiteField, string>> {
  if (command.chain && command.facilityId !== undefined && command.chain.facilityId !== command.facilityId) {
    throw unprocessableField('chain', `The chain goes through ${command.chain.facilityId}, but facilityId names ${command.facilityId}; send one facility.`);
  }
  const facilityId = command.chain?.facilityId ?? command.facilityId ?? (await defaultFacility(deps));
  const wanted: Record<SiteField, string> = {
    apheresisCenterId: command.apheresisCenterId,
    treatmentCenterId: command.treatmentCenterId,
    facilityId,
  };
  const rows = await deps.db.select({ id: sites.id, kind: sites.kind, simulated: sites.simulated }).from(sites).where(inArray(sites.id, Object.values(wanted)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const field of Object.keys(wanted) as SiteField[]) {
    const id = wanted[field];
    const kind = byId.get(id)?.kind;
    if (kind === undefined) throw unprocessableField(field, `Unknown site "${id}" for ${field}: see GET /v1/sites.`);
    // The twin's sites belong to a simulated history: a real patient is never enrolled there.
    if (byId.get(id)?.simulated) throw unprocessableField(field, `Site "${id}" belongs to a simulated history; a real batch needs a real site.`);
    if (kind !== KIND_OF[field]) throw unprocessableField(field, `Site "${id}" is a ${kind}, but ${field} must name a ${KIND_OF[field]}.`);
  }
  return wanted;
}

/** Without a facility named, the batch goes to the first one configured (ordered by id, so it is stable). */
async function defaultFacility(deps: ApiDeps): Promise<string> {
  const [row] = await deps.db
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.kind, 'manufacturing_facility'), eq(sites.simulated, false)))
    .orderBy(asc(sites.id))
    .limit(1);
  if (!row) throw unprocessableField('facilityId', 'No manufacturing facility is configured; name one with facilityId once it exists.');
  return row.id;
}

export interface EnrolResult {
  batchId: string;
  coiId: string;
  /** False when the batch is stored but its workflow could not be started yet: the reconciler will. */
  started: boolean;
  /** The slot chain booked with the batch; null when none was (waitlisted, or a compressed clock without V2V_CLOCK_ORIGIN). */
  chain: ReturnType<typeof chainView> | null;
  /** True when no chain fitted the horizon: the batch waits for one (a batch on a planning clock without a live chain). */
  waitlisted: boolean;
}

/** Who asked, under which key: the key is bound to them, this command and this body. */
export interface EnrolKey {
  key: string;
  subject: string;
}

export const ENROL_COMMAND = 'POST /v1/batches';

/** Thrown inside the storing transaction when a concurrent request took the same key first. */
class KeyTakenMeanwhile extends Error {}

/**
 * Stores the batch, its pending mark and its Idempotency-Key in one transaction, then starts the
 * workflow under the batch's own id. Whatever fails after the commit (the start, its answer, this
 * process), the pending mark remains and the next retry of the key or the reconciler finishes the
 * start; a second start of the same id is refused by Temporal and counts as done. So an enrolment
 * ends as one batch with one workflow, never a row without a workflow or the reverse.
 */
export async function enrolBatch(deps: ApiDeps, command: EnrolCommand, keyed?: EnrolKey): Promise<EnrolResult> {
  const call = keyed && { ...keyed, command: ENROL_COMMAND, batchId: null, body: command };
  if (call) {
    const earlier = await replayEnrolment(deps, call);
    if (earlier) return earlier;
  }
  const profile = await loadProfile(deps, command.productId);
  const siteIds = await resolveSites(deps, command);
  const chainPlan = await planEnrolmentChain(deps, command, profile, siteIds.facilityId);
  const coiId = generateCoiId((deps.randomBytes ?? nodeRandomBytes)(COI_RANDOM_BYTES));

  let input: BatchInput;
  let chain: Awaited<ReturnType<typeof bookEnrolmentChain>>;
  try {
    ({ input, chain } = await deps.db.transaction(async (tx) => {
      // patientRef stays in this row: the workflow input, its history, Kafka and the logs never see it.
      const [row] = await tx
        .insert(batches)
        .values({ coiId, patientRef: command.patientRef, productId: command.productId, ...siteIds, timeScale: deps.config.V2V_TIME_SCALE })
        .returning({ id: batches.id });
      const booked = await bookEnrolmentChain(tx, row!.id, chainPlan);
      // The workflow holds the chain (or waits for one): its input says which, so it confirms the line held ahead at receipt.
      const waitlisted = chainPlan.kind !== 'unplanned' && !booked;
      const stored: BatchInput = {
        batchId: row!.id, coiId, productId: command.productId, profile, ...siteIds, facilityId: booked?.facilityId ?? siteIds.facilityId, timeScale: deps.config.V2V_TIME_SCALE,
        ...(booked ? { chain: slotChainOf(booked) } : waitlisted ? { waitlisted: true as const } : {}),
        ...(chainPlan.kind !== 'unplanned' && chainPlan.clock.originMs !== undefined ? { clockOriginMs: chainPlan.clock.originMs } : {}),
      };
      if (waitlisted) await joinWaitlist(tx, row!.id, new Date());
      await tx.insert(pendingEnrolments).values({ batchId: stored.batchId, input: stored });
      if (call) {
        const claimed = await tx
          .insert(idempotencyKeys)
          .values({ key: call.key, subject: call.subject, command: call.command, batchId: stored.batchId, requestHash: requestHash(call.body) })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (claimed.length === 0) throw new KeyTakenMeanwhile();
      }
      await failpoint(deps, 'enrol:before-commit', { batchId: stored.batchId });
      return { input: stored, chain: booked };
    }));
  } catch (err) {
    // A concurrent request with the same key committed first: this one rolled back and answers as a retry.
    if (err instanceof KeyTakenMeanwhile && call) return (await replayEnrolment(deps, call))!;
    throw err;
  }
  await failpoint(deps, 'enrol:after-commit', { batchId: input.batchId });
  const started = (await startOrLeavePending(deps, input.batchId)) === 'started';
  const waitlisted = chainPlan.kind !== 'unplanned' && chain === null;
  deps.logger.info({ batchId: input.batchId, coiId, productId: command.productId, started, chainId: chain?.chainId, waitlisted }, started ? 'batch enrolled' : 'batch enrolled; its workflow will be started by the reconciler');
  return { batchId: input.batchId, coiId, started, chain: chain ? chainView(chain) : null, waitlisted };
}

/** The first answer to a key already used for an enrolment (finishing it if it is still pending), or undefined for a new key. */
async function replayEnrolment(deps: ApiDeps, call: IdempotentCall): Promise<EnrolResult | undefined> {
  const stored = await findKey(deps.db, call.key);
  if (!stored) return undefined;
  checkSameCall(stored, call);
  const [row] = await deps.db.select({ id: batches.id, coiId: batches.coiId, timeScale: batches.timeScale }).from(batches).where(eq(batches.id, stored.batchId!)).limit(1);
  if (!row) return undefined;
  const outcome = await startOrLeavePending(deps, row.id);
  if (outcome === 'abandoned') {
    throw new ApiError(409, ENROLMENT_ABANDONED, `The enrolment under this Idempotency-Key (batch ${row.id}) was given up: its workflow could not be started, and the batch is cancelled. Enrol the patient again with a new key.`);
  }
  const chain = await liveChain(deps.db, row.id);
  return { batchId: row.id, coiId: row.coiId, started: outcome === 'started', chain: chain ? chainView(chain) : null, waitlisted: enrolmentClock(deps, row.timeScale) !== undefined && chain === null };
}

/** 409 to every retry of a key whose enrolment the reconciler gave up (src/api/enrolment-start.ts). */
export const ENROLMENT_ABANDONED = 'ERR_ENROLMENT_ABANDONED';

/** The stored enrolment is safe whatever this step meets: a failure to even try leaves it to the reconciler. */
async function startOrLeavePending(deps: ApiDeps, batchId: string) {
  return startEnrolled(deps, batchId).catch((err: unknown) => {
    deps.logger.error({ err, batchId }, 'could not try the workflow start of an enrolled batch; the reconciler will');
    return 'pending' as const;
  });
}
