import type { components, V2vApiClient } from '../api/client/index.js';

/**
 * What live mode and the journey tests read from the generated client, named once: a batch as
 * `GET /v1/batches/{id}` answers it, and the two things every partner needs beyond a plain call.
 */
export type BatchDetail = components['schemas']['BatchDetail'];
export type Awaiting = BatchDetail['awaiting'];
export type AwaitingStep = NonNullable<Awaiting>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a batch; a 504 (no worker answered the status query in time, busy or just restarted) is retried, as a real client would. */
export async function readBatch(api: V2vApiClient, id: string): Promise<BatchDetail> {
  for (let retry = 0; ; retry++) {
    const { data, error, response } = await api.GET('/v1/batches/{id}', { params: { path: { id } } });
    if (data) return data;
    if (response.status !== 504 || retry >= 5) throw new Error(`GET /v1/batches/${id} answered ${response.status}: ${JSON.stringify(error)}`);
    await sleep(200);
  }
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
