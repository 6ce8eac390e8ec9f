/**
 * A slot chain's days are calendar days at each site (`YYYY-MM-DD`), not instants: they are shown as
 * the date they name, read at UTC noon so no viewer's zone can move them to the day before.
 */
const dateOnly = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

const dayColumn = new Intl.DateTimeFormat(undefined, { weekday: 'narrow', day: 'numeric', timeZone: 'UTC' });

/** A grid column's short head: the weekday's letter and the day of the month. */
export function dayColumnLabel(date: string): string {
  const parts = dayColumn.formatToParts(new Date(`${date}T12:00:00Z`));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')}`;
}

export const localDay = (date: string | null | undefined): string => (date ? dateOnly.format(new Date(`${date}T12:00:00Z`)) : '—');

/** The day before a local date: a line window ends the day before its exclusive `lineEndDay`. */
export function dayBefore(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** A band of local days, P10 – P90 with the median in words. */
export function dayBand(b: { p10: string | null; p50: string | null; p90: string | null } | null | undefined): string {
  if (!b || (!b.p10 && !b.p50 && !b.p90)) return 'none in the horizon';
  return `${localDay(b.p10)} – ${localDay(b.p90)} (median ${localDay(b.p50)})`;
}
