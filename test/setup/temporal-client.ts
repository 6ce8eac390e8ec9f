import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import { stackConfig } from './services.js';

/** A client of the stack's Temporal for one test file: connected before its tests, closed after. */
export function useTemporalClient() {
  const config = stackConfig();
  const ctx = {} as { connection: Connection; client: Client };
  beforeAll(async () => {
    ctx.connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
    ctx.client = new Client({ connection: ctx.connection, namespace: config.TEMPORAL_NAMESPACE });
  });
  afterAll(() => ctx.connection?.close());
  return ctx;
}
