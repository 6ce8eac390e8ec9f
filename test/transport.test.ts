import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { kafkaTransport, temporalTransport, transportEnv } from '../src/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'v2v-transport-'));
const pem = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
};
const ca = pem('ca.pem', 'CA');
const crt = pem('client.pem', 'CERT');
const key = pem('client.key', 'KEY');

describe('transport security from the config module', () => {
  it('opens the dev stack in plain text: no TLS, no SASL, no API key', () => {
    const config = loadConfig({});
    expect(kafkaTransport(config)).toEqual({});
    expect(temporalTransport(config)).toEqual({ address: '127.0.0.1:17233' });
  });

  it('gives kafkajs TLS with the private CA and SCRAM credentials', () => {
    const config = loadConfig({ KAFKA_TLS_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'v2v-ingest', KAFKA_SASL_PASSWORD: 's3cret' });
    expect(kafkaTransport(config)).toEqual({ ssl: { ca: [Buffer.from('CA')] }, sasl: { mechanism: 'scram-sha-512', username: 'v2v-ingest', password: 's3cret' } });
    expect(kafkaTransport(loadConfig({ KAFKA_TLS: '1' }))).toEqual({ ssl: true });
  });

  it('gives Temporal mTLS (CA, client certificate and key, server name) or an API key over TLS', () => {
    const mtls = temporalTransport(loadConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CA_FILE: ca, TEMPORAL_TLS_CERT_FILE: crt, TEMPORAL_TLS_KEY_FILE: key, TEMPORAL_TLS_SERVER_NAME: 'frontend' }));
    expect(mtls).toEqual({
      address: 'temporal.internal:7233',
      tls: { serverRootCACertificate: Buffer.from('CA'), clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') }, serverNameOverride: 'frontend' },
    });
    // An API key is a bearer secret: it never travels without TLS.
    expect(temporalTransport(loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-1' }))).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: true, apiKey: 'key-1' });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_MECHANISM: SASL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_MECHANISM: Kafka credentials need a mechanism'],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_MECHANISM'],
    [{ TEMPORAL_TLS_CERT_FILE: crt }, 'TEMPORAL_TLS_CERT_FILE: a client certificate and its key go together'],
  ])('refuses a half-made setting, naming it: %o', (env, sentence) => {
    expect(() => loadConfig(env)).toThrow(sentence);
  });

  it('hands PostgreSQL’s TLS, from the URL, to node-postgres: verified against the CA file it names', async () => {
    const url = `postgres://v2v_process:pw@db.example:5432/v2v?sslmode=verify-full&sslrootcert=${ca}`;
    const config = loadConfig({ DATABASE_URL: url, DATABASE_OWNER_URL: url.replace('v2v_process', 'v2v') });
    const { default: pg } = await import('pg');
    // What the driver will connect with (its parsed parameters are not in its types).
    const client = new pg.Client({ connectionString: config.DATABASE_URL }) as unknown as { connectionParameters: { ssl: unknown } };
    expect(client.connectionParameters.ssl).toEqual({ ca: 'CA' });
    expect(loadConfig({ DATABASE_URL: 'postgres://v2v:v2v@127.0.0.1:54329/v2v?sslmode=disable' }).DATABASE_URL).toContain('sslmode=disable');
  });

  it.each(['require', 'prefer', 'verify-ca', 'no-verify'])('refuses sslmode=%s, which node-postgres reads differently across versions or checks nothing with', (mode) => {
    expect(() => loadConfig({ DATABASE_URL: `postgres://u:p@db.example/v2v?sslmode=${mode}` })).toThrow(`DATABASE_URL: sslmode=${mode} is refused: use sslmode=verify-full`);
    expect(() => loadConfig({ DATABASE_OWNER_URL: `postgres://u:p@db.example/v2v?sslmode=${mode}` })).toThrow(`DATABASE_OWNER_URL: sslmode=${mode} is refused`);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u:p@db.example/v2v?sslmode=require&uselibpqcompat=true' })).toThrow('DATABASE_URL: uselibpqcompat changes what sslmode means');
  });

  it('passes on the transport settings that are set, and only those, to a child process configured explicitly', () => {
    const config = loadConfig({ KAFKA_TLS_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'v2v', KAFKA_SASL_PASSWORD: 'p', TEMPORAL_TLS: '1', TEMPORAL_TLS_CA_FILE: ca, DATABASE_URL: 'postgres://u:p@h/db' });
    expect(transportEnv(config)).toEqual({
      KAFKA_TLS: '0', KAFKA_TLS_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'v2v', KAFKA_SASL_PASSWORD: 'p', TEMPORAL_TLS: '1', TEMPORAL_TLS_CA_FILE: ca,
    });
    expect(loadConfig(transportEnv(config))).toMatchObject(transportEnv(config));
  });

  it('names the setting whose file cannot be read', () => {
    expect(() => temporalTransport(loadConfig({ TEMPORAL_TLS_CA_FILE: join(dir, 'missing.pem') }))).toThrow(/TEMPORAL_TLS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
  });

  it('keeps the transport secrets out of the log, should a config or client options ever be logged', async () => {
    const { createLogger } = await import('../src/logging.js');
    const file = join(dir, 'process.log');
    const logger = createLogger({ LOG_LEVEL: 'info' }, 'test', file);
    const config = loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'kafka-secret', TEMPORAL_API_KEY: 'temporal-secret' });
    logger.info({ config }, 'started');
    logger.info({ kafka: kafkaTransport(config), temporal: temporalTransport(config) }, 'connecting');
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('[redacted]');
    expect(written).not.toMatch(/kafka-secret|temporal-secret/);
  });
});
