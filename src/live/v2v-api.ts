import type { components, V2vApiClient } from '../api/client/index.js';

/**
 * What live mode and the journey tests read from the generated client, named once: a batch as
 * `GET /v1/batches/{id}` answers it, and the two things every partner needs beyond a plain call.
 */
export type BatchDetail = components['schemas']['BatchDetail'];
export type Awaiting = BatchDetail['awaiting'];
export type AwaitingStep = NonNullable<Awaiting>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long a partner keeps asking through a passing failure: a service restarting (the Temporal
 * server, PostgreSQL, an API process behind the balancer) is back within this in every fault of
 * `npm run test:reliability`; past it the failure is real and the run says so.
 */
export const TRANSIENT_PATIENCE_MS = 120_000;

/** A status that says "not now", not "no": the gateway found no process, or one could not reach its services. */
export const isTransientStatus = (status: number) => status === 502 || status === 503 || status === 504 || status === 500;

/** fetch rejects (it never resolves) when the connection is refused or cut mid-request. */
export const isNetworkError = (err: unknown) => err instanceof TypeError;

/**
 * Sends a request that is safe to repeat (a read, or a write with an Idempotency-Key) until it gets
 * an answer that is not a passing failure, for at most TRANSIENT_PATIENCE_MS.
 */
export async function untilAnswered<A extends Answer>(send: () => Promise<A>): Promise<A> {
  const giveUpAt = Date.now() + TRANSIENT_PATIENCE_MS;
  for (;;) {
    const answer = await send().catch((err: unknown) => {
      if (isNetworkError(err) && Date.now() < giveUpAt) return undefined;
      throw err;
    });
    if (answer && (!isTransientStatus(answer.response.status) || Date.now() >= giveUpAt)) return answer;
    await sleep(250);
  }
}

/**
 * Reads a batch. A passing failure (a 5xx from a process whose Temporal or database is restarting,
 * a connection refused or cut while an API process restarts) is retried, as a real client would;
 * a read changes nothing, so asking again is always harmless.
 */
export async function readBatch(api: V2vApiClient, id: string): Promise<BatchDetail> {
  return expectOk(`GET /v1/batches/${id}`, await untilAnswered(() => api.GET('/v1/batches/{id}', { params: { path: { id } } })));
}

/** An answer of the generated client: its parsed error body when the status is not 2xx. */
export interface Answer {
  error?: unknown;
  response: Response;
}

/** The `ERR_…` code of a refusal, if the answer is one. */
export function refusalCode(answer: Answer): string | undefined {
  if (answer.response.status < 400) return undefined;
  const code = (answer.error as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The answer's data when the call succeeded; otherwise an error naming what was asked and what came back. */
export function expectOk<T>(what: string, answer: Answer & { data?: T }): T {
  if (answer.response.ok && answer.data !== undefined) return answer.data;
  throw new Error(`${what} answered ${answer.response.status}: ${JSON.stringify(answer.error)}`);
}
