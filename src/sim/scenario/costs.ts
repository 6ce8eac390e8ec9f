import { z } from 'zod';

const money = z.number().min(0);
/** Where a unit cost comes from: a publication, a price list, or an assumption said as such. */
const sourced = z.object({ value: money, source: z.string().min(1) }).strict();

/** Unit costs of the vein-to-vein chain, in `currency`, each with its source (docs/twin.md). */
export const costsSchema = z
  .object({
    currency: z.string().length(3, 'an ISO 4217 code such as USD'),
    /** A cleanroom line for one day (staff, suite, consumables of the run), the run's days on the line. */
    lineDay: sourced,
    /** One release-testing panel. */
    qcTest: sourced,
    /** One courier leg, by leg (outbound chilled or cryogenic, return cryogenic). */
    transportOutbound: sourced,
    transportReturn: sourced,
    /** What a second attempt costs beyond its line-days, QC and legs: apheresis again, vector and reagents. */
    remanufacture: sourced,
    /** A released product that is never infused: the vector, reagents and disposal lost with it. */
    wastedProduct: sourced,
  })
  .strict();

export type Costs = z.infer<typeof costsSchema>;
