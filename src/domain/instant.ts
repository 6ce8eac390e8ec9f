import { z } from 'zod';

/** An ISO 8601 instant as the API answers it (`Date.toISOString()`), typed `date-time` in OpenAPI. */
export const instant = z.string().meta({ format: 'date-time' });

/** Epoch milliseconds as that instant. */
export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * PostgreSQL stores a UTC offset of at most 15:59 either way (real zones span −12:00 … +14:00), while
 * ISO 8601 and zod allow up to ±23:59. An instant written with a wider offset passes a plain
 * datetime check and is then refused by the database (SQLSTATE 22009) on every retry, which
 * wedged an ingest partition behind one reading: refuse it at the edge instead.
 */
export const MAX_OFFSET_MINUTES = 15 * 60 + 59;
const OFFSET = /([+-])(\d{2})(?::?(\d{2}))?$/;

export const OFFSET_RULE = 'its UTC offset must be within ±15:59 (real time zones span −12:00 to +14:00)';

/** An ISO 8601 instant with its offset (or Z) that PostgreSQL can store. */
export function zonedInstant(params?: { error?: string }) {
  return z.iso.datetime({ offset: true, ...(params?.error ? { error: params.error } : {}) }).check((ctx) => {
    const m = OFFSET.exec(ctx.value);
    if (m && Number(m[2]) * 60 + Number(m[3] ?? 0) > MAX_OFFSET_MINUTES) ctx.issues.push({ code: 'custom', message: OFFSET_RULE, input: ctx.value });
  });
}
