import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import errorHandler from '../../src/api/plugins/error-handler.js';
import { dashboardPlugin } from '../../src/api/plugins/dashboard.js';

const INDEX = '<!doctype html><html><body><div id="root"></div><script src="/assets/index-abc123.js"></script></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

function builtDist() {
  const dir = mkdtempSync(join(tmpdir(), 'v2v-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
  return dir;
}

/** An app with the plugin in front of a stand-in API route, as buildApp registers it before the routes. */
async function appServing(dist: string) {
  const app = Fastify();
  await app.register(errorHandler);
  await app.register(dashboardPlugin(dist));
  app.get('/v1/things', async () => ({ things: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `thing ${i}` })) }));
  await app.ready();
  return app;
}

describe('the dashboard plugin', async () => {
  const app = await appServing(builtDist());
  const bare = await appServing(mkdtempSync(join(tmpdir(), 'v2v-nodist-')));
  afterAll(async () => Promise.all([app.close(), bare.close()]));

  it('serves index.html at / without caching, and hashed assets cached for a year', async () => {
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toBe(INDEX);
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it("answers the dashboard's own paths with index.html, and unknown API paths with a JSON 404", async () => {
    const deep = await app.inject({ method: 'GET', url: '/batches/3f1c?tab=custody' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toContain('text/html');
    expect(deep.headers['cache-control']).toBe('no-cache');
    expect(deep.body).toBe(INDEX);
    const api = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: expect.any(String) } });
  });

  it('compresses assets and API responses with brotli or gzip, as the client accepts', async () => {
    const br = await app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    const gzip = await app.inject({ method: 'GET', url: '/v1/things', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.rawPayload).toString()).things).toHaveLength(200);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('npm run web:build');
  });
});
