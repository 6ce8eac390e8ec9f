import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { KafkaTransport } from '../transport.js';
import { KAFKA_BROKER_DN, type StackCertificates } from './stack-tls.js';

/**
 * How the production topology's brokers authenticate and authorise. The client listener speaks
 * SASL/SCRAM-SHA-512 over TLS (SASL_SSL); the controller listener mutual TLS, where only a broker's
 * certificate gets in. Kafka's StandardAuthorizer decides every request by ACLs, and a principal
 * with none is refused: `admin` (the stack itself: users and ACLs) and the brokers are super users,
 * `v2v` (V2V's processes) and `gateway-<id>` (one per sensor gateway) hold only what
 * src/stack/kafka-acls.ts grants.
 */
export const SASL_MECHANISM = 'scram-sha-512';
export const KAFKA_ADMIN = 'admin';
export const KAFKA_V2V = 'v2v';

/** The SCRAM passwords of the two users the cluster is born with (`kafka-storage format --add-scram`). */
const credentialsSchema = z.object({ admin: z.string().min(32), v2v: z.string().min(32) });
export type KafkaCredentials = z.infer<typeof credentialsSchema>;

export const newPassword = () => randomBytes(32).toString('base64url');

const credentialsFile = (home: string) => path.join(home, 'credentials.json');

export function readKafkaCredentials(home: string): KafkaCredentials | undefined {
  const file = credentialsFile(home);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    json = undefined;
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not the stack's Kafka credentials: remove the cluster's directory ${home} to start it afresh.`);
  return parsed.data;
}

/**
 * The credentials, drawn once with the cluster: its metadata log holds them from the format on. A
 * cluster formatted before it ran with SASL has neither user, so it is refused with what to do.
 */
export function ensureKafkaCredentials(home: string, formatted: boolean): KafkaCredentials {
  const known = readKafkaCredentials(home);
  if (known) return known;
  if (formatted) {
    throw new Error(`The Kafka cluster in ${home} was formatted before the production topology ran SASL/SCRAM, so it has no users: remove that directory (its topics go with it) and run stack up again.`);
  }
  const credentials = { admin: newPassword(), v2v: newPassword() };
  writeFileSync(credentialsFile(home), `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  return credentials;
}

/** `kafka-storage format` arguments, read from a file (`@file`) so the passwords never show in the process list. */
export function scramArguments(credentials: KafkaCredentials): string {
  return [KAFKA_ADMIN, KAFKA_V2V].map((name) => `--add-scram\nSCRAM-SHA-512=[name=${name},password=${credentials[name as keyof KafkaCredentials]}]\n`).join('');
}

/** The security part of a broker's server.properties (the file is its owner's only: it holds the admin password). */
export function brokerSecuritySettings(certs: StackCertificates, credentials: KafkaCredentials): Record<string, string> {
  return {
    'listener.security.protocol.map': 'CLIENT:SASL_SSL,CONTROLLER:SSL',
    'inter.broker.listener.name': 'CLIENT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    // What a broker logs in as to the others; the stack's admin, a super user.
    'listener.name.client.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN}" password="${credentials.admin}";`,
    'listener.name.controller.ssl.client.auth': 'required',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': certs.kafkaBroker.keystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': certs.ca,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${KAFKA_ADMIN};User:${KAFKA_BROKER_DN}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}

/** kafkajs's `ssl` and `sasl` for one of the stack's users. */
export function stackKafkaTransport(certs: StackCertificates, username: string, password: string): KafkaTransport {
  return { ssl: { ca: [readFileSync(certs.ca)] }, sasl: { mechanism: SASL_MECHANISM, username, password } };
}

/** The settings V2V's processes connect with, for the stack's env file. */
export function kafkaClientEnv(certs: StackCertificates, credentials: KafkaCredentials): Record<string, string> {
  return { KAFKA_TLS: '1', KAFKA_TLS_CA_FILE: certs.ca, KAFKA_SASL_MECHANISM: SASL_MECHANISM, KAFKA_SASL_USERNAME: KAFKA_V2V, KAFKA_SASL_PASSWORD: credentials.v2v };
}
