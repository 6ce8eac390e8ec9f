/** Progress goes to stderr, time-stamped; the report alone goes to stdout. */
export const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
