import { useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage, type Schemas } from '../api';
import { useSession } from '../session-context';

type UrgencyTier = Schemas['WaitlistEntry']['urgencyTier'];
/** Every tier, least urgent first (a Record, so a tier the API adds fails to compile here). */
const TIERS: Record<UrgencyTier, string> = { standard: 'standard', urgent: 'urgent', critical: 'critical' };

/**
 * The treating physician's urgency tier with a signed justification (Part 11, as QA signs): the
 * signing password is re-entered each time and cleared after every attempt. One Idempotency-Key per
 * signature, so pressing again after a lost answer cannot sign twice.
 */
export function UrgencyForm({ batchId, current, onSigned }: { batchId: string; current: UrgencyTier; onSigned: (text: string) => void }) {
  const { api, session } = useSession();
  const id = useId();
  const [tier, setTier] = useState<UrgencyTier>(current);
  const [justification, setJustification] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The key of the signature being attempted, with what it signs: a changed tier or text is a new signature.
  const attempt = useRef<{ signs: string; key: string } | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const signs = JSON.stringify([tier, justification.trim()]);
    if (attempt.current?.signs !== signs) attempt.current = { signs, key: crypto.randomUUID() };
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await api.POST('/v1/batches/{id}/urgency', {
        params: { path: { id: batchId }, header: { 'idempotency-key': attempt.current.key } },
        body: { tier, justification: justification.trim(), signingPassword: password },
      });
      // Answered either way: the next press is a new signature with a new key.
      attempt.current = undefined;
      if (answer.data) onSigned(`Urgency ${answer.data.tier} signed by ${answer.data.signer.name}.`);
      else setProblem(errorMessage(answer.error, answer.response.status));
    } catch (err) {
      // No answer: the key is kept, so signing the same again cannot record the signature twice.
      setProblem(`No answer from V2V (${err instanceof Error ? err.message : String(err)}): sign again.`);
    } finally {
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <form className="sign-form" onSubmit={submit} aria-label={`Urgency of batch ${batchId.slice(0, 8)}`}>
      <fieldset>
        <legend>Urgency tier</legend>
        {(Object.keys(TIERS) as UrgencyTier[]).map((t) => (
          <label key={t}>
            <input type="radio" name={`${id}-tier`} value={t} checked={tier === t} onChange={() => setTier(t)} /> {TIERS[t]}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-why`}>Clinical justification</label>
      <textarea id={`${id}-why`} value={justification} onChange={(e) => setJustification(e.target.value)} required rows={2} />
      <label htmlFor={`${id}-password`}>Signing password (re-enter to sign)</label>
      <input id={`${id}-password`} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} required />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Sign as {session.identity.name}
      </button>
    </form>
  );
}
