import { build } from 'vite';

/**
 * The browser tests drive the dashboard `v2v api` serves from web/dist: build it from the sources
 * under test first (a second or two), so `npm test` on a fresh clone needs no separate step and a
 * stale build never stands in for changed code.
 */
export default async function setup() {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
}
