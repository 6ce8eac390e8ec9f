import { LIVE_SOURCES, type Cursor, type LiveSource } from './cursor.js';

/**
 * A read "after id n" misses a row whose transaction took its id before a later row's and committed
 * after it: the cursor has moved past it by the time it is visible. The ids a read skipped are
 * watched and asked for again on the next polls, until they turn up or LATE_ROW_WAIT_MS passes (most
 * never will: a rollback or an insert that met a conflict uses up an id too).
 */
export const LATE_ROW_WAIT_MS = 10_000;
/** Watched ids per source, at most: a burst of conflicts must not grow the query without bound. */
const MAX_WATCHED = 1_000;

export type LateIds = Record<LiveSource, number[]>;

export class SkippedIds {
  private readonly watched = new Map<LiveSource, Map<number, number>>(LIVE_SOURCES.map((s) => [s, new Map()]));

  /** After a read from `from`: the ids it skipped are watched from `now`; the ones it found are not any more. */
  note(from: Cursor, read: readonly { source: LiveSource; id: number }[], now: number): void {
    for (const source of LIVE_SOURCES) {
      const watched = this.watched.get(source)!;
      const ids = read.filter((r) => r.source === source).map((r) => r.id);
      for (const id of ids) watched.delete(id);
      const fresh = new Set(ids.filter((id) => id > from[source]));
      if (fresh.size === 0) continue;
      const top = Math.max(...fresh);
      for (let id = Math.max(from[source] + 1, top - MAX_WATCHED); id < top; id++) if (!fresh.has(id)) watched.set(id, now);
    }
  }

  /** The ids still worth asking for at `now`, oldest given up first. */
  pending(now: number): LateIds {
    const late = {} as LateIds;
    for (const source of LIVE_SOURCES) {
      const watched = this.watched.get(source)!;
      for (const [id, since] of watched) if (now - since > LATE_ROW_WAIT_MS) watched.delete(id);
      const ids = [...watched.keys()].sort((a, b) => a - b);
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_WATCHED))) watched.delete(id);
      late[source] = ids.slice(-MAX_WATCHED);
    }
    return late;
  }
}
