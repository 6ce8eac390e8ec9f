/**
 * A bench's command-line values, checked before anything runs: a typo must stop the run with the
 * flag's name and rule, not become NaN readings or a zero-second phase. The value is quoted only
 * as far as a person needs to recognise it.
 */
const quoted = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** A whole number, at least `min` (1 unless said). */
export function countFlag(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, got ${quoted(value)}.`);
  return n;
}

/** One of `choices`. */
export function choiceFlag<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${choices.join(', ')}, got ${quoted(value)}.`);
  return value as T;
}
