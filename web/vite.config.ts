import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dashboard is served by `v2v api` from web/dist at `/`; in development Vite serves it and
// forwards /v1 (SSE included) to the API on :3000, so one origin holds both as in production.
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: `${root}dist`, emptyOutDir: true, sourcemap: true },
  server: {
    proxy: { '/v1': { target: process.env.V2V_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
});
