import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '../poll-until.js';
import { daemonPid, logFile, serviceWait, stopDaemon } from './daemon.js';
import { answers, ensureJars, formatStorage, kafkaClusterId, requireJava, startNode, writeProperties } from './kafka-node.js';
import { kafkaTransport } from '../transport.js';
import type { StackPaths } from './paths.js';
import { assertPortFree } from './ports.js';
import type { ServiceStatus, StackContext, StackService } from './service.js';

/**
 * Kafka: KAFKA_BROKERS if given, else a single-node KRaft broker (broker and controller in one JVM)
 * whose jars Maven fetches once from stack/kafka/pom.xml and which runs on the machine's Java.
 */
const NAME = 'kafka';

const dirs = (paths: StackPaths) => {
  const home = path.join(paths.root, 'kafka');
  return { home, data: path.join(home, 'data'), properties: path.join(home, 'server.properties') };
};

export const localBrokers = (ctx: Pick<StackContext, 'config'>) => `127.0.0.1:${ctx.config.V2V_KAFKA_PORT}`;

function settings(ctx: StackContext, data: string): Record<string, string | number> {
  const { V2V_KAFKA_PORT: port, V2V_KAFKA_CONTROLLER_PORT: controller } = ctx.config;
  return {
    'node.id': 1,
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    // A static voter list rather than a --standalone dynamic quorum: the latter records the
    // controller's address in the metadata log, which would pin V2V_KAFKA_CONTROLLER_PORT forever.
    'controller.quorum.voters': `1@127.0.0.1:${controller}`,
    'log.dirs': data,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Consumers in tests join one at a time; the default 3 s delay would slow every first poll.
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': 'true',
  };
}

export const kafka: StackService = {
  name: NAME,

  async up(ctx) {
    const given = ctx.config.KAFKA_BROKERS;
    if (given) {
      await pollUntil('Kafka at KAFKA_BROKERS to answer', () => answers(given, { transport: kafkaTransport(ctx.config) }).then(() => true), serviceWait(10_000));
      return { status: { service: NAME, address: given, state: 'up', source: 'env' }, env: { KAFKA_BROKERS: given } };
    }
    const { home, data, properties } = dirs(ctx.paths);
    if (daemonPid(ctx.paths, NAME) === undefined) {
      await assertPortFree(ctx.config.V2V_KAFKA_PORT, 'Kafka', 'V2V_KAFKA_PORT');
      await assertPortFree(ctx.config.V2V_KAFKA_CONTROLLER_PORT, 'the Kafka controller', 'V2V_KAFKA_CONTROLLER_PORT');
      requireJava();
      await ensureJars(ctx);
      mkdirSync(home, { recursive: true });
      writeProperties(properties, settings(ctx, data));
      await formatStorage(ctx, properties, data, kafkaClusterId());
      startNode(ctx, NAME, properties);
    }
    const brokers = localBrokers(ctx);
    const log = logFile(ctx.paths, NAME);
    let exited = false;
    const probe = async () => {
      // A broker that died on a bad config or a locked data directory will never answer: say so now.
      if (daemonPid(ctx.paths, NAME) === undefined) exited = true;
      else await answers(brokers, { groups: true });
      return true;
    };
    await pollUntil('Kafka to answer', probe, serviceWait(90_000, log));
    if (exited) throw new Error(`Kafka stopped during start-up; see ${log}`);
    return { status: { service: NAME, address: brokers, state: 'up', source: 'local' }, env: { KAFKA_BROKERS: brokers } };
  },

  async status(ctx): Promise<ServiceStatus> {
    const brokers = ctx.config.KAFKA_BROKERS ?? localBrokers(ctx);
    const state = await answers(brokers, ctx.config.KAFKA_BROKERS ? { transport: kafkaTransport(ctx.config) } : {}).then(() => 'up' as const, () => 'down' as const);
    return { service: NAME, address: brokers, state, source: ctx.config.KAFKA_BROKERS ? 'env' : 'local' };
  },

  async down(ctx) {
    // SIGTERM lets the broker flush and close its logs cleanly, so the next start skips recovery.
    await stopDaemon(ctx.paths, NAME);
  },
};
