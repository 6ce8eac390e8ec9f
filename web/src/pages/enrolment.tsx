import { useRef, useState } from 'react';
import { errorMessage } from '../api';
import { ChainTable, type ChainOffer } from '../components/chain-table';
import { Panel } from '../components/panel';
import { useLiveVersion } from '../live';
import { href } from '../router';
import { can } from '../session';
import { useSession } from '../session-context';
import { useLoad } from '../use-load';
import { enrolBody, enrolledOutcome, type EnrolChoice, type Outcome } from './enrolment-request';
import { EnrolmentChoices } from './enrolment-choices';

/**
 * Enrolment as the field does it: choose the product and the centres, see the slot chains that fit
 * (collection day, line window, infusion, and the forecast bands), and book one. The database decides
 * a race: a chain taken a moment ago comes back as 409, said plainly, and the list is asked again.
 * When no chain fits, enrolling puts the patient on the waitlist, and the page says so first.
 */
export function EnrolmentPage({ params }: { params: URLSearchParams }) {
  const { api, session } = useSession();
  const mayEnrol = can.enrol(session.identity.role);
  const choice: EnrolChoice = {
    productId: params.get('product') ?? '',
    treatmentCenterId: params.get('treatment') ?? '',
    apheresisCenterId: params.get('apheresis') ?? '',
    facilityId: params.get('facility') ?? '',
  };
  const complete = Boolean(choice.productId && choice.treatmentCenterId && choice.apheresisCenterId);
  // The patient's reference stays in the page, never in the address bar or its history.
  const [patientRef, setPatientRef] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  // One key per attempted enrolment: pressing again after a lost answer cannot enrol the patient twice.
  const attempt = useRef<{ body: string; key: string } | undefined>(undefined);
  const sites = useLoad(() => api.GET('/v1/sites'), [api]);
  const siteName = (id: string) => (sites.state === 'ok' ? sites.data.sites.find((s) => s.id === id)?.name : undefined) ?? id;
  const anyBooking = useLiveVersion((e) => e.type === 'batch.stage-changed');
  const chains = useLoad(
    () =>
      complete
        ? api.GET('/v1/slot-chains', {
            params: { query: { productId: choice.productId, treatmentCenterId: choice.treatmentCenterId, apheresisCenterId: choice.apheresisCenterId, ...(choice.facilityId ? { facilityId: choice.facilityId } : {}) } },
          })
        : Promise.resolve({ error: { error: { message: 'choose a product, a treatment centre and an apheresis centre' } }, response: new Response('{}', { status: 400 }) }),
    [api, choice.productId, choice.treatmentCenterId, choice.apheresisCenterId, choice.facilityId, anyBooking],
  );

  const enrol = async (chain?: ChainOffer) => {
    if (!patientRef.trim()) {
      setOutcome({ kind: 'refused', text: 'Enter the patient reference (the hospital’s pseudonymous reference) first.' });
      return;
    }
    const body = enrolBody(choice, patientRef.trim(), chain);
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { body: text, key: crypto.randomUUID() };
    setBusy(true);
    setOutcome(undefined);
    try {
      const { data, error, response } = await api.POST('/v1/batches', { params: { header: { 'idempotency-key': attempt.current.key } }, body });
      if (data) {
        attempt.current = undefined;
        setPatientRef('');
        setOutcome(enrolledOutcome(data));
      } else if (chain && response.status === 409) {
        attempt.current = undefined;
        setOutcome({ kind: 'refused', text: `That chain was just taken by another enrolment: nothing was booked. Choose another below (the list is fresh). (${errorMessage(error, 409)})` });
        chains.reload();
      } else {
        setOutcome({ kind: 'refused', text: `Refused: ${errorMessage(error, response.status)}` });
      }
    } catch (err) {
      // No answer: the enrolment may or may not have been stored. The same key makes pressing again harmless.
      setOutcome({ kind: 'refused', text: `No answer from V2V (${err instanceof Error ? err.message : String(err)}): press again; the same request cannot enrol twice.` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Enrol a patient</h1>
      {!mayEnrol && <p className="hint">You can see the chains that fit; enrolment itself is the manufacturing coordinator’s (the API allows coordinators and admins).</p>}
      <EnrolmentChoices choice={choice} patientRef={patientRef} onPatientRef={mayEnrol ? setPatientRef : undefined} />
      {outcome && <EnrolmentOutcome outcome={outcome} />}
      {complete && (
        <Panel loaded={chains} label="slot chains">
          {(answer) => {
            const views = answer.chains;
            return views.length > 0 ? (
              <>
                <h2>Feasible slot chains</h2>
                <ChainTable chains={views} busy={busy} onBook={mayEnrol ? (c) => void enrol(c) : undefined} siteName={siteName} />
              </>
            ) : (
              <section aria-labelledby="no-chain">
                <h2 id="no-chain">No slot chain fits the horizon</h2>
                <p>Every collection day, line or chair this patient could use is taken. Enrolling now puts the patient on the waitlist, in the order the allocation policy sets.</p>
                {mayEnrol && (
                  <button type="button" disabled={busy} onClick={() => void enrol()}>
                    Enrol on the waitlist
                  </button>
                )}
              </section>
            );
          }}
        </Panel>
      )}
    </>
  );
}

function EnrolmentOutcome({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'refused') {
    return (
      <p role="alert" className="error">
        {outcome.text}
      </p>
    );
  }
  return (
    <p role="status" className="verified">
      {outcome.text} <a href={href('batch', outcome.batchId)}>Batch {outcome.coiId}</a>
      {outcome.kind === 'booked' && outcome.facilityId && (
        <>
          {' · '}
          <a href={href('capacity', outcome.facilityId, { batch: outcome.batchId })}>See the line at {outcome.facilityId}</a>
        </>
      )}
      {outcome.kind === 'waitlisted' && (
        <>
          {' · '}
          <a href={href('waitlist')}>See the waitlist</a>
        </>
      )}
    </p>
  );
}
