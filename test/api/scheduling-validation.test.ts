import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES } from '../../src/domain/planning/policies.js';
import { BATCH_ID, offlineApp } from './offline-app.js';
import { userOf } from './tokens.js';

const { app, temporal, identities, close } = offlineApp();
afterAll(close);

const firstCome = BUILT_IN_POLICIES[0]!;
const exception = { resource: 'line', line: 'line-1', fromDay: '2026-02-01', toDay: '2026-02-07', capacity: 0, reason: 'requalification' };
const urgency = { tier: 'urgent', justification: 'rapid progression', signingPassword: 'not echoed anywhere' };

// The scheduling routes' free text and numbers, as a careless or hostile client sends them: each is
// refused at the edge (no database behind this app) with 400, the field's path and the rule.
describe("the scheduling routes refuse hostile input at the edge, naming the field and the rule", () => {
  it.each([
    ['capacity exception reason with a NUL', 'coordinator', '/v1/sites/site-1/capacity-exceptions', { ...exception, reason: 'line\u0000down' }, ['reason'], 'NUL character'],
    ['capacity exception reason past its limit', 'coordinator', '/v1/sites/site-1/capacity-exceptions', { ...exception, reason: 'x'.repeat(2001) }, ['reason'], 'at most 2000 characters'],
    ['capacity exception capacity past its limit', 'coordinator', '/v1/sites/site-1/capacity-exceptions', { ...exception, capacity: 1e12 }, ['capacity'], '1000'],
    ['capacity exception with an unknown field', 'coordinator', '/v1/sites/site-1/capacity-exceptions', { ...exception, setBy: 'someone else' }, [], 'setBy'],
    ['urgency justification with a lone surrogate', 'scheduler', `/v1/batches/${BATCH_ID}/urgency`, { ...urgency, justification: 'fast \uD800 decline' }, ['justification'], 'lone UTF-16 surrogate'],
    ['urgency justification past its limit', 'scheduler', `/v1/batches/${BATCH_ID}/urgency`, { ...urgency, justification: 'x'.repeat(2001) }, ['justification'], 'at most 2000 characters'],
    ['urgency meaning with a control character', 'scheduler', `/v1/batches/${BATCH_ID}/urgency`, { ...urgency, meaning: 'signed\u0007' }, ['meaning'], 'control characters'],
    ['policy id past its limit', 'coordinator', '/v1/allocation-policies', { ...firstCome, id: 'a'.repeat(65) }, ['id'], '64'],
    ['policy weight that would overflow', 'coordinator', '/v1/allocation-policies', { ...firstCome, urgencyWeights: { ...firstCome.urgencyWeights, critical: 1e308 } }, ['urgencyWeights', 'critical'], '1000'],
    ['policy ageing that would overflow', 'coordinator', '/v1/allocation-policies', { ...firstCome, ageingPerWeek: 1e300 }, ['ageingPerWeek'], '1000'],
    ['proposed collection day that is no date', 'coordinator', `/v1/batches/${BATCH_ID}/milestones`, { milestone: 'collection-rescheduled', at: '2026-02-01T10:00:00Z', data: { proposedDay: '2026-02-30' } }, ['data', 'proposedDay'], 'calendar date'],
    ['proposed collection day with a NUL', 'coordinator', `/v1/batches/${BATCH_ID}/milestones`, { milestone: 'collection-rescheduled', at: '2026-02-01T10:00:00Z', data: { proposedDay: '2026-02-03\u0000' } }, ['data', 'proposedDay'], 'NUL character'],
  ] as const)('%s', async (_case, role, url, payload, path, rule) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: { ...(await identities.bearer(userOf(role, ['site-1']))), 'idempotency-key': 'k-0001' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('ERR_VALIDATION');
    expect(error.details).toContainEqual(expect.objectContaining({ in: 'body', path, message: expect.stringContaining(rule) }));
    expect(res.body).not.toContain('not echoed anywhere');
    expect(temporal.calls).toEqual([]);
  });
});
