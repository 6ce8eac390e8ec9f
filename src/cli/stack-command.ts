import { Command, Option } from 'commander';
import { TOPOLOGIES, type Config, type Topology } from '../config.js';
import { formatExports, formatTable, readStackEnv, stackContext, stackDown, stackStatus, stackUp } from '../stack/stack.js';

export function stackCommand(config: () => Config): Command {
  const stack = new Command('stack').description('start, stop and inspect the real PostgreSQL, Kafka and Temporal services');

  stack
    .command('up')
    .description('start what is missing and wait until every service answers (idempotent)')
    .addOption(
      new Option('--topology <topology>', 'dev: one of each service; production: the Temporal server on PostgreSQL, three Kafka brokers, two of each V2V process (default: $V2V_TOPOLOGY, else what is up, else dev)').choices(TOPOLOGIES),
    )
    .action(async (options: { topology?: Topology }) => {
      const ctx = stackContext({ ...config(), ...(options.topology ? { V2V_TOPOLOGY: options.topology } : {}) });
      const rows = await stackUp(ctx);
      if (ctx.topology !== 'dev') console.log(`topology: ${ctx.topology}\n`);
      console.log(formatTable(rows));
      console.log(`\nexports written to ${ctx.paths.envFile}; load them with: eval "$(npx v2v stack env)"`);
    });

  stack
    .command('down')
    .description('stop the processes this stack started; services given by the environment are left alone')
    .action(async () => {
      await stackDown(stackContext(config()));
      console.log('stack stopped');
    });

  stack
    .command('status')
    .description('check that each service answers')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = stackContext(config());
      const rows = await stackStatus(ctx);
      if (!options.json && ctx.topology !== 'dev') console.log(`topology: ${ctx.topology}\n`);
      console.log(options.json ? JSON.stringify(rows) : formatTable(rows));
      if (rows.some((r) => r.state !== 'up')) process.exitCode = 1;
    });

  stack
    .command('env')
    .description('print the services\' addresses as shell export lines')
    .action(() => {
      const env = readStackEnv(stackContext(config()));
      if (!env) throw new Error('The stack is not up: run `npx v2v stack up` first.');
      process.stdout.write(formatExports(env));
    });

  return stack;
}
