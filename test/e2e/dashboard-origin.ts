import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * Where the browser opens the dashboard. `v2v api` serves web/dist itself (src/api/plugins/dashboard.ts);
 * when the API under test does not (yet), this origin serves web/dist and forwards /v1 to it, so the
 * page and the API still share one origin as in production.
 */
export const WEB_DIST = path.resolve('web/dist');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

export async function apiServesDashboard(apiUrl: string): Promise<boolean> {
  const res = await fetch(`${apiUrl}/`);
  return res.ok && (res.headers.get('content-type') ?? '').startsWith('text/html') && (await res.text()).includes('id="root"');
}

export async function dashboardOrigin(apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  if (await apiServesDashboard(apiUrl)) return { url: apiUrl, close: async () => undefined };
  const api = new URL(apiUrl);
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/v1/')) {
      const forward = http.request({ host: api.hostname, port: api.port, path: url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroyed || res.writeHead(502).end());
      req.pipe(forward);
      return;
    }
    const file = path.join(WEB_DIST, url === '/' ? 'index.html' : path.normalize(url.split('?')[0]!));
    stat(file).then(
      () => {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
