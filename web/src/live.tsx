import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { LIVE_EVENT_TYPES } from '../../src/api/live-events/event-types';

/**
 * Live updates: one EventSource per signed-in tab on GET /v1/events (the token rides in the query,
 * as EventSource cannot send headers). Each event bumps a version; a page keeps the versions it cares
 * about (any batch, one batch, alerts) in its load dependencies and refetches — no reload.
 */
export interface LiveEvent {
  /** Increasing per tab: tells two events of the same kind apart. */
  seq: number;
  type: string;
  batchId?: string;
  equipmentId?: string;
}

interface LiveState {
  connected: boolean;
  events: LiveEvent[];
}

const LiveContext = createContext<LiveState>({ connected: false, events: [] });
const KEEP = 50;

function parse(seq: number, type: string, data: string): LiveEvent {
  try {
    const value = JSON.parse(data) as Record<string, unknown>;
    return {
      seq,
      type: typeof value.type === 'string' ? value.type : type,
      ...(typeof value.batchId === 'string' ? { batchId: value.batchId } : {}),
      ...(typeof value.equipmentId === 'string' ? { equipmentId: value.equipmentId } : {}),
    };
  } catch {
    return { seq, type };
  }
}

export function LiveProvider({ token, children }: { token: string; children: ReactNode }) {
  const [state, setState] = useState<LiveState>({ connected: false, events: [] });
  useEffect(() => {
    const source = new EventSource(`/v1/events?access_token=${encodeURIComponent(token)}`);
    let seq = 0;
    const onEvent = (e: MessageEvent<string>) => {
      seq += 1;
      const event = parse(seq, e.type, e.data);
      setState((s) => ({ connected: true, events: [event, ...s.events].slice(0, KEEP) }));
    };
    const listened = ['message', ...LIVE_EVENT_TYPES];
    for (const type of listened) source.addEventListener(type, onEvent as EventListener);
    source.onopen = () => setState((s) => ({ ...s, connected: true }));
    source.onerror = () => setState((s) => ({ ...s, connected: source.readyState === EventSource.OPEN }));
    return () => source.close();
  }, [token]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export const useLiveConnected = () => useContext(LiveContext).connected;

/**
 * The sequence number of the latest live event that `concerns` the caller: put it in a load's
 * dependencies and the load refetches when such an event arrives.
 */
export function useLiveVersion(concerns: (e: LiveEvent) => boolean): number {
  const { events } = useContext(LiveContext);
  return events.find(concerns)?.seq ?? 0;
}
