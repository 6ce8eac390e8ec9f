import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDirectory } from '../src/make-directory.js';

let root: string | undefined;
afterEach(() => root && rmSync(root, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('makes every missing level with the mode asked for, and leaves an existing directory as it is', () => {
    root = mkdtempSync(path.join(tmpdir(), 'v2v-mkdir-'));
    const deep = path.join(root, 'a', 'b', 'c');
    makeDirectory(deep, 0o700);
    for (const level of [path.join(root, 'a'), path.join(root, 'a', 'b'), deep]) expect(statSync(level).mode & 0o777).toBe(0o700);
    expect(() => makeDirectory(deep)).not.toThrow();
  });

  it('throws, naming the path, where the kernel refuses a level under one that exists (Node 20 recursive mkdir spins there)', () => {
    expect(() => makeDirectory('/proc/v2v-nope/x')).toThrow(/ENOENT.*\/proc\/v2v-nope/);
  });

  it('throws where a level is a file', () => {
    root = mkdtempSync(path.join(tmpdir(), 'v2v-mkdir-'));
    const file = path.join(root, 'file');
    writeFileSync(file, '');
    expect(() => makeDirectory(path.join(file, 'x'))).toThrow(/ENOTDIR/);
    expect(() => makeDirectory(file)).toThrow(`ENOTDIR: not a directory, mkdir '${file}'`);
  });
});
