import { useEffect, useState, type FormEvent } from 'react';
import { signIn, type Session } from '../session';
import { finishOidcSignIn, signInConfig, signInWithPassword, startOidcSignIn, type SignInConfig } from '../sign-in/oidc';

/**
 * Sign in as people do elsewhere: through the installation's OpenID Connect provider when it has
 * one, else with a user name and password (`v2v users login`). A bearer token can still be pasted
 * (`v2v token`), and the demo's per-role links sign in by themselves.
 */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string | undefined }) {
  const [config, setConfig] = useState<SignInConfig>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const accept = (token: string) => {
    const session = signIn(token);
    if (session) onSignedIn(session);
    else setProblem('That is not a V2V token: paste the whole token printed by `v2v token` or `v2v users add`.');
  };

  useEffect(() => {
    let live = true;
    void (async () => {
      const returned = await finishOidcSignIn();
      if (!live) return;
      if (returned && 'token' in returned) return accept(returned.token);
      if (returned) setProblem(returned.problem);
      try {
        const loaded = await signInConfig();
        if (live) setConfig(loaded);
      } catch (err) {
        if (live) setProblem(`Sign-in is not available: ${(err as Error).message}`);
      }
    })();
    return () => {
      live = false;
    };
    // Once, on arrival: a return from the provider is read and forgotten.
  }, []);

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to V2V</h1>
      {notice && (
        <p role="status" className="error">
          {notice}
        </p>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      {config?.method === 'oidc' && (
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void startOidcSignIn(config);
          }}
        >
          Sign in with your organisation&apos;s account
        </button>
      )}
      {config?.method === 'password' && <PasswordForm onToken={accept} onProblem={setProblem} />}
      <TokenForm onToken={accept} />
    </main>
  );
}

function PasswordForm({ onToken, onProblem }: { onToken: (token: string) => void; onProblem: (problem: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const answer = await signInWithPassword(username.trim(), password);
    setBusy(false);
    setPassword('');
    if ('token' in answer) onToken(answer.token);
    else onProblem(answer.problem);
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Sign in with a password">
      <label htmlFor="username">User name</label>
      <input id="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} />
      <label htmlFor="password">Password</label>
      <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required maxLength={1024} />
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <details>
      <summary>Use a bearer token instead</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onToken(token);
        }}
      >
        <label htmlFor="token">Bearer token</label>
        <textarea id="token" rows={5} value={token} onChange={(e) => setToken(e.target.value)} required aria-describedby="token-help" />
        <p id="token-help" className="hint">
          From <code>v2v token</code>. It stays in this tab only (session storage); the server checks it on every request.
        </p>
        <button type="submit">Use this token</button>
      </form>
    </details>
  );
}
