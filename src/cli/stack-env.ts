import type { Config } from '../config.js';
import { loadConfigOver } from '../config.js';
import { readStackEnv, stackContext } from '../stack/stack.js';

/**
 * The configuration a V2V process runs with: the environment first, then what `v2v stack up`
 * wrote to .stack/env, so `npx v2v migrate` works right after `npx v2v stack up`.
 */
export function configWithStack(config: Config): Config {
  return loadConfigOver(readStackEnv(stackContext(config)) ?? {});
}

export const databaseUrlFromStack = (config: Config) => configWithStack(config).DATABASE_URL;
