import { useState } from 'react';
import { errorMessage } from '../api';
import { when, type BatchTime } from '../format';
import { useSession } from '../session-context';

type Booked = { from: string; chair: string } | undefined;

/**
 * Book or move a batch's infusion to a day, or cancel its booking. The workflow decides (LD rule,
 * window, free chair); a refusal comes back with the API's sentence, shown as is.
 */
export function BookingActions(props: {
  batchId: string;
  /** A calendar date, or on a compressed clock the instant its simulated day starts. */
  date?: string;
  /** The day as shown (the date itself when absent). */
  label?: string;
  /** The batch's time, for the instants in the answer (real time when absent). */
  time?: Pick<BatchTime, 'when'>;
  booked: Booked;
  onDone: (ok: boolean, text: string) => void;
  cancelOnly?: boolean;
}) {
  const { batchId, date, booked, onDone, cancelOnly, label = date } = props;
  const { when: shown } = props.time ?? { when };
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const path = { params: { path: { id: batchId } } };

  const book = async () => {
    if (!date) return;
    setBusy(true);
    const { data, error, response } = await api.POST('/v1/batches/{id}/infusion-booking', { ...path, body: { infusionDate: date } });
    setBusy(false);
    onDone(Boolean(data), data ? `Booked ${label} on ${data.chair}; lymphodepletion from ${shown(data.ldStart)}.` : `Refused: ${errorMessage(error, response.status)}`);
  };
  const cancel = async () => {
    setBusy(true);
    const { data, error, response } = await api.DELETE('/v1/batches/{id}/infusion-booking', path);
    setBusy(false);
    onDone(Boolean(data), data ? 'Booking cancelled; the chair is free again.' : `Refused: ${errorMessage(error, response.status)}`);
  };

  if (cancelOnly) {
    return booked ? (
      <p>
        Booked on {booked.chair} from {shown(booked.from)}.{' '}
        <button type="button" className="secondary" onClick={cancel} disabled={busy}>
          Cancel booking
        </button>
      </p>
    ) : (
      <p className="muted">Not booked yet: choose a highlighted day.</p>
    );
  }
  return (
    <button type="button" onClick={book} disabled={busy} aria-label={`${booked ? 'Move to' : 'Book'} ${label}`}>
      {booked ? 'Move here' : 'Book'}
    </button>
  );
}
