import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { chainReplans } from '../scheduling/chain-replans.js';
import { chainReplanListSchema, chainReplansQuery } from '../schemas/chain-replans.js';

/** Re-plans of slot chains, with what moved: the dashboard shows them as alerts beside the waitlist. */
const chainReplanRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/chain-replans',
    {
      schema: {
        tags: ['scheduling'],
        summary: "Slot chains planned again (a proposed day, a slip, a re-collection): before, after and what moved, newest first, limited to the caller's batches",
        querystring: chainReplansQuery,
        response: { 200: chainReplanListSchema, 400: errorBodySchema },
      },
    },
    async (request) => ({ replans: await chainReplans(deps, request.principal!, request.query) }),
  );
};

export default chainReplanRoutes;
