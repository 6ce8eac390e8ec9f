import Fastify from 'fastify';
import { ApplicationFailure, ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { DrizzleQueryError } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import errorHandler from '../../src/api/plugins/error-handler.js';
import { apiErrorFromTemporal } from '../../src/api/workflow-errors.js';
import { ERR } from '../../src/domain/errors.js';

const updateFailed = (type: string, message: string, ...details: unknown[]) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message, nonRetryable: true, details }));

/** The error handler alone, in front of one route that throws whatever the test hands it. */
const logLines: string[] = [];
const app = Fastify({ loggerInstance: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }) });
let toThrow: unknown;
app.register(errorHandler);
app.register(async (child) => {
  child.get('/boom', async () => {
    throw toThrow;
  });
});
afterAll(() => app.close());

async function answerTo(err: unknown) {
  toThrow = err;
  const res = await app.inject({ method: 'GET', url: '/boom' });
  return { status: res.statusCode, body: res.json(), raw: res.body };
}

describe('workflow failures reach the caller as HTTP errors', () => {
  it('maps a COI mismatch raised by the handoff update to 409 with its code and message', async () => {
    const { status, body } = await answerTo(updateFailed(ERR.COI_MISMATCH, 'The scanned COI id does not belong to this batch.'));
    expect(status).toBe(409);
    expect(body).toEqual({ error: { code: 'ERR_COI_MISMATCH', message: 'The scanned COI id does not belong to this batch.' } });
  });

  it('keeps the failure details (what the batch expected) away from the caller', async () => {
    const { raw } = await answerTo(updateFailed(ERR.COI_MISMATCH, 'mismatch', { expected: 'COI-SECR-ET00-0000-1' }));
    expect(raw).not.toContain('COI-SECR');
  });

  it('maps a booking outside the product window to 422 and an unknown excursion to 404', async () => {
    expect((await answerTo(updateFailed(ERR.BOOKING_OUTSIDE_WINDOW, 'too late'))).status).toBe(422);
    expect((await answerTo(updateFailed(ERR.UNKNOWN_ISSUE, 'no such excursion'))).status).toBe(404);
  });

  it('maps every ERR type the workflow may raise to a 4xx', () => {
    for (const type of Object.values(ERR)) {
      const mapped = apiErrorFromTemporal(updateFailed(type, 'x'));
      expect(mapped?.statusCode, type).toBeGreaterThanOrEqual(400);
      expect(mapped?.statusCode, type).toBeLessThan(500);
    }
  });

  it('treats a closed workflow as an ended batch and a slow one as a 504 that invites a retry', async () => {
    expect((await answerTo(new WorkflowNotFoundError('gone', 'batch:x', undefined))).body.error.code).toBe('ERR_ENDED');
    const slow = await answerTo(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'));
    expect(slow.status).toBe(504);
    expect(slow.body.error.code).toBe('ERR_TIMEOUT');
  });

  it('tells a Temporal that does not answer (503) from a batch whose worker does not (504)', async () => {
    const grpc = (code: number) => Object.assign(new Error(`${code} grpc`), { code, details: 'grpc', metadata: {} });
    expect((await answerTo(new ServiceError('Failed to query Workflow', { cause: grpc(14) }))).body.error.code).toBe('ERR_UNAVAILABLE');
    const late = await answerTo(new ServiceError('Failed to query Workflow', { cause: grpc(4) }));
    expect(late.status).toBe(504);
    expect(late.body.error.message).toMatch(/worker/);
  });

  it('hides the message of an unexpected failure type or any other 5xx', async () => {
    const unknownType = await answerTo(updateFailed('SomethingElse', 'internal detail'));
    expect(unknownType.status).toBe(500);
    expect(unknownType.raw).not.toContain('internal detail');
    const crash = await answerTo(new Error('relation "batches" does not exist'));
    expect(crash.status).toBe(500);
    expect(crash.body.error.code).toBe('ERR_INTERNAL');
    expect(crash.raw).not.toContain('relation');
  });

  it('keeps query parameters (an enrolment patientRef) out of the log when a query fails', async () => {
    const failure = Object.assign(new Error('null value in column "coi_id" violates not-null constraint'), {
      code: '23502',
      table: 'batches',
      detail: 'Failing row contains (…, HOSPITAL-REF-0042, …).',
    });
    const crash = await answerTo(new DrizzleQueryError('insert into "batches" … values ($1, $2)', ['COI-X', 'HOSPITAL-REF-0042'], failure));
    expect(crash.status).toBe(500);
    const logged = logLines.join('');
    expect(logged).toContain('23502');
    expect(logged).not.toContain('HOSPITAL-REF-0042');
  });
});
