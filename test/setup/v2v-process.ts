import { createServer } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { V2V_BIN } from './cli.js';

export interface V2vProcess {
  child: ChildProcess;
  /** Everything it has written so far (JSON log lines). */
  output(): string;
}

/**
 * A `v2v` long-running command (`worker`, `ingest`, `api`) as a real child process, as an operator would
 * run it, with the stack's addresses. Resolves once its log says `ready`.
 */
export async function startV2vProcess(command: 'worker' | 'ingest' | 'api', ready: string, env: Record<string, string> = {}): Promise<V2vProcess> {
  const child = spawn(process.execPath, [V2V_BIN, command], {
    env: { ...process.env, ...inject('stackEnv'), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep draining its output so a chatty process never blocks on a full pipe.
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve();
      }
    }, 50);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`v2v ${command} did not start within 60 s:\n${output}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearInterval(timer);
      clearTimeout(deadline);
      reject(new Error(`v2v ${command} exited (${code}) while starting:\n${output}`));
    });
  });
  return { child, output: () => output };
}

/** `v2v worker` with a compressed clock; resolves once it polls its task queue. */
export async function startWorkerProcess(timeScale = 86_400): Promise<ChildProcess> {
  return (await startV2vProcess('worker', 'worker started', { V2V_TIME_SCALE: String(timeScale) })).child;
}

export async function stopV2vProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export const stopWorkerProcess = stopV2vProcess;

/** A port free on this machine now (the OS picks it), for a process the test starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
