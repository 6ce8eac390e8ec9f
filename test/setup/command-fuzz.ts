import { expect } from 'vitest';
import type { z } from 'zod';
import type { V2vApiClient } from '../../src/api/client/index.js';
import { Random } from '../../src/domain/random.js';
import type { Answer } from '../../src/live/v2v-api.js';
import { describeValue, hostileText, withValue } from './hostile-values.js';

/** The API's body limit (src/api/app.ts): a bigger body is refused whole (413) before any field is read. */
export const BODY_LIMIT = 64 * 1024;

/** One free-text field of one command: where it sits in the body, and the route's own request schema. */
export interface FuzzField {
  path: (string | number)[];
  /** Draws the hostile value (hostile text unless said otherwise). */
  value?: (r: Random) => unknown;
}

/** How the hostile cases were answered, for the closing figures. */
export class FuzzTally {
  readonly byOutcome = new Map<string, number>();
  readonly byCommand = new Map<string, number>();
  cases = 0;
  count(command: string, outcome: string) {
    this.cases++;
    this.byOutcome.set(outcome, (this.byOutcome.get(outcome) ?? 0) + 1);
    this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
  }
  summary(): string {
    return `${this.cases} hostile commands: ${[...this.byOutcome].map(([k, v]) => `${k} ${v}`).join(', ')}; by command: ${[...this.byCommand].map(([k, v]) => `${k} ${v}`).join(', ')}`;
  }
}

type Post = (path: string, init: { params?: { path: Record<string, string> }; body: unknown }) => Promise<Answer & { data?: unknown }>;

/** A POST whose body is deliberately outside the route's types. */
export const postHostile = (api: V2vApiClient, path: string, params: Record<string, string>, body: unknown) =>
  (api.POST.bind(api) as unknown as Post)(path, { params: { path: params }, body });

export interface FuzzedCase<B> {
  body: B;
  /** The value as the route's schema keeps it (trimmed), when the schema accepts the body. */
  accepted?: B;
  answer: Answer & { data?: unknown };
}

/**
 * Sends `cases` variants of `base`, each with one hostile value at `field.path`, and checks each
 * answer against the route's own request schema: a body over the limit is refused whole (413);
 * one the schema refuses is 400 ERR_VALIDATION with `details` naming the field; one it accepts is
 * never a 400 (the workflow may still refuse it: a COI mismatch, out of turn). Never a 5xx, never
 * a hang (the test's timeout). Returns every case, so a caller can see which were applied.
 */
export async function fuzzField<B extends object>(
  tally: FuzzTally,
  command: string,
  send: (body: B) => Promise<Answer & { data?: unknown }>,
  schema: z.ZodType,
  base: B,
  field: FuzzField,
  r: Random,
  cases: number,
): Promise<FuzzedCase<B>[]> {
  const out: FuzzedCase<B>[] = [];
  for (let i = 0; i < cases; i++) {
    const value = (field.value ?? hostileText)(r);
    const body = withValue(base, field.path, value);
    const parsed = schema.safeParse(body);
    const answer = await send(body);
    const status = answer.response.status;
    const what = `${command} ${field.path.join('.')} = ${describeValue(value)} answered ${status} ${JSON.stringify(answer.error)?.slice(0, 300)}`;
    expect(status, what).toBeLessThan(500);
    if (Buffer.byteLength(JSON.stringify(body)) > BODY_LIMIT) {
      expect(status, what).toBe(413);
      tally.count(command, '413 body too large');
    } else if (!parsed.success) {
      expect(status, what).toBe(400);
      const error = (answer.error as { error: { code: string; details?: { in: string; path: (string | number)[] }[] } }).error;
      expect(error.code, what).toBe('ERR_VALIDATION');
      // A hostile key inside `data` is named by its own path under `data`.
      const prefix = field.path[0] === 'data' ? ['data'] : field.path;
      const named = error.details?.some((d) => d.in === 'body' && prefix.every((k, j) => d.path[j] === k));
      expect(named, `${what}: details must name ${prefix.join('.')}`).toBe(true);
      tally.count(command, '400 naming the field');
    } else {
      expect(status, what).not.toBe(400);
      tally.count(command, answer.response.ok ? '2xx accepted' : `${status} refused by the workflow`);
    }
    out.push({ body, answer, ...(parsed.success ? { accepted: parsed.data as B } : {}) });
  }
  return out;
}

/** Hostile instants: offsets PostgreSQL cannot store, impossible days, far futures, garbage. */
export function hostileInstant(now: number) {
  return (r: Random): unknown => {
    const pickOne = Math.floor(r.uniform() * 6);
    const local = (offsetMinutes: number) => {
      const t = new Date(now + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      return `${t}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    };
    switch (pickOne) {
      case 0:
        return local(23 * 60 + 59);
      case 1:
        return local(-(16 * 60 + 30));
      case 2:
        return '2026-02-30T10:00:00Z';
      case 3:
        return '9999-12-31T23:59:59.999999999Z';
      case 4:
        return new Date(now).toISOString().replace('Z', '123456789Z');
      default:
        return hostileText(r);
    }
  };
}

export const streamOf = (seed: number, ...names: (string | number)[]) => Random.stream(seed, 'fuzz', ...names);
