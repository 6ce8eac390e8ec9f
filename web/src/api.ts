import { createApiClient, type components, type paths } from '../../src/api/client/index';

/**
 * The dashboard's one door to the API: the generated client, on this page's origin (the API serves
 * the dashboard; Vite's dev server proxies /v1), with the session's bearer token on every call.
 * Every type below is derived from the generated schema, never written by hand.
 */
export type Schemas = components['schemas'];
type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export type BatchSummary = Schemas['BatchSummary'];
export type BatchStatus = Json<'/v1/batches/{id}', 'get'>;
export type Forecast = NonNullable<BatchStatus['forecast']>;
export type Sites = Json<'/v1/sites', 'get'>['sites'];
export type Products = Json<'/v1/products', 'get'>['products'];
export type Stage = BatchSummary['stage'];
export type Telemetry = Schemas['Telemetry'];
export type QaQueue = Schemas['QaQueue'];
type Body<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;
export type DispositionBody = Body<'/v1/batches/{id}/qa-disposition'>;
export type AssessmentBody = Body<'/v1/batches/{id}/excursions/{excursionId}/assessment'>;

/** Fired when the API refuses the token (expired, revoked key): the shell signs out and says why. */
export const UNAUTHENTICATED_EVENT = 'v2v:unauthenticated';

export function apiFor(token: string) {
  const client = createApiClient({ baseUrl: window.location.origin, token });
  client.use({
    async onResponse({ response }) {
      if (response.status === 401) {
        const body: unknown = await response.clone().json().catch(() => undefined);
        window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT, { detail: errorMessage(body, 401) }));
      }
      return response;
    },
  });
  return client;
}
export type Api = ReturnType<typeof apiFor>;

/** The API's error envelope, as a sentence to show; the message is the API's own. */
export function errorMessage(error: unknown, status?: number): string {
  if (error && typeof error === 'object' && 'error' in error) {
    const inner = (error as { error?: { message?: unknown; details?: { path?: unknown; message?: unknown }[] } }).error;
    const details = (inner?.details ?? []).map((d) => `${String(d.path ?? '')}: ${String(d.message ?? '')}`).join('; ');
    if (typeof inner?.message === 'string') return details ? `${inner.message} (${details})` : inner.message;
  }
  if (status === 404) return 'not available on this server';
  return status ? `request failed (${status})` : 'request failed';
}
