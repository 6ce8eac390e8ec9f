import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase } from '../../../src/db/client.js';
import { migrateDatabase } from '../../../src/db/migrate.js';
import { batches, productProfiles, sites } from '../../../src/db/schema/index.js';
import { PRODUCT_PROFILES } from '../../../src/domain/profiles.js';
import { stackConfig, unique } from '../../setup/services.js';

type SiteValues = Partial<typeof sites.$inferInsert>;

/**
 * A product and three sites of the file's own on the stack's PostgreSQL (ids no other file uses),
 * and batches enrolled straight into the table, for the capacity functions to work on.
 */
export function capacityFixture(options: { apheresis?: SiteValues; facility?: SiteValues; treatment?: SiteValues } = {}) {
  const config = stackConfig();
  const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 4 });
  const ids = { product: unique('product'), apheresis: unique('apheresis'), facility: unique('facility'), treatment: unique('treatment') };
  const profile = { ...PRODUCT_PROFILES[0]!, id: ids.product };

  beforeAll(async () => {
    await migrateDatabase(config.DATABASE_URL!);
    await db.insert(productProfiles).values({ id: ids.product, name: profile.name, profile });
    await db.insert(sites).values([
      { id: ids.apheresis, kind: 'apheresis_center', name: 'Test apheresis unit', ...options.apheresis },
      { id: ids.facility, kind: 'manufacturing_facility', name: 'Test facility', ...options.facility },
      { id: ids.treatment, kind: 'treatment_center', name: 'Test cell therapy unit', ...options.treatment },
    ]);
  });
  afterAll(async () => {
    await pool.end();
  });

  async function batch(): Promise<string> {
    const [row] = await db
      .insert(batches)
      .values({ coiId: `COI-${randomUUID()}`, patientRef: unique('ref'), productId: ids.product, apheresisCenterId: ids.apheresis, treatmentCenterId: ids.treatment, facilityId: ids.facility })
      .returning({ id: batches.id });
    return row!.id;
  }

  return { db, pool, ids, profile, batch };
}
