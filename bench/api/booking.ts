import type { Config } from '../../src/config.js';
import { createDatabase, requireDatabaseUrl } from '../../src/db/client.js';
import { sites } from '../../src/db/schema/index.js';
import { PRODUCT_PROFILES } from '../../src/domain/profiles.js';
import { createUser } from '../../src/api/auth/identities.js';
import { mintLiveIdentities } from '../../src/live/identities.js';
import { answerUntilDone, batchPartners } from '../../src/live/partners.js';
import { expectOk } from '../../src/live/v2v-api.js';
import { stackPaths } from '../../src/stack/paths.js';

/** One batch awaiting its infusion booking, and two feasible days it can be moved between. */
export interface BookableBatch {
  batchId: string;
  days: [string, string];
}

/**
 * Batches taken through the real journey by live mode's partners (each under its own identity, at
 * once: no simulated delays) until they await an infusion booking, on the real clock (time scale 1),
 * so that a booking stays movable for days. Each gets two feasible days of its own: a booking call
 * then moves it from one to the other, a real move (chair released, chair taken, custody record).
 * The run has its own sites, with a line and two chairs per batch: on the real clock a line stays
 * reserved for weeks, so the reference facility's few lines may all be held by earlier batches.
 */
export async function bookableBatches(config: Config, apiUrl: string, count: number) {
  const run = `bench-api-${Date.now().toString(36)}`;
  const [apheresisCenterId, facilityId, treatmentCenterId] = [`${run}-apheresis`, `${run}-facility`, `${run}-infusion`];
  const databaseUrl = requireDatabaseUrl(config.DATABASE_URL);
  const { db, pool } = createDatabase(databaseUrl, { max: 1 });
  await db.insert(sites).values([
    { id: apheresisCenterId, kind: 'apheresis_center', name: 'Bench apheresis unit', infusionChairs: 0, manufacturingLines: 0 },
    { id: facilityId, kind: 'manufacturing_facility', name: 'Bench facility', infusionChairs: 0, manufacturingLines: count },
    { id: treatmentCenterId, kind: 'treatment_center', name: 'Bench cell therapy unit', infusionChairs: 2 * count, manufacturingLines: 0 },
  ]);
  await pool.end();
  const stackRoot = stackPaths(config).root;
  const identities = await mintLiveIdentities({
    apiUrl, stackRoot, run,
    sites: { apheresis: [apheresisCenterId], facility: [facilityId], treatment: [treatmentCenterId] },
    addSigningUser: (user) => createUser(databaseUrl, stackRoot, user),
  });
  const partners = batchPartners(identities, { apheresisCenterId, treatmentCenterId });
  const batches = await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const { batchId, coiId } = expectOk(
        'enrolment',
        await partners.reader.POST('/v1/batches', {
          body: { productId: PRODUCT_PROFILES[n % PRODUCT_PROFILES.length]!.id, apheresisCenterId, facilityId, treatmentCenterId, patientRef: `${run}-${n}` },
        }),
      );
      await answerUntilDone(partners, batchId, coiId, { stopAt: (d) => d.awaiting?.kind === 'infusion-booking', timeoutMs: 300_000 });
      return batchId;
    }),
  );
  // Days spread so that no two batches share one: every call is a move that finds a free chair.
  const bookable: BookableBatch[] = [];
  for (const [n, batchId] of batches.entries()) {
    const slots = expectOk(
      'infusion slots',
      await partners.scheduler.GET('/v1/sites/{siteId}/infusion-slots', { params: { path: { siteId: treatmentCenterId }, query: { batchId } } }),
    );
    const feasible = slots.days.filter((d) => d.feasible).map((d) => d.date);
    const first = feasible[(2 * n) % feasible.length];
    const second = feasible[(2 * n + 1) % feasible.length];
    if (!first || !second || first === second) throw new Error(`batch ${batchId} has fewer than two feasible days (${feasible.join(', ')})`);
    bookable.push({ batchId, days: [first, second] });
  }
  return { bookable, schedulerToken: identities.schedulers.get(treatmentCenterId)!.token };
}

/** Each call books the next batch in turn on the other of its two days. */
export function movingBookings(bookable: readonly BookableBatch[]) {
  let call = 0;
  return () => {
    const n = call++;
    const batch = bookable[n % bookable.length]!;
    const day = batch.days[Math.floor(n / bookable.length) % 2]!;
    return { path: `/v1/batches/${batch.batchId}/infusion-booking`, body: JSON.stringify({ infusionDate: day }) };
  };
}
