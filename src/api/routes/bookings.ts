import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { bookingSchema } from '../../domain/commands.js';
import { bookingUpdate, cancelBookingByUpdate } from '../../../workflows/messages.js';
import { requireBatch, updateBatch } from '../batch-workflow.js';
import type { RouteOptions } from '../deps.js';
import { commandErrors, errorBodySchema } from '../errors.js';
import { infusionSlots } from '../infusion-slots.js';
import { bookingPayload, callerActor } from '../scheduling/booking-request.js';
import { batchIdParams, idempotencyHeaders, stageResultSchema } from '../schemas/batch.js';
import { calendarBookingSchema, slotsParams, slotsQuery, slotsResultSchema } from '../schemas/reference.js';

/**
 * The hospital scheduler's view: days at the treatment centre with their free chairs and whether
 * each suits a batch, and booking, moving or cancelling a batch's infusion by calendar day. Bookings
 * are Updates: the workflow checks the product's LD rule and the window before a chair is taken,
 * the database's exclusion constraint decides who gets the last chair, and the caller learns at once.
 */

const bookings: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/sites/:siteId/infusion-slots',
    {
      schema: {
        tags: ['bookings'],
        summary: "A treatment centre's days (local dates) with free chairs, each judged for a batch, and its chairs' bookings",
        params: slotsParams,
        querystring: slotsQuery,
        response: { 200: slotsResultSchema, 400: errorBodySchema, 404: errorBodySchema, 422: errorBodySchema, 503: errorBodySchema, 504: errorBodySchema },
      },
    },
    async (request) => infusionSlots(deps, { siteId: request.params.siteId, ...request.query }),
  );

  app.post(
    '/v1/batches/:id/infusion-booking',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Book (or move) the infusion on a calendar day at the treatment centre; the LD days follow from the product rule',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: bookingSchema,
        response: { 200: calendarBookingSchema, ...commandErrors },
      },
    },
    async (request) => {
      const batch = await requireBatch(deps, request.params.id);
      const payload = await bookingPayload(deps, batch, request.body, callerActor(request.principal));
      return updateBatch(deps, batch.id, bookingUpdate, [payload], request.headers['idempotency-key']);
    },
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
    async (request) =>
      updateBatch(deps, request.params.id, cancelBookingByUpdate, [{ actor: callerActor(request.principal) }], request.headers['idempotency-key']),
  );
};

export default bookings;
