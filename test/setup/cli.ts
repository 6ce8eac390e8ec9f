import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../src/stack/paths.js';

/** The `v2v` command as a user runs it. */
export const V2V_BIN = path.join(repoRoot, 'bin/v2v.js');

/**
 * Runs `v2v …` as a user would, in this environment: it finds the stack through .stack/env (or the
 * variables that named it), and a non-zero exit throws.
 */
export function runV2v(...args: string[]): string {
  return runV2vWith(process.env, ...args);
}

/** `v2v …` with these variables, e.g. the stack's exports as `eval "$(npx v2v stack env)"` leaves them. */
export function runV2vWith(env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync(process.execPath, [V2V_BIN, ...args], { encoding: 'utf8', env });
}
