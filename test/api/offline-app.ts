import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { recordingTemporal } from './recording-temporal.js';
import { testIdentities, withDefaultIdentity } from './tokens.js';

/**
 * The API with no server behind it: the database URL points at a closed port (nothing connects
 * until a query runs) and Temporal is the recording stand-in. Enough for everything the edge
 * decides on its own: validation, errors, health, metrics, the OpenAPI document.
 */
/** The operator's scrape token of the offline app. */
export const METRICS_TOKEN = 'metrics-token-of-the-offline-app-0123456789';

export function offlineApp() {
  const temporal = recordingTemporal();
  const { db, pool } = createDatabase('postgres://nobody@127.0.0.1:1/none', { max: 1 });
  const identities = testIdentities();
  const app = withDefaultIdentity(
    buildApp({
      temporal: temporal.client,
      db,
      pool,
      config: loadConfig({ V2V_METRICS_TOKEN: METRICS_TOKEN }),
      logger: pino({ level: 'silent' }),
      queryTimeoutMs: 500,
      verifyToken: identities.verifyToken,
    }),
    identities,
  );
  return { app, temporal, identities, close: async () => { await app.close(); await pool.end(); } };
}

export const BATCH_ID = '0b6f6c1e-2f0a-4f57-9d3e-6a1e1c0a9b01';

export const validHandoff = {
  step: 'collection',
  coiId: 'COI-0000-0000-0000-0',
  din: 'W123426000123',
  actor: { name: 'A. Nurse', role: 'apheresis nurse' },
  location: 'city-hospital-apheresis',
};
