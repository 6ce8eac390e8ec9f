import { useState, type FormEvent } from 'react';
import { signIn, type Session } from '../session';

/** Paste a bearer token (`v2v token`, `v2v users add`, or the demo's per-role link does it for you). */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string | undefined }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const session = signIn(token);
    if (session) onSignedIn(session);
    else setProblem('That is not a V2V token: paste the whole token printed by `v2v token` or `v2v users add`.');
  };
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to V2V</h1>
      {notice && (
        <p role="status" className="error">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">Bearer token</label>
        <textarea id="token" rows={5} value={token} onChange={(e) => setToken(e.target.value)} required aria-describedby="token-help" />
        <p id="token-help" className="hint">
          The token stays in this tab only (session storage). The server checks it on every request.
        </p>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
