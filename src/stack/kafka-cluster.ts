import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, stopDaemon } from './daemon.js';
import { grant, v2vAcls } from './kafka-acls.js';
import { answers, ensureJars, formatStorage, isFormatted, kafkaClusterId, requireJava, stackKafkaClient, startNode, writeProperties } from './kafka-node.js';
import { brokerSecuritySettings, ensureKafkaCredentials, kafkaClientEnv, KAFKA_ADMIN, readKafkaCredentials, scramArguments, stackKafkaTransport, type KafkaCredentials } from './kafka-security.js';
import type { StackPaths } from './paths.js';
import { assertPortFree } from './ports.js';
import { productionPorts, type BrokerPorts } from './production-ports.js';
import type { ServiceStatus, StackContext, StackPart } from './service.js';
import { ensureStackCertificates, stackCertificates, type StackCertificates } from './stack-tls.js';
import { kafkaTransport, type KafkaTransport } from '../transport.js';

/**
 * The production topology's Kafka: three KRaft nodes, each broker and controller (a quorum of three
 * voters survives one loss), with replication factor 3 and min.insync.replicas 2, so a producer with
 * acks=all keeps writing while any one broker is down and nothing acknowledged lives on one disk only.
 * Clients authenticate with SCRAM over TLS and are held to ACLs (src/stack/kafka-security.ts).
 */
export const clusterHome = (paths: StackPaths) => path.join(paths.root, 'kafka-cluster');
export const brokerName = (b: Pick<BrokerPorts, 'id'>) => `kafka-${b.id}`;

export const clusterBrokers = (ctx: Pick<StackContext, 'config'>) =>
  productionPorts(ctx.config).brokers.map((b) => `127.0.0.1:${b.port}`).join(',');

interface Security {
  certs: StackCertificates;
  credentials: KafkaCredentials;
}

function settings(broker: BrokerPorts, all: BrokerPorts[], data: string, security: Security): Record<string, string | number> {
  const listeners = `CLIENT://127.0.0.1:${broker.port},CONTROLLER://127.0.0.1:${broker.controller}`;
  return {
    'node.id': broker.id,
    'process.roles': 'broker,controller',
    listeners,
    'advertised.listeners': listeners,
    'controller.listener.names': 'CONTROLLER',
    ...brokerSecuritySettings(security.certs, security.credentials),
    // Static voters, as in the dev stack: a dynamic quorum would pin the controller ports in its log.
    'controller.quorum.voters': all.map((b) => `${b.id}@127.0.0.1:${b.controller}`).join(','),
    'log.dirs': data,
    'num.partitions': 3,
    'default.replication.factor': 3,
    'min.insync.replicas': 2,
    'offsets.topic.replication.factor': 3,
    'transaction.state.log.replication.factor': 3,
    'transaction.state.log.min.isr': 2,
    'share.coordinator.state.topic.replication.factor': 3,
    'share.coordinator.state.topic.min.isr': 2,
    // A broker that comes back must not lead partitions it has not caught up on.
    'unclean.leader.election.enable': 'false',
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
  };
}

