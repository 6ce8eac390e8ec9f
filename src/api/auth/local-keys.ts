import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { API_AUDIENCE, claimsOf, LOCAL_ISSUER } from './claims.js';
import type { Principal } from './principal.js';
import { DEFAULT_TOKEN_LIMITS, lifetimeToIssue, type TokenLimits } from './token-lifetime.js';

/**
 * Development's identity provider: one ES256 key pair under `<stack>/auth/`. The public half is a
 * JWKS the API verifies against exactly as it would an OpenID Connect provider's; the private half
 * signs the tokens `v2v users add` and `v2v token` print. Production points V2V at a remote JWKS.
 */
const ALG = 'ES256';

export interface LocalKeyFiles {
  privateKey: string;
  jwks: string;
}

export function localKeyFiles(stackRoot: string): LocalKeyFiles {
  const dir = path.join(stackRoot, 'auth');
  return { privateKey: path.join(dir, 'signing-key.jwk.json'), jwks: path.join(dir, 'jwks.json') };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const temporary = (file: string) => `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;

/**
 * The key pair, created by whichever caller comes first: a fresh key is written to a temporary
 * file and linked into place, which fails if another process got there first — then its key is the
 * one. Without this, two callers starting together (test files, the demo and a CLI) each made a key,
 * and tokens signed with the loser's did not verify.
 */
async function privateKey(files: LocalKeyFiles): Promise<JWK> {
  const existing = await readJson<JWK>(files.privateKey);
  if (existing) return existing;
  const { privateKey: key } = await generateKeyPair(ALG, { extractable: true });
  const jwk = { ...(await exportJWK(key)), kid: `v2v-local-${Date.now().toString(36)}`, alg: ALG };
  await mkdir(path.dirname(files.privateKey), { recursive: true, mode: 0o700 });
  // The private key is a secret: readable by its owner only.
  const tmp = temporary(files.privateKey);
  await writeFile(tmp, JSON.stringify(jwk), { mode: 0o600 });
  try {
    await link(tmp, files.privateKey);
    return jwk;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readJson<JWK>(files.privateKey))!;
  } finally {
    await unlink(tmp);
  }
}

/** The public half of an EC private key, as a one-key JWKS. */
function publicKeySet(privateJwk: JWK): JSONWebKeySet {
  const { kty, crv, x, y, kid } = privateJwk;
  return { keys: [{ kty, crv, x, y, kid, alg: ALG, use: 'sig' } as JWK] };
}

// Callers in one process share one creation.
const creating = new Map<string, Promise<{ privateJwk: JWK; jwks: JSONWebKeySet }>>();

/** Creates the key pair on first use; later calls, in this process or another, return the same one. */
export function ensureLocalKeys(stackRoot: string): Promise<{ privateJwk: JWK; jwks: JSONWebKeySet }> {
  const pending = creating.get(stackRoot);
  if (pending) return pending;
  const files = localKeyFiles(stackRoot);
  const created = (async () => {
    const privateJwk = await privateKey(files);
    const jwks = publicKeySet(privateJwk);
    const written = await readJson<JSONWebKeySet>(files.jwks);
    if (written?.keys[0]?.kid !== privateJwk.kid || written?.keys[0]?.x !== privateJwk.x) {
      const tmp = temporary(files.jwks);
      await writeFile(tmp, JSON.stringify(jwks, null, 2));
      await rename(tmp, files.jwks);
    }
    return { privateJwk, jwks };
  })().finally(() => creating.delete(stackRoot));
  creating.set(stackRoot, created);
  return created;
}

export interface IssueOptions {
  /** A span like '8h', '45m', '30d'; at most the kind's bound, which is also the default. */
  expiresIn?: string;
  audience?: string;
  /** The bounds the verifier will apply (src/config.ts); the defaults otherwise. */
  limits?: TokenLimits;
}

/**
 * A bearer token for `principal`, signed with the local key (created if missing). Each carries a
 * `jti`, so it alone can be revoked (`v2v token revoke --jti`), and an `exp` within its kind's bound.
 */
export async function issueLocalToken(stackRoot: string, principal: Principal, options: IssueOptions = {}): Promise<string> {
  const lifetime = lifetimeToIssue(principal.kind, options.expiresIn, options.limits ?? DEFAULT_TOKEN_LIMITS);
  const { privateJwk } = await ensureLocalKeys(stackRoot);
  const key = await importJWK(privateJwk, ALG);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claimsOf(principal))
    .setProtectedHeader({ alg: ALG, kid: privateJwk.kid! })
    .setSubject(principal.subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(options.audience ?? API_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key);
}
