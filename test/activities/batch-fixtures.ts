import { batches, productProfiles, sites } from '../../src/db/schema/index.js';
import type { Database } from '../../src/db/client.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import { unique } from '../setup/services.js';

/**
 * Rows a batch needs, under names no other run used: each test gets its own sites (so chair and
 * line capacity are its own) and, when asked, its own product (so forecast history is its own).
 */
export async function createSites(db: Database, capacity: { chairs?: number; lines?: number; timeZone?: string } = {}) {
  const apheresis = unique('apheresis');
  const facility = unique('facility');
  const infusion = unique('infusion');
  await db.insert(sites).values([
    { id: apheresis, kind: 'apheresis_center', name: 'Test apheresis unit' },
    { id: facility, kind: 'manufacturing_facility', name: 'Test facility', manufacturingLines: capacity.lines ?? 2 },
    { id: infusion, kind: 'treatment_center', name: 'Test cell therapy unit', infusionChairs: capacity.chairs ?? 4, timezone: capacity.timeZone ?? 'UTC' },
  ]);
  return { apheresis, facility, infusion };
}

/** A copy of a real profile under a fresh id. */
export async function createProduct(db: Database) {
  const profile = { ...PRODUCT_PROFILES[0]!, id: unique('product') };
  await db.insert(productProfiles).values({ id: profile.id, name: profile.name, version: profile.version, profile });
  return profile;
}

export async function createBatch(db: Database, where: { productId: string; apheresis: string; facility: string; infusion: string }) {
  const [batch] = await db
    .insert(batches)
    .values({
      coiId: unique('COI'),
      patientRef: unique('ref'),
      productId: where.productId,
      apheresisCenterId: where.apheresis,
      treatmentCenterId: where.infusion,
      facilityId: where.facility,
    })
    .returning();
  return batch!;
}
