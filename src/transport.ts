import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import { ConfigError, temporalAddress, type Config } from './config.js';

/*
 * Transport security, from the one config module, for every connection V2V opens: Kafka (TLS and
 * SASL/SCRAM), Temporal (TLS, mTLS or an API key). PostgreSQL takes its TLS from DATABASE_URL itself
 * (`sslmode=verify-full&sslrootcert=…`, read by the pg driver), so it needs nothing here. The same
 * build runs against the dev stack (none of it), the production topology and managed services.
 */

/** A certificate or key named by a setting: its bytes, or a sentence naming the setting. */
function readPem(setting: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
}

export type KafkaTransport = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/** kafkajs's `ssl` and `sasl` options for this installation (empty for the dev stack). */
export function kafkaTransport(config: Pick<Config, 'KAFKA_TLS' | 'KAFKA_TLS_CA_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>): KafkaTransport {
  const tls = config.KAFKA_TLS === '1' || config.KAFKA_TLS_CA_FILE !== undefined;
  const ssl = !tls ? {} : { ssl: config.KAFKA_TLS_CA_FILE ? { ca: [readPem('KAFKA_TLS_CA_FILE', config.KAFKA_TLS_CA_FILE)] } : true };
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  const credentials = username && password ? { username, password } : undefined;
  const sasl = !mechanism || !credentials ? {} : { sasl: mechanism === 'scram-sha-256' ? { mechanism, ...credentials } : { mechanism, ...credentials } };
  return { ...ssl, ...sasl };
}

/** Every transport setting, for a child process whose environment is given explicitly (the benches' workers). */
const TRANSPORT_SETTINGS = [
  'KAFKA_TLS', 'KAFKA_TLS_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD',
  'TEMPORAL_TLS', 'TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY',
] as const satisfies readonly (keyof Config)[];

/** The transport settings that are set, as environment variables. */
export function transportEnv(config: Pick<Config, (typeof TRANSPORT_SETTINGS)[number]>): Record<string, string> {
  return Object.fromEntries(TRANSPORT_SETTINGS.flatMap((name) => (config[name] === undefined ? [] : [[name, config[name]]])));
}

export interface TemporalTransport {
  address: string;
  tls?: { serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer }; serverNameOverride?: string } | true;
  apiKey?: string;
}

type TemporalSettings = Pick<Config, 'TEMPORAL_ADDRESS' | 'V2V_TEMPORAL_PORT' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'>;

/** The options a Temporal `Connection` or `NativeConnection` connects with (address, TLS, API key). */
export function temporalTransport(config: TemporalSettings): TemporalTransport {
  const address = temporalAddress(config);
  const tls = {
    ...(config.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA_FILE', config.TEMPORAL_TLS_CA_FILE) } : {}),
    ...(config.TEMPORAL_TLS_CERT_FILE && config.TEMPORAL_TLS_KEY_FILE
      ? { clientCertPair: { crt: readPem('TEMPORAL_TLS_CERT_FILE', config.TEMPORAL_TLS_CERT_FILE), key: readPem('TEMPORAL_TLS_KEY_FILE', config.TEMPORAL_TLS_KEY_FILE) } }
      : {}),
    ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  // An API key travels in a header: only ever over TLS.
  const wantsTls = config.TEMPORAL_TLS === '1' || config.TEMPORAL_API_KEY !== undefined || Object.keys(tls).length > 0;
  return {
    address,
    ...(wantsTls ? { tls: Object.keys(tls).length > 0 ? tls : true } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}
