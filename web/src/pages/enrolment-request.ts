import type { paths } from '../../../src/api/client/index';
import type { ChainOffer } from '../components/chain-table';

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
