import { batchClock } from '../../domain/batch/index.js';
import type { batches, batchStageHistory, custodyEvents, shipments } from '../../db/schema/index.js';
import type { BatchJourneyRecord } from '../../domain/batch/journey-record.js';
import type { CapacityRows } from './capacity-rows.js';
import { custodyRows } from './custody-records.js';
import type { SimulatedIds } from './simulated-ids.js';

/** One simulated batch as the real system stores it (its slots and bookings are in CapacityRows). */
export interface BatchRows {
  batch: typeof batches.$inferInsert;
  stages: (typeof batchStageHistory.$inferInsert)[];
  shipments: (typeof shipments.$inferInsert)[];
  custody: (typeof custodyEvents.$inferInsert)[];
}

/**
 * The rows the batch workflow's activities would have left for these events: the batch row at its
 * final stage (activities/stages.ts), a stage history row per stage change (a repeated change at
 * the same instant recorded once, as the unique key makes the activity do), shipment legs
 * (activities/shipments.ts) and the custody chain. No outbox rows: the worker would publish them to
 * `v2v.batch.events.v1`, and downstream systems must never hear of simulated batches. Times are the
 * simulation's own (created_at is the enrolment), so nothing depends on when the history was written.
 */
export function batchRows(sim: BatchJourneyRecord, ids: SimulatedIds, capacity: CapacityRows): BatchRows {
  const { input, final } = sim;
  const batchId = ids.batch(input.batchId);
  const last = sim.events[sim.events.length - 1]?.at ?? sim.enrolledAt;
  const stages: BatchRows['stages'] = [];
  const seen = new Set<string>();
  const legs = new Map<string, BatchRows['shipments'][number]>();
  for (const e of sim.events) {
    if (e.type === 'stage-changed') {
      const key = `${e.to}@${Date.parse(e.at)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      stages.push({ batchId, productId: input.productId, stage: e.to, previous: e.from, enteredAt: new Date(e.at) });
    } else if (e.type === 'leg-started') {
      const departedAt = new Date(e.at);
      const stabilityMs = batchClock(input).hours(input.profile.legs[e.leg].stabilityHours);
      legs.set(e.shipmentId, {
        id: ids.shipment(e.shipmentId), batchId, leg: e.leg, fromSiteId: ids.site(e.fromSiteId), toSiteId: ids.site(e.toSiteId),
        state: 'in_transit', departedAt, stabilityDeadline: new Date(departedAt.getTime() + stabilityMs), createdAt: departedAt,
      });
    } else if (e.type === 'leg-delivered') {
      const leg = legs.get(e.shipmentId);
      if (leg?.state === 'in_transit') Object.assign(leg, { state: 'delivered', deliveredAt: new Date(e.at) });
    } else if (e.type === 'legs-cancelled') {
      // Like cancelOpenShipments: every leg of the batch still on the road.
      for (const leg of legs.values()) if (leg.state === 'in_transit') Object.assign(leg, { state: 'cancelled', cancelledAt: new Date(e.at) });
    }
  }
  return {
    batch: {
      id: batchId,
      coiId: input.coiId,
      patientRef: sim.patientRef,
      productId: input.productId,
      apheresisCenterId: ids.site(input.apheresisCenterId),
      treatmentCenterId: ids.site(input.treatmentCenterId),
      facilityId: ids.site(input.facilityId),
      din: final.din ?? null,
      stage: final.stage,
      timeScale: input.timeScale,
      simulationSeed: ids.seed,
      createdAt: new Date(sim.enrolledAt),
      updatedAt: new Date(last),
    },
    stages,
    shipments: [...legs.values()],
    custody: custodyRows(sim, ids, (i) => capacity.bookingOfEvent.get(i)?.chair ?? 'unassigned'),
  };
}
