import type { z } from 'zod';
import type { batchDetailSchema } from '../../api/schemas/batch.js';

/** A batch as `GET /v1/batches/{id}` answers it: stage, awaiting, shipments, issues, custody. */
export type BatchDetail = z.infer<typeof batchDetailSchema>;
export type Awaiting = BatchDetail['awaiting'];
export type AwaitingStep = NonNullable<Awaiting>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request; the body is the JSON the server sent, untyped: callers check `status` first. */
async function callApi(baseUrl: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
export type ApiAnswer = Awaited<ReturnType<typeof callApi>>;

/**
 * The only door live mode (and the tests that drive batches) has into V2V: its public HTTP API,
 * as any partner system would use it.
 */
export function apiClient(baseUrl: string) {
  const call = (method: string, path: string, body?: unknown) => callApi(baseUrl, method, path, body);
  return {
    baseUrl,
    call,
    async batch(id: string): Promise<BatchDetail> {
      let res = await call('GET', `/v1/batches/${id}`);
      // 504: no worker answered the status query in time (busy, or one was just killed); a real client retries.
      for (let retry = 0; res.status === 504 && retry < 5; retry++) {
        await sleep(200);
        res = await call('GET', `/v1/batches/${id}`);
      }
      if (res.status !== 200) throw new Error(`GET /v1/batches/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as BatchDetail;
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The `ERR_…` code of a refusal, if the answer is one. */
export const errorCode = (res: ApiAnswer): string | undefined => (res.status >= 400 ? res.body?.error?.code : undefined);
