import type { ReactNode } from 'react';
import type { Loaded } from '../use-load';

/** A loaded answer's three faces: loading, the API's refusal (or "not available"), the content. */
export function Panel<T>({ loaded, label, children }: { loaded: Loaded<T>; label: string; children: (data: T) => ReactNode }) {
  if (loaded.state === 'loading') return <p className="muted">Loading {label}…</p>;
  if (loaded.state === 'error') {
    // A route the server lacks answers 404 without the envelope: errorMessage says "not available".
    const text = `${label}: ${loaded.message}`;
    return (
      <p role="status" className="error">
        {text}
      </p>
    );
  }
  return <>{children(loaded.data)}</>;
}
