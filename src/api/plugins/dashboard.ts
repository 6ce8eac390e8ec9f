import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, API_ERR, notFound } from '../errors.js';

/** Where `npm run web:build` writes the dashboard. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Vite names built assets by content hash, so a cached copy is never stale: cache them for a year. */
const HASHED_ASSETS = /[\\/]assets[\\/]/;
const ONE_YEAR = 'public, max-age=31536000, immutable';
/** index.html names the current hashes: always revalidated, so a new build shows on the next load. */
const REVALIDATE = 'no-cache';

/** Paths that belong to the API even when nothing answers them: a JSON 404, never the dashboard. */
const isApiPath = (url: string) => /^\/(v1|auth|docs|openapi\.json|metrics|healthz|readyz)(\/|\?|$)/.test(url);

/**
 * The dashboard (a single-page app) served by the API itself, and compression (br, gzip) for every
 * response. Registered before the routes, unencapsulated, so compression applies to all of them; the
 * event stream is not compressed (it writes to the raw response, past the hooks that would).
 */
export function dashboardPlugin(dist: string = DASHBOARD_DIST): FastifyPluginAsync {
  return fp(
    async (app) => {
      await app.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });

      if (!existsSync(join(dist, 'index.html'))) {
        app.get('/', { schema: { hide: true } }, async () => {
          throw new ApiError(503, API_ERR.UNAVAILABLE, `The dashboard is not built (no ${join(dist, 'index.html')}): run \`npm run web:build\`, then restart the API.`);
        });
        return;
      }

      await app.register(fastifyStatic, {
        root: dist,
        // Files as built, each its own route; anything else falls through to the SPA route below.
        wildcard: false,
        cacheControl: false,
        setHeaders: (response, path) => response.setHeader('cache-control', HASHED_ASSETS.test(path) ? ONE_YEAR : REVALIDATE),
      });
      // The dashboard's own routes (/batches/…) are the browser's: any other GET that is not the API gets index.html.
      app.get('/*', { schema: { hide: true } }, async (request, reply) => {
        if (isApiPath(request.url)) throw notFound(`No route GET ${request.url.split('?')[0]}.`);
        return reply.header('cache-control', REVALIDATE).sendFile('index.html');
      });
    },
    { name: 'v2v-dashboard' },
  );
}

export default dashboardPlugin();
