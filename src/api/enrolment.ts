import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { batches, idempotencyKeys, pendingEnrolments, productProfiles, sites } from '../db/schema/index.js';
import type { EnrolCommand } from '../domain/commands.js';
import { generateCoiId } from '../domain/coi.js';
import { productProfileSchema, type ProductProfile } from '../domain/profile.js';
import type { SiteKind } from '../domain/stages.js';
import { TASK_QUEUE, batchWorkflowId, type BatchInput } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { unprocessableField } from './errors.js';
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
  const facilityId = command.facilityId ?? (await defaultFacility(deps));
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
  const coiId = generateCoiId((deps.randomBytes ?? nodeRandomBytes)(COI_RANDOM_BYTES));

  let input: BatchInput;
  try {
    input = await deps.db.transaction(async (tx) => {
      // patientRef stays in this row: the workflow input, its history, Kafka and the logs never see it.
      const [row] = await tx
        .insert(batches)
        .values({ coiId, patientRef: command.patientRef, productId: command.productId, ...siteIds, timeScale: deps.config.V2V_TIME_SCALE })
        .returning({ id: batches.id });
      const stored: BatchInput = { batchId: row!.id, coiId, productId: command.productId, profile, ...siteIds, timeScale: deps.config.V2V_TIME_SCALE };
      await tx.insert(pendingEnrolments).values({ batchId: stored.batchId, input: stored });
      if (call) {
        const claimed = await tx
          .insert(idempotencyKeys)
          .values({ key: call.key, subject: call.subject, command: call.command, batchId: stored.batchId, requestHash: requestHash(call.body) })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (claimed.length === 0) throw new KeyTakenMeanwhile();
      }
      return stored;
    });
  } catch (err) {
    // A concurrent request with the same key committed first: this one rolled back and answers as a retry.
    if (err instanceof KeyTakenMeanwhile && call) return (await replayEnrolment(deps, call))!;
    throw err;
  }
  const started = await startEnrolled(deps, input);
  deps.logger.info({ batchId: input.batchId, coiId, productId: command.productId, started }, started ? 'batch enrolled' : 'batch enrolled; its workflow will be started by the reconciler');
  return { batchId: input.batchId, coiId, started };
}

/** The first answer to a key already used for an enrolment (finishing it if it is still pending), or undefined for a new key. */
async function replayEnrolment(deps: ApiDeps, call: IdempotentCall): Promise<EnrolResult | undefined> {
  const stored = await findKey(deps.db, call.key);
  if (!stored) return undefined;
  checkSameCall(stored, call);
  const [row] = await deps.db.select({ id: batches.id, coiId: batches.coiId }).from(batches).where(eq(batches.id, stored.batchId!)).limit(1);
  if (!row) return undefined;
  const [pending] = await deps.db.select().from(pendingEnrolments).where(eq(pendingEnrolments.batchId, row.id)).limit(1);
  const started = pending ? await startEnrolled(deps, pending.input as BatchInput) : true;
  return { batchId: row.id, coiId: row.coiId, started };
}

/**
 * Starts a stored enrolment's workflow and clears its pending mark; true once the workflow is known
 * to exist. REJECT_DUPLICATE: a batch whose workflow already ran to its end is never started again.
 */
export async function startEnrolled(deps: ApiDeps, input: BatchInput): Promise<boolean> {
  const { batchId } = input;
  try {
    await deps.temporal.workflow.start('batchWorkflow', {
      workflowId: batchWorkflowId(batchId),
      taskQueue: TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      deps.logger.warn({ err, batchId }, 'could not start the workflow of an enrolled batch; it stays pending');
      await deps.db
        .update(pendingEnrolments)
        .set({ lastAttemptAt: new Date(), lastError: err instanceof Error ? err.message.slice(0, 1000) : String(err).slice(0, 1000) })
        .where(eq(pendingEnrolments.batchId, batchId))
        .catch((failed: unknown) => deps.logger.error({ err: failed, batchId }, 'could not note the failed start'));
      return false;
    }
  }
  // If this delete is lost, the reconciler starts again, is refused as a duplicate and deletes.
  await deps.db
    .delete(pendingEnrolments)
    .where(eq(pendingEnrolments.batchId, batchId))
    .catch((failed: unknown) => deps.logger.error({ err: failed, batchId }, 'could not clear the pending mark of a started enrolment'));
  return true;
}
