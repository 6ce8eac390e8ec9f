import { eq } from 'drizzle-orm';
import { batches, productProfiles } from '../../db/schema/index.js';
import type { PlanClock } from '../../domain/batch/journey.js';
import { productProfileSchema } from '../../domain/profile.js';
import { bookChain, chainRoutes, installationClock, loadPlanningCapacity } from '../capacity/index.js';
import { realFacilities } from '../capacity/replan-chain.js';
import type { WaitlistCapacity } from './capacity-port.js';

/** The booking horizon when the installation sets none (V2V_BOOKING_HORIZON_DAYS's default). */
const DEFAULT_BOOKING_HORIZON_DAYS = 90;

/**
 * The waitlist's capacity on the database: g18-chain's capacity reads and booking. A batch already
 * bound to a facility keeps it (its workflow was started for it); otherwise every real facility.
 */
export const databaseCapacityOn = (clock?: PlanClock, horizonDays = DEFAULT_BOOKING_HORIZON_DAYS): WaitlistCapacity => ({
  horizonDays,
  async load(db, request) {
    const { capacity, calendar } = await loadPlanningCapacity(db, { ...request, clock });
    return { capacity, startDate: calendar.startDate };
  },
  async routes(db, { batchId, productId }) {
    const [product] = await db.select({ profile: productProfiles.profile }).from(productProfiles).where(eq(productProfiles.id, productId));
    if (!product) return [];
    const [batch] = await db.select({ facilityId: batches.facilityId }).from(batches).where(eq(batches.id, batchId));
    const facilities = batch?.facilityId ? [batch.facilityId] : await realFacilities(db);
    return chainRoutes(productProfileSchema.parse(product.profile), facilities);
  },
  async book(tx, { batchId, chain, reason }) {
    const booked = await bookChain(tx, batchId, chain, reason, clock);
    return { version: booked.version, slotChainId: booked.chainId };
  },
});

/** On the real clock over the default horizon (tests); a running installation takes `installationCapacity`. */
export const databaseCapacity: WaitlistCapacity = databaseCapacityOn();

/** The installation's capacity: its calendar (a compressed clock's simulated days, given an origin) and its booking horizon. */
export const installationCapacity = (config: Parameters<typeof installationClock>[0] & { V2V_BOOKING_HORIZON_DAYS: number }): WaitlistCapacity =>
  databaseCapacityOn(installationClock(config), config.V2V_BOOKING_HORIZON_DAYS);
