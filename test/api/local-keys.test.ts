import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ensureLocalKeys, issueLocalToken, localKeyFiles } from '../../src/api/auth/local-keys.js';

const principal = { subject: 'u-1', kind: 'user' as const, name: 'A. Tester', role: 'qa' as const, sites: ['site-1'] };

describe('the local key set', () => {
  it('is one key pair however many callers create it at once, and its JWKS verifies their tokens', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'v2v-keys-'));
    const tokens = await Promise.all(Array.from({ length: 8 }, () => issueLocalToken(root, principal)));
    const kids = new Set((await Promise.all(Array.from({ length: 4 }, () => ensureLocalKeys(root)))).map((k) => k.privateJwk.kid));
    expect(kids.size).toBe(1);
    const files = localKeyFiles(root);
    const jwks = createLocalJWKSet(JSON.parse(readFileSync(files.jwks, 'utf8')));
    for (const token of tokens) expect((await jwtVerify(token, jwks, { issuer: 'v2v-local', audience: 'v2v-api' })).payload.sub).toBe('u-1');
    // The private half is its owner's alone; the public half holds no private parameter.
    expect(statSync(files.privateKey).mode & 0o077).toBe(0);
    expect(readFileSync(files.jwks, 'utf8')).not.toContain('"d"');
  });
});
