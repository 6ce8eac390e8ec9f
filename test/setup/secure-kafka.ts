import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfigOver } from '../../src/config.js';
import { stopDaemon } from '../../src/stack/daemon.js';
import { brokerName, clusterAdminTransport, clusterHome, kafkaCluster } from '../../src/stack/kafka-cluster.js';
import { kafkaLib } from '../../src/stack/kafka-node.js';
import { isPortFree } from '../../src/stack/ports.js';
import { productionPorts } from '../../src/stack/production-ports.js';
import type { StackContext } from '../../src/stack/service.js';
import { stackContext } from '../../src/stack/stack.js';

export interface SecureKafka {
  /** The stack the cluster belongs to (its admin's credentials, its CA). */
  ctx: StackContext;
  /** What V2V's processes connect with: KAFKA_BROKERS, KAFKA_TLS*, KAFKA_SASL_*. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The production topology's Kafka (three brokers, SASL/SCRAM over TLS, ACLs) for a test: the stack's
 * own when the integration tests run on the production topology, else one of the test's, beside the
 * dev stack (under <stack>/secure-kafka, on free ports, with the stack's jars), stopped afterwards.
 */
export async function secureKafka(progress: (line: string) => void): Promise<SecureKafka> {
  const stackEnv = inject('stackEnv');
  const config = loadConfigOver(stackEnv);
  const main = stackContext(config, progress);
  if (stackEnv.KAFKA_SASL_MECHANISM && clusterAdminTransport(main.paths)) {
    return { ctx: main, env: Object.fromEntries(Object.entries(stackEnv).filter(([k]) => k.startsWith('KAFKA_'))), stop: async () => undefined };
  }
  const root = path.join(main.paths.root, 'secure-kafka');
  mkdirSync(path.join(root, 'kafka'), { recursive: true });
  if (!existsSync(kafkaLib({ ...main.paths, root }))) symlinkSync(kafkaLib(main.paths), kafkaLib({ ...main.paths, root }));
  const port = await freeRun(6);
  // Not the dev stack's broker: this cluster's own.
  const rest = { ...config };
  delete rest.KAFKA_BROKERS;
  const ctx = stackContext({ ...rest, V2V_STACK_DIR: root, V2V_TOPOLOGY: 'production', V2V_KAFKA_PORT: port, V2V_KAFKA_CONTROLLER_PORT: port + 1 }, progress);
  // Throwaway: killed, not drained, and formatted afresh each time (brokers a killed run left behind are found by their pid files).
  const stop = async () => {
    await Promise.all(productionPorts(ctx.config).brokers.map((b) => stopDaemon(ctx.paths, brokerName(b), 'SIGKILL')));
    rmSync(clusterHome(ctx.paths), { recursive: true, force: true });
  };
  await stop();
  const { env } = await kafkaCluster.up(ctx, {});
  return { ctx, env, stop };
}

/** The first of `count` consecutive free ports (the brokers take port + 2n, their controllers port + 2n + 1). */
async function freeRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
