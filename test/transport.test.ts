import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { kafkaTransport, temporalTransport } from '../src/transport.js';

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
