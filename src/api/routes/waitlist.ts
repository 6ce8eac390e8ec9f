import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { allocationPolicySchema } from '../../domain/planning/policy.js';
import { installationCapacity } from '../../planning/waitlist/database-capacity.js';
import { activatePolicy, addPolicyVersion, listPolicies } from '../../planning/waitlist/policy-store.js';
import { signUrgency } from '../../planning/waitlist/urgency.js';
import { batchWaitlist } from '../../planning/waitlist/waitlist-view.js';
import type { Principal } from '../auth/principal.js';
import { signerOf } from '../auth/signatures.js';
import { requireBatch } from '../batch-workflow.js';
import type { RouteOptions } from '../deps.js';
import { ApiError, accessErrors, commandErrors, errorBodySchema, notFound } from '../errors.js';
import { policyView, visibleWaitlist } from '../scheduling/waitlist-view.js';
import { batchIdParams, idempotencyHeaders } from '../schemas/batch.js';
import { batchWaitlistSchema, policyIdParams, policyListSchema, storedPolicySchema, urgencyAssessmentSchema, urgencyRequestSchema, waitlistQuery, waitlistSchema } from '../schemas/waitlist.js';

/**
 * The waitlist (issue 18 item 3): allocation policies as versioned configuration, the treating
 * physician's signed urgency tier, and the list itself with each entry's place and why. The
 * physician is the `scheduler` role (the hospital's clinical user) until a physician role exists.
 */
const callerOf = (request: { principal?: Principal }) => request.principal!;

const waitlistRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.get('/v1/allocation-policies', {
    schema: { tags: ['waitlist'], summary: 'Every version of every allocation policy, and which one is in force', response: { 200: policyListSchema, ...accessErrors } },
  }, async () => ({ policies: (await listPolicies(deps.db)).map(policyView) }));

  app.post('/v1/allocation-policies', {
    schema: {
      tags: ['waitlist'], summary: 'Add a policy version (a new row; published versions are never edited); it is not in force until activated',
      body: allocationPolicySchema, response: { 201: storedPolicySchema, 400: errorBodySchema, 409: errorBodySchema, ...accessErrors },
    },
  }, async (request, reply) => {
    const added = await addPolicyVersion(deps.db, request.body, callerOf(request).subject);
    if ('problem' in added) {
      const message = `Policy "${request.body.id}" already has version ${request.body.version}: a published version is never changed; add version ${request.body.version + 1} or later.`;
      throw new ApiError(409, 'ERR_POLICY_VERSION_TAKEN', message, [{ in: 'body', path: ['version'], code: 'version_taken', message }]);
    }
    return reply.status(201).send(policyView(added));
  });

  app.post('/v1/allocation-policies/:id/activate', {
    schema: {
      tags: ['waitlist'], summary: 'Put this policy version in force (the one in force until now is taken out, in one transaction)',
      params: policyIdParams, response: { 200: storedPolicySchema, 404: errorBodySchema, 409: errorBodySchema, ...accessErrors },
    },
  }, async (request) => {
    const result = await activatePolicy(deps.db, request.params.id);
    if (!('problem' in result)) {
      deps.logger.info({ policyRowId: result.rowId, policyId: result.policy.id, version: result.policy.version, by: callerOf(request).subject }, 'allocation policy activated');
      return policyView(result);
    }
    if (result.problem === 'not-found') throw notFound(`No allocation policy version ${request.params.id}.`);
    throw new ApiError(409, 'ERR_POLICY_ACTIVATION_RACED', 'Another activation was committed at the same moment; read the policies again and retry if this one should still be in force.');
  });

  app.post('/v1/batches/:id/urgency', {
    schema: {
      tags: ['waitlist'], summary: "The treating physician's urgency tier for the batch, with a signed justification (electronic signature)",
      params: batchIdParams, headers: idempotencyHeaders, body: urgencyRequestSchema, response: { 201: urgencyAssessmentSchema, ...commandErrors },
    },
  }, async (request, reply) => {
    // The access table has already held the scheduler to the batch's treatment centre; the password is checked next and goes no further.
    const { signingPassword, ...assessment } = request.body;
    await requireBatch(deps, request.params.id);
    const signer = await signerOf(deps, callerOf(request), signingPassword);
    const signed = await signUrgency(deps.db, {
      batchId: request.params.id, ...assessment, signer: { ...signer, userId: signer.userId! }, retryKey: request.headers['idempotency-key'],
    });
    return reply.status(201).send(signed);
  });

  app.get('/v1/waitlist', {
    schema: {
      tags: ['waitlist'], summary: 'The waitlist in allocation order: position, weight, the rule that placed each entry, wait, tier and expected collection day',
      querystring: waitlistQuery, response: { 200: waitlistSchema, ...accessErrors },
    },
  }, async (request) => visibleWaitlist(deps, callerOf(request), request.query.treatmentCenterId, new Date()));

  app.get('/v1/batches/:id/waitlist', {
    schema: {
      tags: ['waitlist'], summary: "The batch's place on the waitlist and its expected collection day, as a forecast band",
      params: batchIdParams, response: { 200: batchWaitlistSchema, 404: errorBodySchema, ...accessErrors },
    },
  }, async (request) => {
    await requireBatch(deps, request.params.id);
    const place = await batchWaitlist(deps.db, installationCapacity(deps.config), request.params.id, new Date());
    if (!place) throw notFound(`Batch ${request.params.id} has never been on the waitlist.`);
    return place;
  });
};

export default waitlistRoutes;
