import { DAY_MS } from '../../domain/durations.js';

/** Days (the unit a scenario draws most durations in) as the milliseconds the twin's clock counts. */
export const days = (d: number) => d * DAY_MS;
