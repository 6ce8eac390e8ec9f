import { Command } from 'commander';
import type { Config } from '../config.js';
import { createLogger } from '../logging.js';
import { configWithStack } from './stack-env.js';

export function apiCommand(config: () => Config): Command {
  return new Command('api')
    .description('serve the HTTP API and the dashboard on $V2V_API_HOST:$V2V_API_PORT (127.0.0.1:3000 by default; OpenAPI at /openapi.json, docs at /docs); Ctrl-C stops it gracefully')
    .action(async () => {
      const resolved = configWithStack(config());
      // Imported here so that the other commands do not load Fastify and its plugins.
      const { runApiServer } = await import('../api/server.js');
      await runApiServer({ config: resolved, logger: createLogger(resolved, 'api') });
    });
}
