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
  return execFileSync(process.execPath, [V2V_BIN, ...args], { encoding: 'utf8' });
}
