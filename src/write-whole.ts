import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/*
 * At the top of src/ beside poll-until.ts: the worker's bundle and the CLI's model cache both write
 * files another process may read at any moment, and neither is below the other.
 */

/**
 * Writes `data` to `file` whole or not at all: it goes to a file beside it first and is renamed
 * over `file`, so a reader meanwhile sees the old file or the new one, never half of either. A write
 * that fails leaves no partial file behind.
 */
export function writeFileWhole(file: string, data: string | Uint8Array): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch (err) {
    if (existsSync(partial)) rmSync(partial);
    throw err;
  }
}
