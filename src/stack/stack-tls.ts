import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from './paths.js';

/**
 * The production topology's own certificate authority, and the certificates it signs: the Kafka
 * brokers' (their client listener, and their mutual TLS with the controllers), the Temporal
 * server's (its frontend and the traffic between its services), and V2V's client certificate for
 * Temporal's mutual TLS. Made with openssl at the first `stack up` and kept under <stack>/tls (keys
 * mode 0600, the directory 0700); one about to expire is made again. An installation has its own
 * PKI instead, named by the TEMPORAL_TLS_* and KAFKA_TLS_* settings.
 */
export interface Certificate {
  cert: string;
  key: string;
}

export interface StackCertificates {
  ca: string;
  /** CN kafka-broker; `keystore` holds its key and certificate, as Kafka's PEM key store reads them. */
  kafkaBroker: Certificate & { keystore: string };
  /** CN temporal-server. */
  temporalServer: Certificate;
  /** CN v2v: what V2V's processes, and the stack's own probes, present to Temporal. */
  client: Certificate;
}

/** The name every server certificate carries (and 127.0.0.1): the stack's services listen on loopback. */
export const SERVER_NAME = 'localhost';
/** The principal Kafka derives from a broker's certificate on the controller listener. */
export const KAFKA_BROKER_DN = 'CN=kafka-broker';

const NO_OPENSSL = 'The production topology makes its TLS certificates with openssl: install it (e.g. apt-get install openssl).';
const LEAF_DAYS = 825;
const CA_DAYS = 3650;
/** A certificate this close to its end is made again, so a stack left up never meets an expired one. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

const tlsDir = (paths: StackPaths) => path.join(paths.root, 'tls');

export function stackCertificates(paths: StackPaths): StackCertificates {
  const file = (name: string) => path.join(tlsDir(paths), name);
  const pair = (name: string): Certificate => ({ cert: file(`${name}.pem`), key: file(`${name}-key.pem`) });
  return { ca: file('ca.pem'), kafkaBroker: { ...pair('kafka-broker'), keystore: file('kafka-broker-keystore.pem') }, temporalServer: pair('temporal-server'), client: pair('v2v-client') };
}

/** Makes what is missing or about to expire; a new CA makes every certificate again. Idempotent. */
export function ensureStackCertificates(paths: StackPaths): StackCertificates {
  const certs = stackCertificates(paths);
  const dir = tlsDir(paths);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const ca = { cert: certs.ca, key: path.join(dir, 'ca-key.pem') };
  const renewCa = !fresh(ca);
  if (renewCa) {
    requireOpenssl();
    openssl(['-days', String(CA_DAYS), '-subj', '/CN=V2V stack CA', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], ca);
  }
  const leaves: [Certificate, string, string][] = [
    [certs.kafkaBroker, 'kafka-broker', 'serverAuth,clientAuth'],
    [certs.temporalServer, 'temporal-server', 'serverAuth,clientAuth'],
    [certs.client, 'v2v', 'clientAuth'],
  ];
  for (const [leaf, cn, usage] of leaves) {
    if (!renewCa && fresh(leaf)) continue;
    requireOpenssl();
    const names = usage.includes('serverAuth') ? ['-addext', `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1`] : [];
    openssl(
      ['-days', String(LEAF_DAYS), '-subj', `/CN=${cn}`, '-CA', ca.cert, '-CAkey', ca.key, ...names,
        '-addext', `extendedKeyUsage=${usage}`, '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'basicConstraints=critical,CA:FALSE'],
      leaf,
    );
  }
  const { keystore } = certs.kafkaBroker;
  if (renewCa || !existsSync(keystore) || !readFileSync(keystore, 'utf8').includes(readFileSync(certs.kafkaBroker.cert, 'utf8'))) {
    writeFileSync(keystore, readFileSync(certs.kafkaBroker.key, 'utf8') + readFileSync(certs.kafkaBroker.cert, 'utf8'), { mode: 0o600 });
  }
  return certs;
}

function fresh(pair: Certificate): boolean {
  if (!existsSync(pair.cert) || !existsSync(pair.key)) return false;
  try {
    return Date.parse(new X509Certificate(readFileSync(pair.cert)).validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/** A new EC P-256 key and its certificate (self-signed, or signed by -CA); the key readable by its owner only. */
function openssl(args: string[], out: Certificate) {
  rmSync(out.key, { force: true });
  const run = spawnSync(
    'openssl',
    ['req', '-new', '-noenc', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-keyout', out.key, '-out', out.cert, ...(args.includes('-CA') ? [] : ['-x509']), ...args],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`openssl could not make ${path.basename(out.cert)}: ${(run.stderr || String(run.error)).trim()}`);
  chmodSync(out.key, 0o600);
}

function requireOpenssl() {
  if (spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_OPENSSL);
}
