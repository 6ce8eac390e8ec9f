import type { Random } from '../../src/domain/random.js';

/**
 * Hostile text for fuzz tests, drawn from a seeded stream (src/domain/random.ts) so a failing case
 * replays from its seed: NUL, lone surrogates, C0/C1 controls, emoji, right-to-left marks and
 * scripts, quoting and format-string bait, and huge values (up to 100 KB). About a third is
 * printable only, so values a text rule accepts are drawn too and the accepting path is exercised.
 */
const NASTY = ['\u0000', '\uD800', '\uDFFF', '\u0007', '\u001B[31m', '\t', '\n', '\r', '\u0085', '\u007F', '\u009B', '\u0008'];
const PRINTABLE = [
  '\uD83D\uDE00', '\uD83D\uDC89', '\u202E', '\u200F', '\u200B', '\uFEFF', 'שלום', 'مرحبا', 'é', '漢字', ' ', 'a', 'Z', '9', '-', '"', '\\', "'",
  '%s', '${x}', '<script>', "'; drop table custody_events;--", '\u{1F9EC}', 'ﷺ', '\u0301',
];

const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r.uniform() * xs.length)]!;

export function hostileText(r: Random): string {
  const kind = r.uniform();
  // Huge: 1 KB to 100 KB, sometimes with a NUL at the very end where a prefix check would miss it.
  if (kind < 0.12) {
    const n = 1_000 + Math.floor(r.uniform() * 99_000);
    return pick(r, ['x', 'ж', '\uD83D\uDE00']).repeat(n).slice(0, n) + (r.chance(0.5) ? '\u0000' : '');
  }
  const printableOnly = kind < 0.45;
  const n = 1 + Math.floor(r.uniform() * (r.chance(0.15) ? 600 : 24));
  let s = '';
  for (let i = 0; i < n; i++) {
    const draw = r.uniform();
    if (printableOnly || draw < 0.45) s += pick(r, PRINTABLE);
    else if (draw < 0.75) s += pick(r, NASTY);
    else s += String.fromCharCode(Math.floor(r.uniform() * 0x10000));
  }
  return s;
}

/** A short, printable description of a value for failure messages. */
export function describeValue(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  return `${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? `…(${value.length} chars)` : ''}`;
}

/** Sets `value` at `path` in a copy of `obj`. */
export function withValue<T extends object>(obj: T, path: readonly (string | number)[], value: unknown): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) {
    at[k] ??= {};
    at = at[k] as Record<string, unknown>;
  }
  at[path.at(-1)!] = value;
  return copy as T;
}
