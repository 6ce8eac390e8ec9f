import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface VisibleOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * Each line the command prints, instead of passing them through: for a tool whose every line is
   * noise (a compiler listing packages) and whose progress is better told as a count.
   */
  onLine?: (line: string) => void;
}

/**
 * Runs a long installer (pip, Maven, go install) with its progress and errors on our stderr, so a
 * slow or failed download explains itself. Resolves with the exit code.
 */
export function runVisibly(command: string, args: string[], options: VisibleOptions = {}): Promise<number> {
  const { env, onLine } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', onLine ? 'pipe' : 2, onLine ? 'pipe' : 2] });
    if (onLine) {
      for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', onLine);
    }
    child.once('error', reject);
    // 'close', not 'exit': the last lines may still be in the pipes when the process exits.
    child.once('close', (code) => resolve(code ?? 1));
  });
}
