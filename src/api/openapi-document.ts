import { Client } from '@temporalio/client';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { buildApp } from './app.js';
import { unauthenticated } from './errors.js';

/**
 * The OpenAPI document without any service behind the app: nothing connects until a request runs,
 * and none does. The source of the generated client (src/api/client/) and its drift test.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const { db, pool } = createDatabase('postgres://nobody@127.0.0.1:1/none', { max: 1 });
  const app = buildApp({ temporal: new Client(), db, pool, config: loadConfig({}), logger: pino({ level: 'silent' }),
    // No request is made, so no token is ever checked.
    verifyToken: async () => {
      throw unauthenticated('The OpenAPI document is built without a key set.');
    },
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}
