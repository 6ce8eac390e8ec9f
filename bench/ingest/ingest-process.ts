import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '../../src/poll-until.js';
import { procStatus } from '../workflows/proc-status.js';

const V2V_BIN = fileURLToPath(new URL('../../bin/v2v.js', import.meta.url));

export interface V2vChild {
  child: ChildProcess;
  /** The first capture of `ready` in its log. */
  readyMatch: string;
  /** Its log lines at warning level or above. */
  warnings(): string[];
  /** Peak resident set size so far (VmHWM), MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

/** `v2v worker`, `v2v ingest` or `v2v api` as operators run them; resolves when the log matches `ready`. */
export async function startV2vChild(
  command: 'worker' | 'ingest' | 'api',
  ready: RegExp,
  env: Record<string, string>,
  /** Node's own flags, e.g. `--cpu-prof` (which NODE_OPTIONS does not take). */
  nodeArgs: readonly string[] = [],
): Promise<V2vChild> {
  const child = spawn(process.execPath, [...nodeArgs, V2V_BIN, command], {
    env: { ...process.env, LOG_LEVEL: 'info', V2V_INGEST_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const readyMatch = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = ready.exec(output);
      if (match) {
        clearInterval(poll);
        resolve(match[1] ?? match[0]);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`v2v ${command} exited (${code}):\n${output}`));
    });
  });
  return {
    child,
    readyMatch,
    warnings: () => output.split('\n').filter((line) => /"level":(40|50|60)/.test(line)),
    peakRssMiB: () => Math.round((procStatus(child.pid!).VmHWM ?? NaN) / 1024),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until /readyz answers 200: the consumer has joined its group. */
export async function untilReady(opsUrl: string) {
  await pollUntil(`ingest to join its consumer group (${opsUrl}/readyz)`, async () => (await fetch(`${opsUrl}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 120_000,
    intervalMs: 20,
  });
}

/** `v2v ingest` on the benchmark's own topic and group; its operations URL comes from its log. */
export async function startIngestProcess(env: Record<string, string>, nodeArgs: readonly string[] = []) {
  const ingest = await startV2vChild('ingest', /"opsUrl":"([^"]+)"/, env, nodeArgs);
  return { ...ingest, opsUrl: ingest.readyMatch };
}
