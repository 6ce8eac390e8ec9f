import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { verifyCustodyChains } from '../../db/audit.js';
import { custodyEvents } from '../../db/schema/index.js';
import { requireBatch } from '../batch-workflow.js';
import { textsOfRecords } from '../command-texts.js';
import type { RouteOptions } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { batchIdParams } from '../schemas/batch.js';
import { custodyChainSchema } from '../schemas/custody.js';

/** A batch's chain of custody with its verification, the same check `v2v audit verify` runs. */
const custodyRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get(
    '/v1/batches/:id/custody',
    {
      schema: {
        tags: ['batches'],
        summary: "A batch's custody records and whether the hash chain holds (else the first broken link)",
        params: batchIdParams,
        response: { 200: custodyChainSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const batchId = request.params.id;
      // The access check has already refused a batch outside the caller's sites (route-access.ts: 'batch').
      await requireBatch(deps, batchId);
      const [rows, audit] = await Promise.all([
        deps.db.select().from(custodyEvents).where(eq(custodyEvents.batchId, batchId)).orderBy(asc(custodyEvents.seq), asc(custodyEvents.id)),
        verifyCustodyChains(deps.pool, batchId),
      ]);
      const broken = audit.breaks[0];
      const texts = await textsOfRecords(deps, batchId, rows);
      return {
        batchId,
        records: rows.map((r, i) => ({
          seq: r.seq, kind: r.kind, step: r.step, actor: { name: r.actorName, role: r.actorRole }, location: r.location, meaning: r.meaning,
          data: r.data, occurredAt: r.occurredAt.toISOString(), recordedAt: r.recordedAt.toISOString(), prevHash: r.prevHash, hash: r.hash,
          ...(texts[i] ? { texts: texts[i] } : {}),
        })),
        verification: broken
          ? { verified: false as const, brokenAt: { seq: broken.seq, recordId: broken.recordId, problem: broken.problem } }
          : { verified: true as const },
      };
    },
  );
};

export default custodyRoutes;
