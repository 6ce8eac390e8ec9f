import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * At the top of src/ beside write-whole.ts: the worker's bundle and the audit's checkpoints are
 * written where an operator says, and neither is below the other.
 */

/**
 * `mkdir -p` for a path someone gave: each missing level is made in turn, from the nearest one
 * that exists. Node 20's `mkdirSync(dir, { recursive: true })` never returns where the kernel
 * answers ENOENT under a directory that exists (`/proc/nope/x` spins until killed); one level at a
 * time, that is an error naming the path.
 */
export function makeDirectory(dir: string, mode?: number): void {
  const missing: string[] = [];
  const resolved = path.resolve(dir);
  for (let at = resolved; !existsSync(at); at = path.dirname(at)) missing.unshift(at);
  for (const level of missing) mkdirSync(level, mode === undefined ? {} : { mode });
  // As `mkdir -p` answers for a file in the way, rather than a later write's less telling error.
  if (!statSync(resolved).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${resolved}'`), { code: 'ENOTDIR' });
}
