import { initialState, type JourneyInput } from '../../domain/batch/index.js';
import { iso } from '../../domain/instant.js';
import { DAY_MS } from '../../domain/durations.js';
import { productProfile } from '../../domain/profiles.js';
import type { ProductParameters } from '../scenario/product-parameters.js';
import { BatchAgent } from './batch-agent.js';
import { simulatedCoiId, simulatedUuid } from './identifiers.js';
import type { NetworkWorld } from './network-world.js';
import { Random } from '../../domain/random.js';
import { URGENCY_TIERS, type UrgencyTier } from '../../domain/planning/policy.js';
import type { Allocation } from '../scenario/allocation.js';
import { scheduleDropout } from './partners/apheresis.js';

/**
 * Patients arrive at each treatment centre, for each product, as a Poisson process. Each patient
 * has a random stream of its own (named by centre, product and arrival number), so a what-if that
 * changes something else leaves the same patient with the same cells, failure draw and dropout.
 */
export function startEnrolment(world: NetworkWorld, until: () => number, admit: (agent: BatchAgent) => boolean): void {
  const { scenario, queue, seed } = world;
  let enrolled = 0;
  for (const centre of scenario.network.treatmentCentres) {
    for (const product of scenario.products) {
      const perWeek = (centre.enrolmentPerWeek?.[product.productId] ?? product.enrolmentPerWeek) * scenario.demandMultiplier;
      if (perWeek <= 0) continue;
      const arrivals = Random.stream(seed, 'enrolment', centre.id, product.productId);
      let n = 0;
      const next = () => {
        const at = queue.now + arrivals.exponential((7 * DAY_MS) / perWeek);
        if (at >= until()) return;
        queue.at(at, () => {
          if (queue.now >= until()) return;
          const agent = enrol(world, centre.id, product, n++, ++enrolled);
          if (!admit(agent)) return;
          agent.step();
          next();
        });
      };
      next();
    }
  }
}

function enrol(world: NetworkWorld, treatmentCenterId: string, params: ProductParameters, n: number, sequence: number): BatchAgent {
  const { scenario, queue, seed } = world;
  const rng = Random.stream(seed, 'patient', treatmentCenterId, params.productId, n);
  const centre = scenario.network.treatmentCentres.find((t) => t.id === treatmentCenterId)!;
  const input: JourneyInput = {
    batchId: simulatedUuid(rng),
    coiId: simulatedCoiId(rng),
    productId: params.productId,
    profile: productProfile(params.productId),
    apheresisCenterId: centre.apheresisCentreId,
    facilityId: chooseFacility(candidateFacilities(world, centre.apheresisCentreId, params)),
    treatmentCenterId,
    timeScale: 1,
  };
  let dropoutAfterDays = params.notInfusedHazardPerDay > 0 ? rng.exponential(1 / params.notInfusedHazardPerDay) : Infinity;
  const allocation = scenario.allocation;
  // The tier has a stream of its own, so drawing it leaves every other draw of the patient as it was.
  const tier = allocation ? drawTier(allocation, Random.stream(seed, 'tier', treatmentCenterId, params.productId, n)) : 'standard';
  // An exponential time scaled by 1/m is the same draw under m times the hazard.
  if (allocation) dropoutAfterDays /= allocation.tiers[tier].hazardMultiplier;
  const patientRef = `sim-${seed}-${sequence}`;
  const agent = new BatchAgent(world, initialState(input, iso(queue.now)), queue.now, patientRef, rng, params, dropoutAfterDays);
  agent.tier = tier;
  if (allocation) agent.attributes.urgencyTier = tier;
  agent.candidateFacilities = candidateFacilities(world, centre.apheresisCentreId, params).map((f) => f.config.id);
  if (allocation) scheduleDropout(agent, queue.now);
  return agent;
}

function drawTier(allocation: Allocation, rng: Random): UrgencyTier {
  let u = rng.uniform();
  for (const tier of URGENCY_TIERS) {
    u -= allocation.tiers[tier].share;
    if (u < 0) return tier;
  }
  return 'standard';
}

/** The product's facilities in the apheresis centre's region if there are any, else all of them. */
function candidateFacilities(world: NetworkWorld, apheresisCentreId: string, params: ProductParameters) {
  const region = world.scenario.network.apheresisCentres.find((a) => a.id === apheresisCentreId)!.region;
  const facilities = params.facilityIds.map((id) => world.facilities.get(id)!);
  const local = facilities.filter((f) => f.config.region === region);
  return local.length > 0 ? local : facilities;
}

/** The least loaded candidate (a slot chain may later choose another before the first collection). */
function chooseFacility(candidates: ReturnType<typeof candidateFacilities>): string {
  return candidates.reduce((best, f) => (f.load() < best.load() ? f : best)).config.id;
}
