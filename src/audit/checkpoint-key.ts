import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '../make-directory.js';

/**
 * The checkpoint signing key: Ed25519, in a file the database never sees. The private key is
 * created once, mode 0600 (its owner alone reads it), and refused if anyone else may read it.
 */
export interface CheckpointKeyFiles {
  privateKey: string;
  publicKey: string;
}

export function ensureCheckpointKey(files: CheckpointKeyFiles): void {
  if (existsSync(files.privateKey)) return;
  makeDirectory(path.dirname(files.privateKey), 0o700);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': two processes creating it at once cannot overwrite each other's key.
  writeFileSync(files.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(files.privateKey, 0o600);
  makeDirectory(path.dirname(files.publicKey));
  writeFileSync(files.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
}

export function loadSigningKey(file: string): KeyObject {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by others (mode ${mode.toString(8)}): the checkpoint key must be mode 0600 (chmod 600 ${file}).`);
  }
  const key = createPrivateKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key.`);
  return key;
}

export function loadVerifyingKey(file: string): KeyObject {
  const key = createPublicKey(readFileSync(file));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key.`);
  return key;
}

export const keyId = (publicKey: KeyObject) => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

export const signBytes = (key: KeyObject, bytes: string) => sign(null, Buffer.from(bytes, 'utf8'), key).toString('base64');

export const verifyBytes = (key: KeyObject, bytes: string, signature: string) => verify(null, Buffer.from(bytes, 'utf8'), key, Buffer.from(signature, 'base64'));
