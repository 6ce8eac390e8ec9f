import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { milestoneFacts, type CommandTextKind } from '../../domain/command-text.js';
import { assessmentRequestSchema, cancelRequestSchema, handoffRequestSchema, milestoneRequestSchema, milestoneSchema, qaDispositionRequestSchema } from '../../domain/commands.js';
import { assessmentUpdate, cancelUpdate, handoffUpdate, milestoneNewsQuery, milestoneSignal, qaDispositionUpdate } from '../../../workflows/messages.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { requireFacilityEquipment, requireReporter } from '../auth/reporting.js';
import { signerOf } from '../auth/signatures.js';
import { queryBatch, requireBatch, signalBatch, updateBatch } from '../batch-workflow.js';
import { storeCommandText } from '../command-texts.js';
import { requireClientTime } from '../client-time.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { commandErrors } from '../errors.js';
import { batchIdParams, idempotencyHeaders, stageResultSchema } from '../schemas/batch.js';

/**
 * What people and partner systems do to a batch. Each command is a Temporal Update, so the caller
 * learns at once whether the workflow accepted it (200) or why not (409/422 with the workflow's
 * ERR code); milestones are signals (202), reported by systems that cannot act on a refusal.
 * Who acted is the token's identity (actorOf), whatever actor, signer or source a body still names,
 * and only the party the domain's table names may give each step (requireReporter, 403 otherwise).
 */
const updateResponse = { 200: stageResultSchema, ...commandErrors };

/** The authentication hook has run on every /v1 route: a handler always has its caller. */
const callerOf = (request: { principal?: Principal }) => request.principal!;
/** Keeps a caller's free text about a batch in PostgreSQL (command_texts) and answers its reference. */
const textsOf = (deps: ApiDeps, batchId: string, caller: Principal) => (kind: CommandTextKind, body: string) => storeCommandText(deps, { batchId, kind, body, createdBy: caller.subject });

const commands: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/batches/:id/handoffs',
    {
      schema: {
        tags: ['commands'],
        summary: 'Record a custody hand-off: the scanned COI id and DIN must match the batch',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: handoffRequestSchema,
        response: updateResponse,
      },
    },
    async (request) => {
      const row = await requireReporter(deps, callerOf(request), request.params.id, { kind: 'handoff', step: request.body.step });
      if (request.body.at !== undefined) await requireClientTime(deps, row, request.body.at);
      // The location stays in PostgreSQL; the workflow and the custody record carry its reference.
      const { location, ...scanned } = request.body;
      const caller = callerOf(request);
      const locationRef = await textsOf(deps, request.params.id, caller)('handoff-location', location);
      const scan = { ...scanned, locationRef, actor: actorOf(caller) };
      return updateBatch(deps, request.params.id, handoffUpdate, [scan], request.headers['idempotency-key']);
    },
  );

  app.post(
    '/v1/batches/:id/milestones',
    {
      schema: {
        tags: ['commands'],
        summary: 'Report progress from a partner system (manufacturing, courier, QC laboratory)',
        params: batchIdParams,
        body: milestoneRequestSchema,
        response: {
          202: z.object({
            batchId: z.string(),
            milestone: milestoneSchema.shape.milestone,
            duplicate: z.boolean().describe('True when the batch already has this milestone (or has ended): acknowledged, nothing recorded.'),
          }),
          ...commandErrors,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const caller = callerOf(request);
      const row = await requireReporter(deps, caller, id, { kind: 'milestone', milestone: request.body.milestone });
      await requireFacilityEquipment(deps, row, request.body.data);
      await requireClientTime(deps, row, request.body.at);
      // The reporter is the token's identity: a body's `source` (older clients) is not evidence.
      const { milestone, at, data } = request.body;
      // The workflow gets only the keys it reads (ids, days, a verdict); the partner's data stays in PostgreSQL.
      const facts = data ? milestoneFacts(data) : {};
      const reported = { milestone, at, ...(Object.keys(facts).length > 0 ? { data: facts } : {}), source: caller.name, actor: actorOf(caller) };
      // A repeat is acknowledged without a signal, so no partner can grow the batch's history.
      const news = await queryBatch(deps, id, milestoneNewsQuery, reported);
      if (news) {
        const dataRef = data ? await textsOf(deps, id, caller)('milestone-data', JSON.stringify(data)) : undefined;
        await signalBatch(deps, id, milestoneSignal, { ...reported, ...(dataRef ? { dataRef } : {}) });
      }
      return reply.status(202).header('location', `/v1/batches/${id}`).send({ batchId: id, milestone, duplicate: !news });
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
        body: qaDispositionRequestSchema,
        response: updateResponse,
      },
    },
    async (request) => {
      // The password is checked here and goes no further: the workflow gets the verified signer.
      const { signingPassword, ...decision } = request.body;
      // Who may sign is checked before the password, so a refused caller costs the signer no failed attempt.
      await requireReporter(deps, callerOf(request), request.params.id, { kind: 'signature', command: 'qa-disposition' });
      const signer = await signerOf(deps, callerOf(request), signingPassword);
      // The signer's words stay in PostgreSQL, kept once the signature is good; the workflow gets their references.
      const stored = textsOf(deps, request.params.id, callerOf(request));
      const meaningRef = await stored('qa-meaning', decision.meaning);
      const reasonRef = decision.reason === undefined ? undefined : await stored('qa-reason', decision.reason);
      const command = { decision: decision.decision, signer, meaningRef, ...(reasonRef ? { reasonRef } : {}) };
      return updateBatch(deps, request.params.id, qaDispositionUpdate, [command], request.headers['idempotency-key']);
    },
  );

  app.post(
    '/v1/batches/:id/excursions/:excursionId/assessment',
    {
      schema: {
        tags: ['commands'],
        summary: "QA's assessment of an excursion or deviation (electronic signature)",
        params: batchIdParams.extend({ excursionId: z.string().min(1).max(200) }),
        headers: idempotencyHeaders,
        body: assessmentRequestSchema,
        response: updateResponse,
      },
    },
    async (request) => {
      const { signingPassword, ...assessment } = request.body;
      await requireReporter(deps, callerOf(request), request.params.id, { kind: 'signature', command: 'excursion-assessment' });
      const signer = await signerOf(deps, callerOf(request), signingPassword);
      const meaningRef = await textsOf(deps, request.params.id, callerOf(request))('assessment-meaning', assessment.meaning);
      const command = { impact: assessment.impact, signer, meaningRef, excursionId: request.params.excursionId };
      return updateBatch(deps, request.params.id, assessmentUpdate, [command], request.headers['idempotency-key']);
    },
  );

  app.post(
    '/v1/batches/:id/cancel',
    {
      schema: {
        tags: ['commands'],
        summary: 'Withdraw the batch; slots, bookings and shipments are released',
        params: batchIdParams,
        headers: idempotencyHeaders,
        body: cancelRequestSchema,
        response: updateResponse,
      },
    },
    async (request) => {
      const { id } = request.params;
      const caller = callerOf(request);
      await requireBatch(deps, id);
      // The reason stays in PostgreSQL; the workflow and the custody record carry its reference.
      const reasonRef = await textsOf(deps, id, caller)('cancel-reason', request.body.reason);
      return updateBatch(deps, id, cancelUpdate, [{ reasonRef, actor: actorOf(caller) }], request.headers['idempotency-key']);
    },
  );
};

export default commands;
