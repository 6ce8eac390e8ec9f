import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StackPaths } from './paths.js';
import { gatewayAcls, gatewayPrincipal, grant } from './kafka-acls.js';
import { clusterAdminTransport, clusterBrokers, clusterHome } from './kafka-cluster.js';
import { runKafkaTool, stackKafkaClient } from './kafka-node.js';
import { KAFKA_ADMIN, newPassword, readKafkaCredentials, SASL_MECHANISM } from './kafka-security.js';
import { stackCertificates } from './stack-tls.js';
import type { StackContext } from './service.js';

/** A gateway's login to the production topology's Kafka. */
export interface GatewayLogin {
  brokers: string;
  mechanism: typeof SASL_MECHANISM;
  username: string;
  password: string;
  /** The CA the brokers' certificates are signed by. */
  caFile: string;
}

/**
 * Makes (or, when it exists, gives a new password to) a gateway's SCRAM user on the stack's own
 * cluster, and grants it writing to `topic` only. The old password stops working at once.
 */
export async function issueGatewayLogin(ctx: Pick<StackContext, 'config' | 'paths'>, gatewayId: string, topic: string): Promise<GatewayLogin> {
  const transport = clusterAdminTransport(ctx.paths);
  if (!transport) throw new Error(`No Kafka of the production topology in ${ctx.paths.root}: start it (npx v2v stack up --topology production), or create the gateway's principal at your Kafka.`);
  const brokers = clusterBrokers(ctx);
  const username = gatewayPrincipal(gatewayId);
  const password = newPassword();
  await setScramPassword(ctx.paths, brokers, username, password);
  await grant(stackKafkaClient(brokers, transport, 10_000), gatewayAcls(gatewayId, topic));
  return { brokers, mechanism: SASL_MECHANISM, username, password, caFile: stackCertificates(ctx.paths).ca };
}

/**
 * `kafka-configs --alter --add-config SCRAM-SHA-512=[password=…]` as the stack's admin. The admin's
 * and the user's passwords go through files of the owner's, never the command line, and are
 * removed afterwards; the tool's output is shown only when it fails, and it names no password.
 */
async function setScramPassword(paths: StackPaths, brokers: string, username: string, password: string) {
  const admin = readKafkaCredentials(clusterHome(paths))!;
  const certs = stackCertificates(paths);
  const dir = mkdtempSync(path.join(clusterHome(paths), 'users-'));
  try {
    const commandConfig = path.join(dir, 'admin.properties');
    const addConfig = path.join(dir, 'scram.properties');
    writeFileSync(
      commandConfig,
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN}" password="${admin.admin}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${certs.ca}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    // As a file, the value is taken as written: no brackets, unlike on the command line.
    writeFileSync(addConfig, `SCRAM-SHA-512=password=${password}\n`, { mode: 0o600 });
    const out = await runKafkaTool(paths, 'kafka.admin.ConfigCommand', [
      '--bootstrap-server', brokers, '--command-config', commandConfig,
      '--alter', '--entity-type', 'users', '--entity-name', username, '--add-config-file', addConfig,
    ]);
    if (out.code !== 0) {
      const said = (out.stderr || out.stdout).replaceAll(password, '[redacted]').replaceAll(admin.admin, '[redacted]');
      throw new Error(`kafka-configs could not set ${username}'s password: ${said.trim()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
