import { z } from 'zod';

/** An ISO 8601 instant as the API answers it (`Date.toISOString()`), typed `date-time` in OpenAPI. */
export const instant = z.string().meta({ format: 'date-time' });

/** Epoch milliseconds as that instant. */
export const iso = (ms: number) => new Date(ms).toISOString();
