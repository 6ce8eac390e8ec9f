import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { orderWeight } from '../../src/domain/planning/weights.js';
import { builtInPolicy } from '../../src/domain/planning/policies.js';
import type { ChainRoute, PlanningOrder, PlanningProblem } from '../../src/domain/planning/problem.js';
import { Random } from '../../src/domain/random.js';

/**
 * Open orders on a network like the twin's baseline (scenarios/baseline.json): its apheresis
 * centres (chairs on weekdays), treatment centres (chairs per day), facilities (lines every day), and
 * its two products' chain offsets in whole days from the product profiles — fresh: 1–2 days out,
 * 14 line days (11 manufacturing + 3 QC), 6–7 days back through LD; cryopreserved: 5–6 days out
 * (the hold and the transit), 27 line days (17 + 10 QC), 6–7 days back. Cells go to a facility of
 * the patient's region, as the twin routes them.
 */
const baselineSchema = z.object({
  network: z.object({
    apheresisCentres: z.array(z.object({ id: z.string(), region: z.string(), chairs: z.number().int() })),
    treatmentCentres: z.array(z.object({ id: z.string(), region: z.string(), apheresisCentreId: z.string(), infusionChairsPerDay: z.number().int() })),
    facilities: z.array(z.object({ id: z.string(), region: z.string(), lines: z.number().int() })),
  }),
});

const PRODUCTS = [
  { productId: 'autologous-cd19-fresh', share: 0.7 / 1.2, arrival: [1, 2], lineDays: 14, back: [6, 7] },
  { productId: 'autologous-bcma-cryo', share: 0.5 / 1.2, arrival: [5, 6], lineDays: 27, back: [6, 7] },
] as const;

export function baselineNetworkProblem(seed: number, openOrders: number, horizonDays: number): PlanningProblem {
  const { network } = baselineSchema.parse(JSON.parse(readFileSync(new URL('../../scenarios/baseline.json', import.meta.url), 'utf8')));
  const random = Random.stream(seed, 'planner-bench');
  const policy = builtInPolicy('urgency-ageing-fair-share')!;
  const weekday = (day: number) => day % 7 < 5; // day 0 is a Monday
  const perDay = (n: number, open: (day: number) => boolean) => Array.from({ length: horizonDays }, (_, d) => (open(d) ? n : 0));
  const recent = Object.fromEntries(network.treatmentCentres.map((tc) => [tc.id, Math.floor(random.uniform() * 6)]));

  const orders = Array.from({ length: openOrders }, (_, i): PlanningOrder => {
    const tc = network.treatmentCentres[Math.floor(random.uniform() * network.treatmentCentres.length)]!;
    const product = random.uniform() < PRODUCTS[0].share ? PRODUCTS[0] : PRODUCTS[1];
    const routes = network.facilities
      .filter((f) => f.region === tc.region)
      .map((f, k): ChainRoute => ({ facilityId: f.id, arrivalDays: product.arrival[k % 2]!, lineDays: product.lineDays, infusionDays: product.back[k % 2]! }));
    const daysWaited = Math.floor(random.uniform() * 60);
    const r = random.uniform();
    const tier = r < 0.05 ? 'critical' : r < 0.2 ? 'urgent' : 'standard';
    const { weight } = orderWeight(policy, { tier, daysWaited, treatmentCenterId: tc.id, recentAllocationsByCentre: recent, centreCount: network.treatmentCentres.length });
    return {
      orderId: `order-${i}`,
      treatmentCenterId: tc.id,
      apheresisCenterId: tc.apheresisCentreId,
      productId: product.productId,
      orderedDay: -daysWaited,
      earliestCollectionDay: random.uniform() < 0.7 ? 0 : 1 + Math.floor(random.uniform() * 14),
      weight,
      routes,
    };
  });
  return {
    orders,
    capacity: {
      horizonDays,
      collections: Object.fromEntries(network.apheresisCentres.map((ac) => [ac.id, perDay(ac.chairs, weekday)])),
      lines: Object.fromEntries(network.facilities.map((f) => [f.id, perDay(f.lines, () => true)])),
      chairs: Object.fromEntries(network.treatmentCentres.map((tc) => [tc.id, perDay(tc.infusionChairsPerDay, () => true)])),
    },
  };
}
