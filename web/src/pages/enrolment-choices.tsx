import { href } from '../router';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import type { EnrolChoice } from './enrolment-request';

const KIND_OF: Record<Exclude<keyof EnrolChoice, 'productId'>, string> = {
  treatmentCenterId: 'treatment_center',
  apheresisCenterId: 'apheresis_center',
  facilityId: 'manufacturing_facility',
};
const PARAM_OF: Record<keyof EnrolChoice, string> = { productId: 'product', treatmentCenterId: 'treatment', apheresisCenterId: 'apheresis', facilityId: 'facility' };

/** The product, the centres and (optionally) the facility, kept in the URL so a link reopens the same search. */
/** Without `onPatientRef` (a role that may not enrol) the patient reference is not asked for. */
export function EnrolmentChoices({ choice, patientRef, onPatientRef }: { choice: EnrolChoice; patientRef: string; onPatientRef?: ((ref: string) => void) | undefined }) {
  const { api } = useSession();
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const products = useLoad(() => api.GET('/v1/products'), [api]);
  const set = (field: keyof EnrolChoice, value: string) => {
    const next = { ...choice, [field]: value };
    window.location.hash = href('enrolment', undefined, Object.fromEntries(Object.entries(next).map(([k, v]) => [PARAM_OF[k as keyof EnrolChoice], v || undefined])));
  };
  const sitesOf = (field: keyof typeof KIND_OF) => (sites.state === 'ok' ? sites.data.sites.filter((s) => s.kind === KIND_OF[field]) : []);
  const siteSelect = (field: keyof typeof KIND_OF, label: string, none: string) => (
    <label>
      {label}{' '}
      <select value={choice[field]} onChange={(e) => set(field, e.target.value)}>
        <option value="">{none}</option>
        {sitesOf(field).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="filters" aria-label="Enrolment" onSubmit={(e) => e.preventDefault()}>
      <label>
        Product{' '}
        <select value={choice.productId} onChange={(e) => set('productId', e.target.value)}>
          <option value="">Choose…</option>
          {products.state === 'ok' &&
            products.data.products.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
        </select>
      </label>
      {siteSelect('treatmentCenterId', 'Treatment centre', 'Choose…')}
      {siteSelect('apheresisCenterId', 'Apheresis centre', 'Choose…')}
      {siteSelect('facilityId', 'Facility', 'Any (V2V chooses)')}
      {onPatientRef && (
        <>
          <label>
            Patient reference{' '}
            <input value={patientRef} onChange={(e) => onPatientRef(e.target.value)} autoComplete="off" maxLength={64} aria-describedby="patient-ref-hint" />
          </label>
          <span id="patient-ref-hint" className="hint">
            The hospital’s own pseudonymous reference: never a name or a record number.
          </span>
        </>
      )}
    </form>
  );
}
