import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { politeFetch } from '../../src/live/polite-fetch.js';

// A server that refuses each path's first call with the status the path names, then answers 200.
const calls = new Map<string, number>();
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const n = (calls.get(req.url!) ?? 0) + 1;
    calls.set(req.url!, n);
    const refuse = Number(req.url!.split('/')[1]);
    res.writeHead(n === 1 ? refuse : 200, { 'retry-after': '0' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("live mode's partners retry as real clients do", () => {
  it('asks again after a 429, whatever the method: the budget refused it before anything applied', async () => {
    expect((await politeFetch(`${base}/429/post`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(calls.get('/429/post')).toBe(2);
  });

  it('reads again after a 503, but leaves a write that met one to its caller', async () => {
    expect((await politeFetch(`${base}/503/get`)).status).toBe(200);
    expect(calls.get('/503/get')).toBe(2);
    expect((await politeFetch(`${base}/503/post`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect(calls.get('/503/post')).toBe(1);
  });
});
