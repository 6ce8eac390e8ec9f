import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { productProfiles, sites } from '../../db/schema/index.js';
import { productProfileSchema } from '../../domain/profile.js';
import type { RouteOptions } from '../deps.js';
import { accessErrors } from '../errors.js';
import { simulatedFlag } from '../schemas/batch.js';
import { productListSchema, siteListSchema } from '../schemas/reference.js';

/** Products and sites: the configuration a caller needs to enrol a batch. */
const reference: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/products',
    { schema: { tags: ['reference'], summary: 'Product profiles a batch can be enrolled into', response: { 200: productListSchema, ...accessErrors } } },
    async (request) => {
      const rows = await deps.db.select().from(productProfiles).orderBy(asc(productProfiles.id));
      const products = [];
      for (const row of rows) {
        const profile = productProfileSchema.safeParse(row.profile);
        // A stored profile that no longer parses cannot be enrolled into, so it is not offered;
        // the operator learns of it here rather than from a failed enrolment.
        if (!profile.success) {
          request.log.warn({ productId: row.id }, 'product profile does not match the schema; not listed');
          continue;
        }
        products.push({ id: row.id, name: row.name, version: row.version, profile: profile.data });
      }
      return { products };
    },
  );

  app.get(
    '/v1/sites',
    {
      schema: {
        tags: ['reference'], summary: 'Apheresis centres, manufacturing facilities and treatment centres',
        querystring: z.object({ simulated: simulatedFlag }), response: { 200: siteListSchema, ...accessErrors },
      },
    },
    async (request) => {
      const rows = await deps.db
        .select({ id: sites.id, kind: sites.kind, name: sites.name, timezone: sites.timezone })
        .from(sites)
        .where(eq(sites.simulated, request.query.simulated))
        .orderBy(asc(sites.kind), asc(sites.id));
      return { sites: rows };
    },
  );
};

export default reference;
