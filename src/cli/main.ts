import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { stackCommand } from './stack-command.js';
import { migrateCommand } from './migrate-command.js';
import { workerCommand } from './worker-command.js';
import { apiCommand } from './api-command.js';
import { auditCommand } from './audit-command.js';
import { demoCommand } from './demo-command.js';
import { ingestCommand } from './ingest-command.js';
import { simulateCommand } from './simulate-command.js';
import { forecastCommand } from './forecast-command.js';
import { usersCommand } from './users-command.js';
import { tokenCommand } from './token-command.js';
import { gatewayCommand } from './gateway-command.js';

const program = new Command('v2v')
  .description('V2V: the open vein-to-vein orchestrator for autologous cell therapy')
  .showHelpAfterError();

program.addCommand(stackCommand(loadConfigOrExit));
program.addCommand(migrateCommand(loadConfigOrExit));
program.addCommand(workerCommand(loadConfigOrExit));
program.addCommand(apiCommand(loadConfigOrExit));
program.addCommand(auditCommand(loadConfigOrExit));
program.addCommand(ingestCommand(loadConfigOrExit));
program.addCommand(demoCommand(loadConfigOrExit));
program.addCommand(simulateCommand(loadConfigOrExit));
program.addCommand(forecastCommand(loadConfigOrExit));
program.addCommand(usersCommand(loadConfigOrExit));
program.addCommand(tokenCommand(loadConfigOrExit));
program.addCommand(gatewayCommand(loadConfigOrExit));

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
