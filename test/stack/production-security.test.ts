import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gatewayAcls, v2vAcls } from '../../src/stack/kafka-acls.js';
import { brokerSecuritySettings, ensureKafkaCredentials, kafkaClientEnv, readKafkaCredentials, scramArguments } from '../../src/stack/kafka-security.js';
import { ensureStackCertificates } from '../../src/stack/stack-tls.js';

const { AclOperationTypes: Op, AclResourceTypes: Resource, ResourcePatternTypes: Pattern } = kafkajs;
const scratch = () => mkdtempSync(path.join(tmpdir(), 'v2v-security-'));
const paths = (root: string) => ({ root, logs: path.join(root, 'logs'), run: path.join(root, 'run'), envFile: path.join(root, 'env') });
const mode = (file: string) => statSync(file).mode & 0o777;

describe('the production topology’s certificates', () => {
  const certs = ensureStackCertificates(paths(scratch()));
  const ca = new X509Certificate(readFileSync(certs.ca));

  it('come from one CA of the stack’s own: servers for localhost and 127.0.0.1, V2V’s for clients only', () => {
    for (const [cert, name, usage] of [
      [certs.kafkaBroker.cert, 'CN=kafka-broker', ['serverAuth', 'clientAuth']],
      [certs.temporalServer.cert, 'CN=temporal-server', ['serverAuth', 'clientAuth']],
      [certs.client.cert, 'CN=v2v', ['clientAuth']],
    ] as const) {
      const x509 = new X509Certificate(readFileSync(cert));
      expect(x509.verify(ca.publicKey), cert).toBe(true);
      expect(x509.subject).toBe(name);
      expect(x509.ca).toBe(false);
      expect(x509.keyUsage?.map((oid) => ({ '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' })[oid])).toEqual(usage);
      if ((usage as readonly string[]).includes('serverAuth')) expect(x509.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    }
    expect(ca.ca).toBe(true);
  });

  it('keeps every key readable by its owner only, in a directory of the owner’s, and is made once', () => {
    for (const key of [certs.kafkaBroker.key, certs.kafkaBroker.keystore, certs.temporalServer.key, certs.client.key, path.join(path.dirname(certs.ca), 'ca-key.pem')]) expect(mode(key), key).toBe(0o600);
    expect(mode(path.dirname(certs.ca))).toBe(0o700);
    const before = readFileSync(certs.client.cert, 'utf8');
    ensureStackCertificates(paths(path.dirname(path.dirname(certs.ca))));
    expect(readFileSync(certs.client.cert, 'utf8')).toBe(before);
    // Kafka's PEM key store: the broker's key and certificate in one file.
    expect(readFileSync(certs.kafkaBroker.keystore, 'utf8')).toBe(readFileSync(certs.kafkaBroker.key, 'utf8') + readFileSync(certs.kafkaBroker.cert, 'utf8'));
  });
});

describe('the production topology’s Kafka security', () => {
  const credentials = { admin: 'a'.repeat(43), v2v: 'b'.repeat(43) };
  const certs = { ca: '/tls/ca.pem', kafkaBroker: { cert: '/tls/k.pem', key: '/tls/k-key.pem', keystore: '/tls/k-keystore.pem' }, temporalServer: { cert: '', key: '' }, client: { cert: '', key: '' } };

  it('has no listener without authentication: SCRAM over TLS for clients, certificates for the controllers, ACLs for everyone but the stack and the brokers', () => {
    const settings = brokerSecuritySettings(certs, credentials);
    expect(settings['listener.security.protocol.map']).toBe('CLIENT:SASL_SSL,CONTROLLER:SSL');
    expect(settings['listener.name.controller.ssl.client.auth']).toBe('required');
    expect(settings['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(settings['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(settings['allow.everyone.if.no.acl.found']).toBe('false');
    expect(settings['super.users']).toBe('User:admin;User:CN=kafka-broker');
    expect(Object.values(settings).join('\n')).not.toMatch(/PLAINTEXT|ANONYMOUS/);
    expect(kafkaClientEnv(certs, credentials)).toEqual({ KAFKA_TLS: '1', KAFKA_TLS_CA_FILE: '/tls/ca.pem', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'v2v', KAFKA_SASL_PASSWORD: credentials.v2v });
    expect(scramArguments(credentials)).toBe(`--add-scram\nSCRAM-SHA-512=[name=admin,password=${credentials.admin}]\n--add-scram\nSCRAM-SHA-512=[name=v2v,password=${credentials.v2v}]\n`);
  });

  it('draws the credentials once, 0600, and refuses a cluster formatted without them', () => {
    const home = scratch();
    expect(() => ensureKafkaCredentials(home, true)).toThrow(/formatted before the production topology ran SASL\/SCRAM/);
    const drawn = ensureKafkaCredentials(home, false);
    expect(drawn.admin).toMatch(/^[\w-]{43}$/);
    expect(drawn.v2v).not.toBe(drawn.admin);
    expect(mode(path.join(home, 'credentials.json'))).toBe(0o600);
    expect(ensureKafkaCredentials(home, true)).toEqual(drawn);
    expect(readKafkaCredentials(home)).toEqual(drawn);
  });

  it('lets V2V use its own topics and groups, nothing cluster-wide, and the configured names outside its prefixes', () => {
    const acls = v2vAcls(loadConfig({ V2V_INGEST_TOPIC: 'plant-7.readings', V2V_INGEST_GROUP: 'plant-7-ingest' }));
    expect(acls.every((a) => a.principal === 'User:v2v' && a.permissionType === kafkajs.AclPermissionTypes.ALLOW)).toBe(true);
    expect(acls.some((a) => a.resourceType === Resource.CLUSTER || a.operation === Op.ALL)).toBe(false);
    const on = (name: string) => acls.filter((a) => a.resourceName === name).map((a) => a.operation).sort();
    expect(on('v2v.')).toEqual([Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DESCRIBE_CONFIGS].sort());
    expect(acls.find((a) => a.resourceName === 'v2v.')?.resourcePatternType).toBe(Pattern.PREFIXED);
    expect(on('v2v')).toEqual([Op.READ, Op.DESCRIBE].sort());
    expect(on('plant-7.readings')).toEqual(on('v2v.'));
    expect(on('plant-7.readings.dlq')).toEqual(on('v2v.'));
    expect(on('plant-7-ingest')).toEqual(on('v2v'));
    expect(v2vAcls(loadConfig({})).map((a) => a.resourceName)).toEqual([...Array(5).fill('v2v.'), 'v2v', 'v2v']);
  });

  it('lets a gateway write and describe the readings topic, by its exact name, and nothing else', () => {
    expect(gatewayAcls('gw-7', 'v2v.sensor.readings.v1')).toEqual(
      [Op.WRITE, Op.DESCRIBE].map((operation) => ({
        resourceType: Resource.TOPIC, resourceName: 'v2v.sensor.readings.v1', resourcePatternType: Pattern.LITERAL,
        principal: 'User:gateway-gw-7', host: '*', operation, permissionType: kafkajs.AclPermissionTypes.ALLOW,
      })),
    );
  });
});
