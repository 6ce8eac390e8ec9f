/** What the drivers count across the run, read by the report and by an abort. */

export const handoffLatencies: number[] = [];

/** Every workflow id this run started, so an abort can terminate what is still open. */
export const startedIds: string[] = [];

export const refusals = new Map<string, number>();
export const refused = (type: string) => refusals.set(type, (refusals.get(type) ?? 0) + 1);

export const bookings = { retries: 0 };
