import { z } from 'zod';

/**
 * Text from outside that V2V passes on to PostgreSQL, Kafka and Temporal. PostgreSQL refuses a NUL
 * in text and jsonb; a lone UTF-16 surrogate has no UTF-8 form, so the driver would silently store
 * U+FFFD instead and the stored record would no longer be the one its hash was made of. Refusing both
 * at the edge, with a bounded length, is what keeps one bad value from wedging a batch's workflow or
 * an ingest partition behind an activity that can never succeed.
 */
export const TEXT_RULES = {
  nul: 'must not contain the NUL character (U+0000)',
  surrogate: 'must not contain a lone UTF-16 surrogate (text must be valid Unicode)',
  control: 'must not contain control characters',
} as const;

/** Maximum lengths, in UTF-16 code units, of the free-text fields of commands and readings (README: "Input limits"). */
export const TEXT_LIMITS = {
  name: 200,
  role: 100,
  location: 200,
  source: 200,
  meaning: 500,
  reason: 2000,
  patientRef: 64,
  code: 64,
  unit: 16,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 and C1 controls and DEL; a multi-line field keeps tab, line feed and carriage return.
const CONTROL = /[\u0001-\u001F\u007F-\u009F]/;
const CONTROL_BUT_LINES = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The first rule `value` breaks, or undefined: for text that is checked outside a zod schema (JSON keys and values). */
export function textFault(value: string, multiline = false): string | undefined {
  if (value.includes('\u0000')) return TEXT_RULES.nul;
  if (LONE_SURROGATE.test(value)) return TEXT_RULES.surrogate;
  if ((multiline ? CONTROL_BUT_LINES : CONTROL).test(value)) return TEXT_RULES.control;
  return undefined;
}

/**
 * A free-text field: trimmed, 1..max long, no NUL, no lone surrogate, no control characters
 * (tab and line breaks allowed when `multiline`). Each refusal names its rule.
 */
export function safeText({ max, multiline = false }: { max: number; multiline?: boolean }) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .check((ctx) => {
      const fault = textFault(ctx.value, multiline);
      if (fault) ctx.issues.push({ code: 'custom', message: fault, input: ctx.value });
    });
}

/** Bounds of a milestone's `data`: its JSON size, its nesting, its keys. */
export const DATA_LIMITS = { bytes: 4096, depth: 4, keyLength: 64 } as const;

/**
 * Free-form JSON a partner attaches (a milestone's `data`): an object whose serialised size and
 * nesting are bounded and whose every key and string obeys the text rules, so it can neither grow a
 * workflow's history nor be refused by jsonb.
 */
export function boundedData() {
  return z.record(z.string(), z.unknown()).check((ctx) => {
    const fault = (path: (string | number)[], message: string): void => {
      ctx.issues.push({ code: 'custom', message, path, input: ctx.value });
    };
    const walk = (v: unknown, path: (string | number)[], depth: number): void => {
      if (depth > DATA_LIMITS.depth) return fault(path, `must not nest deeper than ${DATA_LIMITS.depth} levels`);
      if (typeof v === 'string') {
        const bad = textFault(v, true);
        if (bad) fault(path, bad);
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => walk(x, [...path, i], depth + 1));
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          const bad = textFault(k) ?? (k.length > DATA_LIMITS.keyLength ? `keys must be at most ${DATA_LIMITS.keyLength} characters` : undefined);
          if (bad) fault([...path, k], `key: ${bad}`);
          else walk(x, [...path, k], depth + 1);
        }
      }
    };
    for (const [k, x] of Object.entries(ctx.value)) {
      const bad = textFault(k) ?? (k.length > DATA_LIMITS.keyLength ? `keys must be at most ${DATA_LIMITS.keyLength} characters` : undefined);
      if (bad) fault([k], `key: ${bad}`);
      else walk(x, [k], 1);
    }
    if (ctx.issues.length > 0) return;
    const bytes = new TextEncoder().encode(JSON.stringify(ctx.value)).length;
    if (bytes > DATA_LIMITS.bytes) fault([], `must be at most ${DATA_LIMITS.bytes} bytes as JSON (got ${bytes})`);
  });
}
