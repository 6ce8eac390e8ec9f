import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, stopDaemon } from './daemon.js';
import { answers, ensureJars, formatStorage, kafkaClusterId, requireJava, startNode, writeProperties } from './kafka-node.js';
import type { StackPaths } from './paths.js';
import { assertPortFree } from './ports.js';
import { productionPorts, type BrokerPorts } from './production-ports.js';
import type { ServiceStatus, StackContext, StackPart } from './service.js';

/**
 * The production topology's Kafka: three KRaft nodes, each broker and controller (a quorum of three
 * voters survives one loss), with replication factor 3 and min.insync.replicas 2, so a producer with
 * acks=all keeps writing while any one broker is down and nothing acknowledged lives on one disk only.
 */
const home = (paths: StackPaths) => path.join(paths.root, 'kafka-cluster');
export const brokerName = (b: Pick<BrokerPorts, 'id'>) => `kafka-${b.id}`;

export const clusterBrokers = (ctx: Pick<StackContext, 'config'>) =>
  productionPorts(ctx.config).brokers.map((b) => `127.0.0.1:${b.port}`).join(',');

function settings(broker: BrokerPorts, all: BrokerPorts[], data: string): Record<string, string | number> {
  const listeners = `PLAINTEXT://127.0.0.1:${broker.port},CONTROLLER://127.0.0.1:${broker.controller}`;
  return {
    'node.id': broker.id,
    'process.roles': 'broker,controller',
    listeners,
    'advertised.listeners': listeners,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
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
  const file = path.join(home(paths), 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = kafkaClusterId();
  mkdirSync(home(paths), { recursive: true });
  writeFileSync(file, id);
  return id;
}

async function startBroker(ctx: StackContext, broker: BrokerPorts, all: BrokerPorts[]) {
  const name = brokerName(broker);
  await assertPortFree(broker.port, `Kafka broker ${broker.id}`, broker.id === 1 ? 'V2V_KAFKA_PORT' : 'V2V_KAFKA_PORT (the others are derived from it)');
  await assertPortFree(broker.controller, `Kafka controller ${broker.id}`, 'V2V_KAFKA_CONTROLLER_PORT');
  const dir = path.join(home(ctx.paths), name);
  const data = path.join(dir, 'data');
  const properties = path.join(dir, 'server.properties');
  mkdirSync(dir, { recursive: true });
  writeProperties(properties, settings(broker, all, data));
  formatStorage(ctx, properties, data, clusterId(ctx.paths));
  startNode(ctx, name, properties);
}

/** One broker answers on its own address (a client given only that seed talks to it first). */
async function brokerStatus(ctx: StackContext, broker: BrokerPorts): Promise<ServiceStatus> {
  const address = `127.0.0.1:${broker.port}`;
  const state = daemonPid(ctx.paths, brokerName(broker)) === undefined ? 'down' : await answers(address).then(() => 'up' as const, () => 'down' as const);
  return { service: brokerName(broker), address, state, source: 'local' };
}

export const kafkaCluster: StackPart = {
  name: 'kafka',

  async up(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      await pollUntil('Kafka at KAFKA_BROKERS to answer', () => answers(given).then(() => true), serviceWait(10_000));
      return { rows: [{ service: 'kafka', address: given, state: 'up', source: 'env' }], env: { KAFKA_BROKERS: given } };
    }
    const { brokers } = productionPorts(ctx.config);
    const stopped = brokers.filter((b) => daemonPid(ctx.paths, brokerName(b)) === undefined);
    if (stopped.length > 0) {
      requireJava();
      await ensureJars(ctx);
      for (const b of stopped) await startBroker(ctx, b, brokers);
      ctx.progress(`Kafka: ${stopped.map((b) => `${brokerName(b)} (${b.port})`).join(', ')} starting`);
    }
    const all = clusterBrokers(ctx);
    // The controllers elect a leader once two of three voters meet; until then no broker registers.
    const probe = async () => {
      const dead = brokers.find((b) => daemonPid(ctx.paths, brokerName(b)) === undefined);
      if (dead) return { dead: brokerName(dead) };
      await Promise.all(brokers.map((b) => answers(`127.0.0.1:${b.port}`, 2_000, true)));
      return { dead: undefined };
    };
    const { dead } = await pollUntil('the three Kafka brokers to answer', probe, serviceWait(120_000, logFile(ctx.paths, brokerName(brokers[0]!))));
    if (dead) throw new Error(`Kafka broker ${dead} stopped during start-up; see ${logFile(ctx.paths, dead)}`);
    return { rows: await Promise.all(brokers.map((b) => brokerStatus(ctx, b))), env: { KAFKA_BROKERS: all } };
  },

  async status(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      const state = await answers(given).then(() => 'up' as const, () => 'down' as const);
      return [{ service: 'kafka', address: given, state, source: 'env' }];
    }
    return Promise.all(productionPorts(ctx.config).brokers.map((b) => brokerStatus(ctx, b)));
  },

  async down(ctx) {
    await Promise.all(productionPorts(ctx.config).brokers.map((b) => stopDaemon(ctx.paths, brokerName(b))));
  },
};
