import { sql } from 'drizzle-orm';
import { PRODUCT_PROFILES } from '../domain/profiles.js';
import type { SiteKind } from '../domain/stages.js';
import type { Database } from './client.js';
import { equipment, productProfiles, sites } from './schema/index.js';

interface SiteSeed {
  id: string;
  kind: SiteKind;
  name: string;
  timezone: string;
  infusionChairs: number;
  manufacturingLines: number;
  /** Apheresis centres: collections a day on their open weekdays (issue 18's capacity as data). */
  collectionsPerDay: number;
  collectionDays: string[];
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

/**
 * The reference facility's lines. Eight, so that the demo's pace (a patient every 2.5 simulated
 * days, 14 to 27 days on a line) runs near capacity and a few patients wait for a slot chain, with
 * a line out for its drifting bioreactor's ticket; four made every other patient wait for weeks.
 */
const REFERENCE_LINES = 8;

/**
 * Generic reference sites for a fresh installation, the demo and the tests: two hospitals that
 * both collect and infuse, and one manufacturing facility. Capacities only matter for the kind
 * that uses them (chairs at treatment centres, lines at the facility).
 */
export const REFERENCE_SITES: readonly SiteSeed[] = [
  { id: 'city-hospital-apheresis', kind: 'apheresis_center', name: 'City Hospital apheresis unit', timezone: 'UTC', infusionChairs: 0, manufacturingLines: 0, collectionsPerDay: 2, collectionDays: WEEKDAYS },
  { id: 'river-clinic-apheresis', kind: 'apheresis_center', name: 'River Clinic apheresis unit', timezone: 'UTC', infusionChairs: 0, manufacturingLines: 0, collectionsPerDay: 1, collectionDays: WEEKDAYS },
  { id: 'central-cell-facility', kind: 'manufacturing_facility', name: 'Central cell therapy facility', timezone: 'UTC', infusionChairs: 0, manufacturingLines: REFERENCE_LINES, collectionsPerDay: 0, collectionDays: [] },
  { id: 'city-hospital-infusion', kind: 'treatment_center', name: 'City Hospital cell therapy unit', timezone: 'UTC', infusionChairs: 4, manufacturingLines: 0, collectionsPerDay: 0, collectionDays: [] },
  { id: 'river-clinic-infusion', kind: 'treatment_center', name: 'River Clinic cell therapy unit', timezone: 'UTC', infusionChairs: 2, manufacturingLines: 0, collectionsPerDay: 0, collectionDays: [] },
];

/**
 * The reference facility's bioreactors, one per manufacturing line, so that a fresh installation's
 * probes (and live mode's) have equipment to bind to. Rules come from the kind's defaults.
 */
export const REFERENCE_BIOREACTORS: readonly { id: string; siteId: string; line: string }[] = Array.from({ length: REFERENCE_LINES }, (_, i) => ({
  id: `central-cell-facility-bioreactor-${i + 1}`,
  siteId: 'central-cell-facility',
  line: `line-${i + 1}`,
}));

/**
 * Upserts the product profiles (the code is their source of truth: a changed profile replaces the
 * stored one) and the reference sites, and adds the reference bioreactors. Idempotent: running it
 * again changes nothing.
 */
export async function seedReferenceData(db: Database): Promise<{ products: number; sites: number }> {
  await db.transaction(async (tx) => {
    for (const profile of PRODUCT_PROFILES) {
      await tx
        .insert(productProfiles)
        .values({ id: profile.id, name: profile.name, version: profile.version, profile })
        .onConflictDoUpdate({
          target: productProfiles.id,
          set: { name: profile.name, version: profile.version, profile },
          // Only a real change writes, so re-seeding leaves rows (and their xmin) untouched.
          setWhere: sql`(${productProfiles.name}, ${productProfiles.version}, ${productProfiles.profile}) is distinct from (excluded.name, excluded.version, excluded.profile)`,
        });
    }
    for (const site of REFERENCE_SITES) {
      await tx
        .insert(sites)
        .values(site)
        .onConflictDoUpdate({
          target: sites.id,
          set: { kind: site.kind, name: site.name, timezone: site.timezone, infusionChairs: site.infusionChairs, manufacturingLines: site.manufacturingLines, collectionsPerDay: site.collectionsPerDay, collectionDays: site.collectionDays },
          setWhere: sql`(${sites.kind}, ${sites.name}, ${sites.timezone}, ${sites.infusionChairs}, ${sites.manufacturingLines}, ${sites.collectionsPerDay}, ${sites.collectionDays})
            is distinct from (excluded.kind, excluded.name, excluded.timezone, excluded.infusion_chairs, excluded.manufacturing_lines, excluded.collections_per_day, excluded.collection_days)`,
        });
    }
    // Equipment is edited by people once it exists (profile, maintenance state): seeding only adds what is missing.
    await tx
      .insert(equipment)
      .values(REFERENCE_BIOREACTORS.map((b) => ({ ...b, kind: 'bioreactor' as const })))
      .onConflictDoNothing();
    // Installations seeded before bioreactors knew their line (drizzle/0010) learn it once.
    for (const b of REFERENCE_BIOREACTORS) {
      await tx.update(equipment).set({ line: b.line }).where(sql`${equipment.id} = ${b.id} and ${equipment.line} is null`);
    }
  });
  return { products: PRODUCT_PROFILES.length, sites: REFERENCE_SITES.length };
}
