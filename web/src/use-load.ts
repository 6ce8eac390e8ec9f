import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from './api';

/** What a panel shows while it loads, after it loaded, or when the API refused. */
export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; message: string; status?: number };

type Answer<T> = { data?: T; error?: unknown; response: Response };

/**
 * Loads one API answer and reloads it when `deps` change (a live event bumps a counter in them).
 * A reload keeps the previous data on screen until the new answer arrives, so live updates do not flicker.
 */
export function useLoad<T>(load: () => Promise<Answer<T>>, deps: unknown[]): Loaded<T> & { reload: () => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let current = true;
    run().then(
      ({ data, error, response }) => {
        if (!current) return;
        if (data !== undefined && response.ok) setLoaded({ state: 'ok', data });
        else setLoaded({ state: 'error', message: errorMessage(error, response.status), status: response.status });
      },
      (err: unknown) => current && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      current = false;
    };
  }, [run, tick]);
  return { ...loaded, reload: () => setTick((t) => t + 1) };
}
