/**
 * Where a live-event stream stands: the last id seen in each source table. Each source has an
 * increasing bigserial id, so "everything after" is an index range scan. Encoded as the SSE `id:` so
 * a reconnecting EventSource sends it back as Last-Event-ID and resumes exactly there.
 */
export const LIVE_SOURCES = ['stage', 'alert', 'custody', 'forecast', 'excursion'] as const;
export type LiveSource = (typeof LIVE_SOURCES)[number];

export type Cursor = Record<LiveSource, number>;

export const encodeCursor = (cursor: Cursor): string => LIVE_SOURCES.map((s) => cursor[s]).join('.');

/** The cursor a Last-Event-ID names, or undefined when it is not one of ours (the stream then starts live). */
export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (text === undefined) return undefined;
  const parts = text.split('.');
  if (parts.length !== LIVE_SOURCES.length || !parts.every((p) => /^\d{1,18}$/.test(p))) return undefined;
  return Object.fromEntries(LIVE_SOURCES.map((s, i) => [s, Number(parts[i])])) as Cursor;
}

export const advance = (cursor: Cursor, source: LiveSource, id: number): Cursor => ({ ...cursor, [source]: Math.max(cursor[source], id) });

/** Whether `cursor` has reached `target` in every source. */
export const reached = (cursor: Cursor, target: Cursor): boolean => LIVE_SOURCES.every((s) => cursor[s] >= target[s]);
