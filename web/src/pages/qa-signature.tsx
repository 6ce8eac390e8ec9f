import { useId, useState, type FormEvent } from 'react';
import { errorMessage, type AssessmentBody, type DispositionBody } from '../api';
import { useSession } from '../session-context';

export type Signed = (text: string) => void;

type Decision = DispositionBody['decision'];
type Impact = AssessmentBody['impact'];
const DECISIONS: Decision[] = ['release', 'conditional-release', 'reject'];
const IMPACTS: Impact[] = ['none', 'quarantine', 'reject'];

/**
 * A Part 11 signature: the decision, what the signature means, a reason when required, and the
 * signing password re-entered each time (never kept: the field is cleared after every attempt). The
 * token names the signer; the API checks the password and answers wrong password or locked account.
 */
export function SignatureForm(props: { kind: 'disposition' | 'assessment'; batchId: string; excursionId?: string; label: string; onSigned: Signed; onClose: () => void }) {
  const { api, session } = useSession();
  const id = useId();
  const [choice, setChoice] = useState<string>(props.kind === 'disposition' ? 'release' : 'none');
  const [meaning, setMeaning] = useState(props.kind === 'disposition' ? 'QA disposition of the batch' : 'QA assessment of the excursion');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const path = { id: props.batchId };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const answer =
      props.kind === 'disposition'
        ? await api.POST('/v1/batches/{id}/qa-disposition', {
            params: { path },
            body: { decision: choice as Decision, meaning, signingPassword: password, ...(reason.trim() ? { reason: reason.trim() } : {}) },
          })
        : await api.POST('/v1/batches/{id}/excursions/{excursionId}/assessment', {
            params: { path: { ...path, excursionId: props.excursionId ?? '' } },
            body: { impact: choice as Impact, meaning, signingPassword: password },
          });
    setPassword('');
    setBusy(false);
    if (answer.data) props.onSigned(`Signed by ${session.identity.name}: ${props.label}, ${choice}. The batch is now ${answer.data.stage.toLowerCase().replace(/_/g, ' ')}.`);
    else setProblem(errorMessage(answer.error, answer.response.status));
  };

  const options = props.kind === 'disposition' ? DECISIONS : IMPACTS;
  return (
    <form className="sign-form" onSubmit={submit} aria-label={`Sign ${props.label}`}>
      <fieldset>
        <legend>{props.kind === 'disposition' ? 'Decision' : 'Impact on the product'}</legend>
        {options.map((o) => (
          <label key={o}>
            <input type="radio" name={`${id}-choice`} value={o} checked={choice === o} onChange={() => setChoice(o)} /> {o}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-meaning`}>Meaning of this signature</label>
      <input id={`${id}-meaning`} value={meaning} onChange={(e) => setMeaning(e.target.value)} required />
      {props.kind === 'disposition' && (
        <>
          <label htmlFor={`${id}-reason`}>Reason {choice === 'release' ? '(optional)' : '(required)'}</label>
          <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} required={choice !== 'release'} />
        </>
      )}
      <label htmlFor={`${id}-password`}>Signing password (re-enter to sign)</label>
      <input id={`${id}-password`} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} required />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <p>
        <button type="submit" disabled={busy}>
          Sign as {session.identity.name}
        </button>{' '}
        <button type="button" className="secondary" onClick={props.onClose}>
          Close
        </button>
      </p>
    </form>
  );
}
