// Lengths of time in milliseconds, zod-free so the dashboard's bundle can share them. A batch on a
// compressed clock divides them by its time scale through `batchClock`, never by hand.
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
