import type { BatchStatus, Forecast } from './api';

const dateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

export const when = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
export const day = (iso: string) => dateOnly.format(new Date(iso));
export const stageLabel = (stage: string) => stage.toLowerCase().replace(/_/g, ' ');

type Band = Forecast['release'];
/** A forecast band as the board shows it: P10–P90, P50 in the tooltip. */
export const band = (b: Band | undefined) => (b ? `${when(b.p10)} – ${when(b.p90)}` : '—');

/** What the batch waits for, in words. */
export function awaitingText(awaiting: BatchStatus['awaiting']): string {
  if (!awaiting) return 'nothing (ended)';
  switch (awaiting.kind) {
    case 'handoff':
      return `handoff: ${awaiting.step}`;
    case 'milestone':
      return `milestone: ${awaiting.milestone}`;
    case 'qa-disposition':
      return 'QA disposition';
    case 'excursion-assessment':
      return 'excursion assessment';
    case 'infusion-booking':
      return `infusion booking (${when(awaiting.earliest)} – ${when(awaiting.latest)})`;
    case 'timer':
      return `${awaiting.reason} until ${when(awaiting.until)}`;
    case 'chain':
      return `slot chain (${awaiting.status}): ${awaiting.reason}`;
  }
}
