import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Config } from '../config.js';

/** The repository root, whatever the current directory of the caller. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackPaths {
  root: string;
  logs: string;
  run: string;
  envFile: string;
}

export function stackPaths(config: Pick<Config, 'V2V_STACK_DIR'>): StackPaths {
  const root = path.resolve(repoRoot, config.V2V_STACK_DIR ?? '.stack');
  return { root, logs: path.join(root, 'logs'), run: path.join(root, 'run'), envFile: path.join(root, 'env') };
}
