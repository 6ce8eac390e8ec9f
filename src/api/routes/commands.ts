import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assessmentSchema, cancelSchema, handoffSchema, milestoneSchema, qaDispositionSchema } from '../../domain/commands.js';
import { assessmentUpdate, cancelUpdate, handoffUpdate, milestoneSignal, qaDispositionUpdate } from '../../../workflows/messages.js';
import { signalBatch, updateBatch } from '../batch-workflow.js';
import type { RouteOptions } from '../deps.js';
import { commandErrors } from '../errors.js';
import { batchIdParams, idempotencyHeaders, stageResultSchema } from '../schemas/batch.js';

/**
 * What people and partner systems do to a batch. Each command is a Temporal Update, so the caller
 * learns at once whether the workflow accepted it (200) or why not (409/422 with the workflow's
 * ERR code); milestones are signals (202), reported by systems that cannot act on a refusal.
 */
const updateResponse = { 200: stageResultSchema, ...commandErrors };

const commands: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/batches/:id/handoffs',
    {
      schema: {
        tags: ['commands'],
        summary: 'Record a custody hand-off: the scanned COI id and DIN must match the batch',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: handoffSchema,
        response: updateResponse,
      },
    },
    async (request) => updateBatch(deps, request.params.id, handoffUpdate, [request.body], request.headers['idempotency-key']),
  );

  app.post(
    '/v1/batches/:id/milestones',
    {
      schema: {
        tags: ['commands'],
        summary: 'Report progress from a partner system (manufacturing, courier, QC laboratory)',
        params: batchIdParams,
        body: milestoneSchema,
        response: { 202: z.object({ batchId: z.string(), milestone: milestoneSchema.shape.milestone }), ...commandErrors },
      },
    },
    async (request, reply) => {
      await signalBatch(deps, request.params.id, milestoneSignal, request.body);
      return reply
        .status(202)
        .header('location', `/v1/batches/${request.params.id}`)
        .send({ batchId: request.params.id, milestone: request.body.milestone });
    },
  );

  app.post(
    '/v1/batches/:id/qa-disposition',
    {
      schema: {
        tags: ['commands'],
        summary: 'Release, reject or conditionally release the batch (electronic signature)',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: qaDispositionSchema,
        response: updateResponse,
      },
    },
    async (request) => updateBatch(deps, request.params.id, qaDispositionUpdate, [request.body], request.headers['idempotency-key']),
  );

  app.post(
    '/v1/batches/:id/excursions/:excursionId/assessment',
    {
      schema: {
        tags: ['commands'],
        summary: "QA's assessment of an excursion or deviation (electronic signature)",
        params: batchIdParams.extend({ excursionId: z.string().min(1).max(200) }),
        headers: idempotencyHeaders,
        body: assessmentSchema,
        response: updateResponse,
      },
    },
    async (request) =>
      updateBatch(
        deps,
        request.params.id,
        assessmentUpdate,
        [{ ...request.body, excursionId: request.params.excursionId }],
        request.headers['idempotency-key'],
      ),
  );

  app.post(
    '/v1/batches/:id/cancel',
    {
      schema: {
        tags: ['commands'],
        summary: 'Withdraw the batch; slots, bookings and shipments are released',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: cancelSchema,
        response: updateResponse,
      },
    },
    async (request) => updateBatch(deps, request.params.id, cancelUpdate, [request.body], request.headers['idempotency-key']),
  );
};

export default commands;