/** All three nodes must be formatted with one cluster id; it is drawn once and kept beside them. */
function clusterId(paths: StackPaths): string {
  const file = path.join(clusterHome(paths), 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = kafkaClusterId();
  mkdirSync(clusterHome(paths), { recursive: true });
  writeFileSync(file, id);
  return id;
}

const brokerData = (paths: StackPaths, broker: BrokerPorts) => path.join(clusterHome(paths), brokerName(broker), 'data');

async function startBroker(ctx: StackContext, broker: BrokerPorts, all: BrokerPorts[], security: Security) {
  const name = brokerName(broker);
  await assertPortFree(broker.port, `Kafka broker ${broker.id}`, broker.id === 1 ? 'V2V_KAFKA_PORT' : 'V2V_KAFKA_PORT (the others are derived from it)');
  await assertPortFree(broker.controller, `Kafka controller ${broker.id}`, 'V2V_KAFKA_CONTROLLER_PORT');
  const dir = path.join(clusterHome(ctx.paths), name);
  const data = brokerData(ctx.paths, broker);
  const properties = path.join(dir, 'server.properties');
  mkdirSync(dir, { recursive: true });
  writeProperties(properties, settings(broker, all, data, security));
  await formatStorage(ctx, properties, data, clusterId(ctx.paths), scramArguments(security.credentials));
  startNode(ctx, name, properties);
}

/** The certificates and the credentials, made with the cluster; a cluster formatted before SASL is refused. */
function ensureSecurity(ctx: StackContext, brokers: BrokerPorts[]): Security {
  mkdirSync(clusterHome(ctx.paths), { recursive: true });
  const formatted = brokers.some((b) => isFormatted(brokerData(ctx.paths, b)));
  return { certs: ensureStackCertificates(ctx.paths), credentials: ensureKafkaCredentials(clusterHome(ctx.paths), formatted) };
}

/** How the stack talks to its own cluster: as its admin (undefined before the first `stack up`). */
export function clusterAdminTransport(paths: StackPaths): KafkaTransport | undefined {
  const credentials = readKafkaCredentials(clusterHome(paths));
  return credentials && stackKafkaTransport(stackCertificates(paths), KAFKA_ADMIN, credentials.admin);
}

/** One broker answers on its own address (a client given only that seed talks to it first). */
async function brokerStatus(ctx: StackContext, broker: BrokerPorts): Promise<ServiceStatus> {
  const address = `127.0.0.1:${broker.port}`;
  const transport = clusterAdminTransport(ctx.paths);
  const up = daemonPid(ctx.paths, brokerName(broker)) !== undefined && transport !== undefined;
  const state = !up ? 'down' : await answers(address, { transport }).then(() => 'up' as const, () => 'down' as const);
  return { service: brokerName(broker), address, state, source: 'local' };
}

export const kafkaCluster: StackPart = {
  name: 'kafka',

  async up(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      await pollUntil('Kafka at KAFKA_BROKERS to answer', () => answers(given, { transport: kafkaTransport(ctx.config) }).then(() => true), serviceWait(10_000));
      return { rows: [{ service: 'kafka', address: given, state: 'up', source: 'env' }], env: { KAFKA_BROKERS: given } };
    }
    const { brokers } = productionPorts(ctx.config);
    const security = ensureSecurity(ctx, brokers);
    const transport = stackKafkaTransport(security.certs, KAFKA_ADMIN, security.credentials.admin);
    const stopped = brokers.filter((b) => daemonPid(ctx.paths, brokerName(b)) === undefined);
    if (stopped.length > 0) {
      requireJava();
      await ensureJars(ctx);
      // Side by side: each format is a JVM of its own.
      await Promise.all(stopped.map((b) => startBroker(ctx, b, brokers, security)));
      ctx.progress(`Kafka: ${stopped.map((b) => `${brokerName(b)} (${b.port})`).join(', ')} starting`);
    }
    const all = clusterBrokers(ctx);
    // The controllers elect a leader once two of three voters meet; until then no broker registers.
    const probe = async () => {
      const dead = brokers.find((b) => daemonPid(ctx.paths, brokerName(b)) === undefined);
      if (dead) return { dead: brokerName(dead) };
      await Promise.all(brokers.map((b) => answers(`127.0.0.1:${b.port}`, { transport, groups: true })));
      return { dead: undefined };
    };
    const { dead } = await pollUntil('the three Kafka brokers to answer', probe, serviceWait(120_000, logFile(ctx.paths, brokerName(brokers[0]!))));
    if (dead) throw new Error(`Kafka broker ${dead} stopped during start-up; see ${logFile(ctx.paths, dead)}`);
    // Idempotent: bindings already there stay as they are.
    await grant(stackKafkaClient(all, transport, 10_000), v2vAcls(ctx.config));
    return { rows: await Promise.all(brokers.map((b) => brokerStatus(ctx, b))), env: { KAFKA_BROKERS: all, ...kafkaClientEnv(security.certs, security.credentials) } };
  },

  async status(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      const state = await answers(given, { transport: kafkaTransport(ctx.config) }).then(() => 'up' as const, () => 'down' as const);
      return [{ service: 'kafka', address: given, state, source: 'env' }];
    }
    return Promise.all(productionPorts(ctx.config).brokers.map((b) => brokerStatus(ctx, b)));
  },

  async down(ctx) {
    await Promise.all(productionPorts(ctx.config).brokers.map((b) => stopDaemon(ctx.paths, brokerName(b))));
  },
};
