import { and, asc, desc, eq, or, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { batches, custodyEvents } from '../../db/schema/index.js';
import { QA_REJECTED } from '../../domain/batch/index.js';
import { enrolSchema } from '../../domain/commands.js';
import type { BatchStatus } from '../../../workflows/messages.js';
import type { Principal } from '../auth/principal.js';
import { seesPatientRef, visibleBatches } from '../auth/site-scope.js';
import { queryStatus, requireBatch, type BatchRow } from '../batch-workflow.js';
import { textsOfRecords } from '../command-texts.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { enrolBatch } from '../enrolment.js';
import { latestForecasts } from '../latest-forecasts.js';
import { errorBodySchema } from '../errors.js';
import { batchDetailSchema, batchIdParams, batchListSchema, enrolResultSchema, idempotencyHeaders, listBatchesQuery } from '../schemas/batch.js';

/** Enrolment, the board of batches, and one batch's detail. */
const batchRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/batches',
    {
      schema: {
        tags: ['batches'],
        summary: 'Enrol a patient batch and start its workflow',
        headers: idempotencyHeaders,
        body: enrolSchema,
        response: { 201: enrolResultSchema, 202: enrolResultSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const enrolled = await enrolBatch(deps, request.body, key === undefined ? undefined : { key, subject: request.principal!.subject });
      // 202: stored, and its workflow will be started by the reconciler (Temporal did not answer).
      return reply.status(enrolled.started ? 201 : 202).header('location', `/v1/batches/${enrolled.batchId}`).send(enrolled);
    },
  );

  app.get(
    '/v1/batches',
    {
      schema: {
        tags: ['batches'],
        summary: 'Batches by stage and site, newest first',
        querystring: listBatchesQuery,
        response: { 200: batchListSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const { stage, site, limit, simulated } = request.query;
      const principal = request.principal!;
      const filters: SQL[] = [eq(batches.simulated, simulated)];
      // Never refused: a caller sees the batches of its own sites (all of them for admin).
      const visible = visibleBatches(principal);
      if (visible) filters.push(visible);
      if (stage) filters.push(eq(batches.stage, stage));
      if (site) filters.push(or(eq(batches.apheresisCenterId, site), eq(batches.treatmentCenterId, site), eq(batches.facilityId, site))!);
      const rows = await deps.db
        .select()
        .from(batches)
        .where(and(...filters))
        .orderBy(desc(batches.createdAt))
        .limit(limit);
      const forecastOf = await latestForecasts(deps, rows.map((row) => row.id));
      return { batches: rows.map((row) => ({ ...summary(row, principal), forecast: forecastOf.get(row.id) })) };
    },
  );

  app.get(
    '/v1/batches/:id',
    {
      schema: {
        tags: ['batches'],
        summary: "A batch's live status, what it awaits, timeline and custody chain",
        params: batchIdParams,
        response: { 200: batchDetailSchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema, 504: errorBodySchema },
      },
    },
    async (request) => detail(deps, request.params.id, request.principal!),
  );
};

/** The hospital's reference beside the COI id, for those who care for the patient only (seesPatientRef). */
const patientRefFor = (row: BatchRow, principal: Principal) => (seesPatientRef(principal, row) ? { patientRef: row.patientRef } : {});

function summary(row: BatchRow, principal: Principal) {
  return {
    batchId: row.id,
    coiId: row.coiId,
    ...patientRefFor(row, principal),
    productId: row.productId,
    stage: row.stage,
    apheresisCenterId: row.apheresisCenterId,
    treatmentCenterId: row.treatmentCenterId,
    facilityId: row.facilityId,
    din: row.din,
    timeScale: row.timeScale,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function detail(deps: ApiDeps, batchId: string, principal: Principal) {
  const row = await requireBatch(deps, batchId);
  const [live, { custody, readBack }] = await Promise.all([queryStatus(deps, batchId), custodyChain(deps, batchId)]);
  const status: BatchStatus = live ?? {
    batchId,
    coiId: row.coiId,
    productId: row.productId,
    stage: row.stage,
    attempt: 1,
    ...(row.din ? { din: row.din } : {}),
    awaiting: null,
    timeline: [],
    issues: [],
    shipments: [],
    quarantined: false,
  };
  return {
    ...status,
    timeline: readBack(status.timeline),
    ...patientRefFor(row, principal),
    apheresisCenterId: row.apheresisCenterId,
    treatmentCenterId: row.treatmentCenterId,
    facilityId: row.facilityId,
    // The enrolled clock is the batch row's, whichever source the rest of the status came from.
    timeScale: row.timeScale,
    createdAt: row.createdAt.toISOString(),
    custody,
    source: live ? ('workflow' as const) : ('database' as const),
  };
}

/**
 * The chain as the detail shows it: a hand-off's stored location where its record holds only the
 * reference; and `readBack`, which puts the stored reasons into the timeline entries the workflow
 * could only name (a cancellation, a QA rejection), as the workflow holds only their references.
 */
async function custodyChain(deps: ApiDeps, batchId: string) {
  const rows = await deps.db.select().from(custodyEvents).where(eq(custodyEvents.batchId, batchId)).orderBy(asc(custodyEvents.seq));
  const texts = await textsOfRecords(deps, batchId, rows);
  const custody = rows.map((r, i) => ({
    seq: r.seq,
    kind: r.kind,
    step: r.step,
    actor: { name: r.actorName, role: r.actorRole },
    location: r.location ?? texts[i]?.['location'] ?? null,
    meaning: r.meaning,
    occurredAt: r.occurredAt.toISOString(),
    hash: r.hash,
  }));
  const reasonsOf = (isIt: (r: (typeof rows)[number]) => boolean) => rows.flatMap((r, i) => (isIt(r) ? [texts[i]?.['reason']] : []));
  const cancelReason = reasonsOf((r) => r.kind === 'cancellation').at(-1);
  // One rejection per attempt, in order: the n-th bare failure is the n-th rejecting record's.
  const rejectReasons = reasonsOf((r) => r.kind === 'qa-disposition' && (r.data as { decision?: unknown } | null)?.decision === 'reject');
  const readBack = (timeline: BatchStatus['timeline']) => {
    let rejections = 0;
    return timeline.map((t) => {
      if (t.event === 'cancelled' && t.detail === undefined && cancelReason !== undefined) return { ...t, detail: cancelReason };
      if (t.event !== 'failed' || !t.detail?.startsWith(QA_REJECTED)) return t;
      const reason = rejectReasons[rejections++];
      return t.detail !== QA_REJECTED || reason === undefined ? t : { ...t, detail: `${QA_REJECTED}: ${reason}` };
    });
  };
  return { custody, readBack };
}

export default batchRoutes;
