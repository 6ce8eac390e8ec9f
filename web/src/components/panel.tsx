import type { ReactNode } from 'react';
import type { Loaded } from '../use-load';

/** A loaded answer's three faces: loading, the API's refusal (or "not available"), the content. */
export function Panel<T>({ loaded, label, children }: { loaded: Loaded<T>; label: string; children: (data: T) => ReactNode }) {
  if (loaded.state === 'loading') return <p className="muted">Loading {label}…</p>;
  if (loaded.state === 'error') {
    const text = loaded.status === 404 ? `${label}: not available` : `${label}: ${loaded.message}`;
    return (
      <p role="status" className="error">
        {text}
      </p>
    );
  }
  return <>{children(loaded.data)}</>;
}
