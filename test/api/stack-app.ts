import { afterAll, beforeAll, beforeEach } from 'vitest';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createDatabase } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { productProfiles, sites } from '../../src/db/schema/index.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import type { Config } from '../../src/config.js';
import { stackConfig, unique } from '../setup/services.js';
import { recordingTemporal } from './recording-temporal.js';
import { testIdentities, withDefaultIdentity } from './tokens.js';

/**
 * The API on the stack's real PostgreSQL, with Temporal replaced by the recording stand-in (the
 * real worker's journey is the end-to-end test's job). Each file gets its own product and sites
 * under fresh ids, so files never see each other's rows. Tokens are signed by the file's own key set.
 */
export function stackApp(overrides: Partial<Config> = {}) {
  const config = { ...stackConfig(), ...overrides };
  const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
  const temporal = recordingTemporal();
  const identities = testIdentities();
  // As admin unless a request sends its own token (test/api/tokens.ts); access tests send their own.
  // No rate limits here: files that drive many requests (matrices, fuzzing) test their own subject;
  // test/api/hardening.int.test.ts builds an app with small budgets to test the limits.
  const appConfig = { ...config, V2V_RATE_LIMIT_PER_MINUTE: 0, V2V_RATE_LIMIT_IP_PER_MINUTE: 0 };
  const app = withDefaultIdentity(buildApp({ temporal: temporal.client, db, pool, config: appConfig, logger: pino({ level: 'silent' }), verifyToken: identities.verifyToken }), identities);
  const ids = {
    product: unique('product'),
    apheresis: unique('apheresis'),
    treatment: unique('treatment'),
    facility: unique('facility'),
  };
  const profile = { ...PRODUCT_PROFILES[0]!, id: ids.product };

  beforeAll(async () => {
    await migrateDatabase(config.DATABASE_URL!);
    await db.insert(productProfiles).values({ id: ids.product, name: profile.name, profile });
    await db.insert(sites).values([
      { id: ids.apheresis, kind: 'apheresis_center', name: 'Test apheresis unit' },
      { id: ids.treatment, kind: 'treatment_center', name: 'Test cell therapy unit' },
      { id: ids.facility, kind: 'manufacturing_facility', name: 'Test facility' },
    ]);
  });
  beforeEach(() => {
    temporal.calls.length = 0;
    temporal.updateAnswer = { stage: 'COLLECTED' };
    temporal.status = undefined;
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });

  const enrolBody = (patientRef = unique('ref')) => ({
    productId: ids.product,
    apheresisCenterId: ids.apheresis,
    treatmentCenterId: ids.treatment,
    facilityId: ids.facility,
    patientRef,
  });

  /** Enrols a batch through the API and forgets the start call, so a test sees only its own calls. */
  async function enrolled(): Promise<{ batchId: string; coiId: string }> {
    const res = await app.inject({ method: 'POST', url: '/v1/batches', payload: enrolBody() });
    if (res.statusCode !== 201) throw new Error(`enrolment failed: ${res.statusCode} ${res.body}`);
    temporal.calls.length = 0;
    return res.json();
  }

  return { app, db, pool, temporal, config, ids, profile, identities, enrolBody, enrolled };
}
