import { spawn } from 'node:child_process';

/**
 * Runs a long installer (pip) with its progress and errors on our stderr, so a slow or failed
 * download explains itself. Resolves with the exit code.
 */
export function runVisibly(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
