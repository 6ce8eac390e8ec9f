import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { API_AUDIENCE, claimsOf, LOCAL_ISSUER } from './claims.js';
import type { Principal } from './principal.js';

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

/** Creates the key pair on first use; later calls return the same one. */
export async function ensureLocalKeys(stackRoot: string): Promise<{ privateJwk: JWK; jwks: JSONWebKeySet }> {
  const files = localKeyFiles(stackRoot);
  const privateJwk = await readJson<JWK>(files.privateKey);
  const jwks = await readJson<JSONWebKeySet>(files.jwks);
  if (privateJwk && jwks) return { privateJwk, jwks };

  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = `v2v-local-${Date.now().toString(36)}`;
  const created = { privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG }, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }] } };
  await mkdir(path.dirname(files.privateKey), { recursive: true, mode: 0o700 });
  // The private key is a secret: readable by its owner only.
  await writeFile(files.privateKey, JSON.stringify(created.privateJwk), { mode: 0o600 });
  await writeFile(files.jwks, JSON.stringify(created.jwks, null, 2));
  return created;
}

export interface IssueOptions {
  /** jose's time span, e.g. '12h', '30d'. */
  expiresIn?: string;
  audience?: string;
}

/** A bearer token for `principal`, signed with the local key (created if missing). */
export async function issueLocalToken(stackRoot: string, principal: Principal, options: IssueOptions = {}): Promise<string> {
  const { privateJwk } = await ensureLocalKeys(stackRoot);
  const key = await importJWK(privateJwk, ALG);
  return new SignJWT(claimsOf(principal))
    .setProtectedHeader({ alg: ALG, kid: privateJwk.kid! })
    .setSubject(principal.subject)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(options.audience ?? API_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(key);
}
