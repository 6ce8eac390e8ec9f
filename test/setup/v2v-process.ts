import { spawn, type ChildProcess } from 'node:child_process';
import { V2V_BIN } from '../setup/cli.js';
import { inject } from 'vitest';

/**
 * `v2v worker` as a real child process, as an operator would run it, with the stack's addresses
 * and a compressed clock. Resolves once the worker says it polls its task queue.
 */
export async function startWorkerProcess(timeScale = 86_400): Promise<ChildProcess> {
  const child = spawn(process.execPath, [V2V_BIN, 'worker'], {
    env: { ...process.env, ...inject('stackEnv'), V2V_TIME_SCALE: String(timeScale), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}) while starting:\n${output}`)));
  });
  // Keep draining its output so a chatty worker never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

export async function stopWorkerProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
