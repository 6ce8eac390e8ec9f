import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bookingSchema } from '../../domain/commands.js';
import { bookingUpdate, cancelBookingUpdate } from '../../../workflows/messages.js';
import { updateBatch } from '../batch-workflow.js';
import type { RouteOptions } from '../deps.js';
import { commandErrors, errorBodySchema } from '../errors.js';
import { infusionSlots } from '../infusion-slots.js';
import { batchIdParams, bookingResultSchema, idempotencyHeaders, stageResultSchema } from '../schemas/batch.js';
import { slotsParams, slotsQuery, slotsResultSchema } from '../schemas/reference.js';

/**
 * The hospital scheduler's view: free and booked chairs, and booking or cancelling a batch's
 * infusion. Bookings are Updates: the workflow checks the product's LD rule and the window before
 * a chair is taken, and the caller learns at once if it was.
 */

const bookings: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/sites/:siteId/infusion-slots',
    {
      schema: {
        tags: ['bookings'],
        summary: "A treatment centre's chairs and bookings, and a batch's allowed infusion window",
        params: slotsParams,
        querystring: slotsQuery,
        response: { 200: slotsResultSchema, 400: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request) => infusionSlots(deps, { siteId: request.params.siteId, ...request.query }),
  );

  app.post(
    '/v1/batches/:id/infusion-booking',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Book (or move) the infusion; the LD days follow from the product rule',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: bookingSchema,
        response: { 200: bookingResultSchema, ...commandErrors },
      },
    },
    async (request) => updateBatch(deps, request.params.id, bookingUpdate, [request.body], request.headers['idempotency-key']),
  );

  app.delete(
    '/v1/batches/:id/infusion-booking',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Cancel the infusion booking and free its chair',
        params: batchIdParams,
        headers: idempotencyHeaders,
        response: { 200: stageResultSchema, ...commandErrors },
      },
    },
    async (request) => updateBatch(deps, request.params.id, cancelBookingUpdate, [], request.headers['idempotency-key']),
  );
};

export default bookings;
