import path from 'node:path';
import type { Config } from '../config.js';
import { createKafka } from '../kafka-client.js';
import type { Logger } from '../logging.js';
import { stackPaths } from '../stack/paths.js';
import type { SignedCheckpoint } from './checkpoint-file.js';
import type { CheckpointKeyFiles } from './checkpoint-key.js';

/** Where the key and the checkpoints live: configured, else under <stack>/audit/. */
export function auditFiles(config: Config): { keys: CheckpointKeyFiles; dir: string } {
  const root = path.join(stackPaths(config).root, 'audit');
  return {
    keys: {
      privateKey: config.V2V_AUDIT_KEY_FILE ?? path.join(root, 'checkpoint-key.pem'),
      publicKey: config.V2V_AUDIT_PUBLIC_KEY_FILE ?? path.join(root, 'checkpoint-key.pub.pem'),
    },
    dir: config.V2V_AUDIT_CHECKPOINT_DIR ?? path.join(root, 'checkpoints'),
  };
}

/**
 * Sends a signed checkpoint (payload and signature, not the heads: the root stands for them) to the
 * outbound topic, keyed by its id, so a copy leaves the database's host. One partition: the
 * checkpoints' order is the topic's order.
 */
export function checkpointPublisher(config: Config, logger: Logger): (checkpoint: SignedCheckpoint) => Promise<void> {
  return async (checkpoint) => {
    const kafka = createKafka(config, logger, 'v2v-audit');
    const topic = config.V2V_AUDIT_CHECKPOINT_TOPIC;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: checkpoint.payload.id, value: JSON.stringify({ payload: checkpoint.payload, signature: checkpoint.signature }) }],
      });
    } finally {
      await producer.disconnect();
    }
  };
}
