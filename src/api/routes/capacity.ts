import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import { accessErrors, errorBodySchema } from '../errors.js';
import { idempotencyHeaders } from '../schemas/batch.js';
import { addCapacityException, listCapacityExceptions } from '../scheduling/capacity-exceptions.js';
import { facilityCapacity } from '../scheduling/capacity-view.js';
import { slotChainOffers } from '../scheduling/slot-chains.js';
import {
  capacityExceptionBody, capacityExceptionCreatedSchema, capacityExceptionListSchema, capacityViewQuery, capacityViewSchema, siteParams, slotChainListSchema, slotChainsQuery,
} from '../schemas/capacity.js';

/**
 * Capacity as data and the slot chain (issue 18): the chains a patient could be booked on, the
 * exceptions that change a site's capacity on given days, and a facility's lines × days.
 */
const capacityRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/slot-chains',
    {
      schema: {
        tags: ['scheduling'],
        summary: 'Feasible slot chains (collection day, line window, infusion window) for a patient, earliest infusion first, with forecast bands',
        querystring: slotChainsQuery,
        response: { 200: slotChainListSchema, 400: errorBodySchema, ...accessErrors, 422: errorBodySchema },
      },
    },
    async (request) => slotChainOffers(deps, request.query),
  );

  app.post(
    '/v1/sites/:siteId/capacity-exceptions',
    {
      schema: {
        tags: ['scheduling'],
        summary: "Change a site's capacity on given local days (a line down, a holiday); re-plans the booked chains it takes and says what moved",
        params: siteParams,
        headers: idempotencyHeaders,
        body: capacityExceptionBody,
        response: { 201: capacityExceptionCreatedSchema, 400: errorBodySchema, ...accessErrors, 404: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await addCapacityException(deps, request.params.siteId, request.body, request.principal!, request.headers['idempotency-key'])),
  );

  app.get(
    '/v1/sites/:siteId/capacity-exceptions',
    {
      schema: {
        tags: ['scheduling'],
        summary: "A site's capacity exceptions, by first day",
        params: siteParams,
        response: { 200: capacityExceptionListSchema, ...accessErrors, 404: errorBodySchema },
      },
    },
    async (request) => listCapacityExceptions(deps, request.params.siteId),
  );

  app.get(
    '/v1/sites/:siteId/capacity',
    {
      schema: {
        tags: ['scheduling'],
        summary: "A facility's lines × local days: reserved, reserved ahead, free, blocked by maintenance or by an exception",
        params: siteParams,
        querystring: capacityViewQuery,
        response: { 200: capacityViewSchema, 400: errorBodySchema, ...accessErrors, 404: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request) => facilityCapacity(deps, request.params.siteId, request.query),
  );
};

export default capacityRoutes;
