import path from 'node:path';
import type { Config } from '../config.js';
import { stackPaths } from '../stack/paths.js';
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
