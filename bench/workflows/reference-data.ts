import { randomBytes, randomUUID } from 'node:crypto';
import type { createDatabase } from '../../src/db/client.js';
import { batches, productProfiles, sites } from '../../src/db/schema/index.js';
import { generateCoiId } from '../../src/domain/coi.js';
import type { ProductProfile } from '../../src/domain/profile.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import type { BatchInput } from '../../workflows/messages.js';
import { CONCURRENCY, flags, N, RUN, TIME_SCALE } from './parameters.js';

/** The bench's sites, products and batch rows in PostgreSQL. */

type Database = ReturnType<typeof createDatabase>['db'];

export interface Setup {
  products: ProductProfile[];
  apheresisCenterId: string;
  facilityId: string;
  treatmentCenterId: string;
}

/**
 * By default each run gets its own sites and product ids (the two product profiles, copied under
 * `bench-<run>-…` ids), so it neither competes with the seeded sites' 4 manufacturing lines and
 * 6 chairs that tests and demos use, nor feeds compressed turnaround times into the real
 * products' forecast baseline. Capacity: one line and one chair per batch in flight.
 */
export async function prepareReferenceData(db: Database): Promise<Setup> {
  if (flags['reference-sites']) {
    return { products: [...PRODUCT_PROFILES], apheresisCenterId: 'city-hospital-apheresis', facilityId: 'central-cell-facility', treatmentCenterId: 'city-hospital-infusion' };
  }
  const capacity = CONCURRENCY + 10;
  const id = (what: string) => `bench-${RUN}-${what}`;
  const products = PRODUCT_PROFILES.map((p) => ({ ...p, id: id(p.id) }));
  await db.insert(productProfiles).values(products.map((p) => ({ id: p.id, name: `${p.name} (bench)`, version: p.version, profile: p })));
  await db.insert(sites).values([
    { id: id('apheresis'), kind: 'apheresis_center', name: 'Bench apheresis unit', infusionChairs: 0, manufacturingLines: 0 },
    { id: id('facility'), kind: 'manufacturing_facility', name: 'Bench facility', infusionChairs: 0, manufacturingLines: capacity },
    { id: id('infusion'), kind: 'treatment_center', name: 'Bench cell therapy unit', infusionChairs: capacity, manufacturingLines: 0 },
  ]);
  return { products, apheresisCenterId: id('apheresis'), facilityId: id('facility'), treatmentCenterId: id('infusion') };
}

export interface BatchCase {
  n: number;
  input: BatchInput;
  din: string;
}

export async function insertBatches(db: Database, setup: Setup): Promise<BatchCase[]> {
  const year = String(new Date().getUTCFullYear() % 100).padStart(2, '0');
  const cases: BatchCase[] = Array.from({ length: N }, (_, n) => {
    const profile = setup.products[n % setup.products.length]!;
    return {
      n,
      din: `W1234${year}${String(n % 1_000_000).padStart(6, '0')}`,
      input: {
        batchId: randomUUID(),
        coiId: generateCoiId(randomBytes(10)),
        productId: profile.id,
        profile,
        apheresisCenterId: setup.apheresisCenterId,
        facilityId: setup.facilityId,
        treatmentCenterId: setup.treatmentCenterId,
        timeScale: TIME_SCALE,
      },
    };
  });
  for (let i = 0; i < cases.length; i += 500) {
    await db.insert(batches).values(
      cases.slice(i, i + 500).map(({ n, input }) => ({
        id: input.batchId,
        coiId: input.coiId,
        patientRef: `bench-${RUN}-${n}`,
        productId: input.productId,
        apheresisCenterId: input.apheresisCenterId,
        treatmentCenterId: input.treatmentCenterId,
        facilityId: input.facilityId,
        timeScale: TIME_SCALE,
      })),
    );
  }
  return cases;
}
