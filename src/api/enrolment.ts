import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { batches, productProfiles, sites } from '../db/schema/index.js';
import type { EnrolCommand } from '../domain/commands.js';
import { generateCoiId } from '../domain/coi.js';
import { productProfileSchema, type ProductProfile } from '../domain/profile.js';
import type { SiteKind } from '../domain/stages.js';
import { TASK_QUEUE, batchWorkflowId, type BatchInput } from '../../workflows/messages.js';
import type { ApiDeps } from './deps.js';
import { unprocessableField } from './errors.js';

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

export async function enrolBatch(deps: ApiDeps, command: EnrolCommand): Promise<{ batchId: string; coiId: string }> {
  const profile = await loadProfile(deps, command.productId);
  const siteIds = await resolveSites(deps, command);
  const coiId = generateCoiId((deps.randomBytes ?? nodeRandomBytes)(COI_RANDOM_BYTES));

  // patientRef stays in this row: the workflow input, its history, Kafka and the logs never see it.
  const [row] = await deps.db
    .insert(batches)
    .values({ coiId, patientRef: command.patientRef, productId: command.productId, ...siteIds, timeScale: deps.config.V2V_TIME_SCALE })
    .returning({ id: batches.id });
  const batchId = row!.id;

  const input: BatchInput = { batchId, coiId, productId: command.productId, profile, ...siteIds, timeScale: deps.config.V2V_TIME_SCALE };
  try {
    await deps.temporal.workflow.start('batchWorkflow', { workflowId: batchWorkflowId(batchId), taskQueue: TASK_QUEUE, args: [input] });
  } catch (err) {
    // No workflow, no batch: a row nobody drives would sit on the board as ORDERED forever.
    await deps.db.delete(batches).where(eq(batches.id, batchId)).catch((cleanup: unknown) => {
      deps.logger.error({ err: cleanup, batchId }, 'could not remove the batch row after its workflow failed to start');
    });
    throw err;
  }
  deps.logger.info({ batchId, coiId, productId: command.productId }, 'batch enrolled');
  return { batchId, coiId };
}
