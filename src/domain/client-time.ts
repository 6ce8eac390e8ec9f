/**
 * A time a client reports (the `at` of a hand-off or a milestone) becomes custody evidence, so it
 * must be plausible: not ahead of the server's clock by more than the allowed skew, and not before
 * the batch's last recorded event (a report cannot predate what it follows). Pure: the caller
 * supplies the clock and the batch's last event.
 */
export interface ClientTimeLimits {
  now: number;
  maxAheadMs: number;
  /** The batch's latest recorded event (or its enrolment). */
  notBefore: number;
}

export type ClientTimeRefusal = { rule: 'in_future' | 'before_previous_event'; message: string };

export function checkClientTime(field: string, at: string, limits: ClientTimeLimits): ClientTimeRefusal | null {
  const t = Date.parse(at);
  if (t > limits.now + limits.maxAheadMs) {
    return {
      rule: 'in_future',
      message: `${field} (${at}) is more than ${Math.round(limits.maxAheadMs / 1000)} s ahead of the server's clock (${new Date(limits.now).toISOString()}).`,
    };
  }
  if (t < limits.notBefore) {
    return { rule: 'before_previous_event', message: `${field} (${at}) is before the batch's last recorded event (${new Date(limits.notBefore).toISOString()}).` };
  }
  return null;
}
