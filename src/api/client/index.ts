import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, paths } from './schema.js';

export interface ApiClientOptions {
  baseUrl: string;
  /** A bearer token (`v2v token`, `v2v users add`); each call carries it. */
  token?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

/**
 * The one client of the V2V API, typed from the generated schema: live mode's partners, tests,
 * benchmarks and the dashboard all call the API through it, so a changed route breaks them at compile
 * time rather than at run time.
 */
export function createApiClient(options: ApiClientOptions) {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const bearer: Middleware = {
    onRequest({ request }) {
      const token = typeof options.token === 'function' ? options.token() : options.token;
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}

export type V2vApiClient = ReturnType<typeof createApiClient>;
