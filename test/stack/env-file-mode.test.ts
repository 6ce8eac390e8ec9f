import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeStackEnv } from '../../src/stack/stack.js';

describe('.stack/env', () => {
  it('is written readable by its owner only, and narrows an older world-readable file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2v-env-mode-'));
    const fresh = path.join(dir, 'env');
    writeStackEnv(fresh, { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/db' });
    expect(statSync(fresh).mode & 0o777).toBe(0o600);

    const older = path.join(dir, 'older-env');
    writeFileSync(older, 'export A=1\n', { mode: 0o644 });
    writeStackEnv(older, { A: '2' });
    expect(statSync(older).mode & 0o777).toBe(0o600);
  });
});
