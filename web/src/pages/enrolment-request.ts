import type { paths } from '../../../src/api/client/index';
import type { ChainOffer } from '../components/chain-table';
import { dayBefore, localDay } from '../components/local-day';

/** What the enrolment page sends: the choices of its form, and the chain chosen, if any. */
export interface EnrolChoice {
  productId: string;
  treatmentCenterId: string;
  apheresisCenterId: string;
  /** '' lets V2V choose among the facilities. */
  facilityId: string;
}

type EnrolBody = NonNullable<paths['/v1/batches']['post']['requestBody']>['content']['application/json'];

/** The enrolment body: the chain's own `enrolWith` names it, so the page never rebuilds a chain by hand. */
export function enrolBody(choice: EnrolChoice, patientRef: string, chain?: ChainOffer): EnrolBody {
  return {
    productId: choice.productId,
    treatmentCenterId: choice.treatmentCenterId,
    apheresisCenterId: choice.apheresisCenterId,
    patientRef,
    ...(chain ? { facilityId: chain.enrolWith.facilityId, chain: chain.enrolWith } : choice.facilityId ? { facilityId: choice.facilityId } : {}),
  };
}

type EnrolResult = paths['/v1/batches']['post']['responses'][201]['content']['application/json'];

/** What the page says after an enrolment: the chain booked, the waitlist, or a refusal in the API's words. */
export type Outcome =
  | { kind: 'booked'; batchId: string; coiId: string; text: string; facilityId: string }
  | { kind: 'waitlisted' | 'enrolled'; batchId: string; coiId: string; text: string }
  | { kind: 'refused'; text: string };

/** The answer's own `chain` and `waitlisted` say what enrolment did; the page never guesses it. */
export function enrolledOutcome(result: EnrolResult): Outcome {
  const { batchId, coiId, chain } = result;
  if (chain) {
    const line = `${chain.line ?? 'a line'} at ${chain.facilityId} held ahead ${localDay(chain.lineStartDay)} – ${localDay(dayBefore(chain.lineEndDay))}`;
    return { kind: 'booked', batchId, coiId, facilityId: chain.facilityId, text: `Booked: collection ${localDay(chain.collectionDay)}, ${line}, infusion planned ${localDay(chain.infusionDay)}.` };
  }
  if (result.waitlisted) return { kind: 'waitlisted', batchId, coiId, text: 'Enrolled on the waitlist: no slot chain fits the horizon. The allocator books one when capacity frees.' };
  return { kind: 'enrolled', batchId, coiId, text: 'Enrolled without a slot chain (this installation runs a compressed clock): the facility is asked for a line when the cells arrive.' };
}
