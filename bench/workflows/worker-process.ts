import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { repoRoot } from '../../src/stack/paths.js';
import { transportEnv } from '../../src/transport.js';
import { log } from './log.js';
import { config, DATABASE_URL, NAMESPACE, TEMPORAL_ADDRESS } from './parameters.js';
import { procStatus } from './proc-stats.js';

/** A worker run as a child process, so that its peak RSS and CPU can be read from /proc. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  output: string[];
  warnLines: number;
  peakSampledKb: number;
  sampler?: NodeJS.Timeout;
}

/** The workers started and not yet stopped. */
export const running: WorkerProcess[] = [];

/** The child's configuration, explicitly: nothing of this process's environment leaks into it. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: NAMESPACE,
    DATABASE_URL,
    LOG_LEVEL: 'warn',
    // TLS, SASL or mTLS, as the stack (the production topology) or the caller configured them.
    ...transportEnv(config),
    ...extra,
  };
  if (config.KAFKA_BROKERS) env.KAFKA_BROKERS = config.KAFKA_BROKERS;
  if (config.V2V_STACK_DIR) env.V2V_STACK_DIR = config.V2V_STACK_DIR;
  return env;
}

export async function startWorker(name: string, args: string[], env: Record<string, string>, taskQueue: string, connection: Connection): Promise<WorkerProcess> {
  // process.execPath with the script (bin/v2v.js registers tsx in-process; --import tsx likewise):
  // the pid spawn returns is the node process that runs the worker, not a wrapper.
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const w: WorkerProcess = { name, child, pid: child.pid!, output: [], warnLines: 0, peakSampledKb: 0 };
  running.push(w);
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      w.warnLines++;
      w.output.push(line);
      if (w.output.length > 200) w.output.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const cmdline = readFileSync(`/proc/${w.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  if (path.basename(cmdline[0] ?? '') !== path.basename(process.execPath)) {
    throw new Error(`${name}: pid ${w.pid} is "${cmdline.join(' ')}", not node`);
  }
  // Ready once its workflow poller shows on the task queue under its own identity (pid@host).
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${w.output.join('\n')}`);
    }
    // A deadline per call: right after a namespace is registered, the server may sit on requests.
    const res = await connection
      .withDeadline(Date.now() + 5_000, () =>
        connection.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: taskQueue }, taskQueueType: 1 /* WORKFLOW */ }),
      )
      .catch(() => undefined);
    if (res?.pollers?.some((p) => p.identity?.startsWith(`${w.pid}@`))) break;
    if (Date.now() - started > 120_000) throw new Error(`${name} did not poll ${taskQueue} within 120 s:\n${w.output.join('\n')}`);
    await sleep(250);
  }
  w.sampler = setInterval(() => {
    try {
      w.peakSampledKb = Math.max(w.peakSampledKb, procStatus(w.pid).VmRSS ?? 0);
    } catch {
      /* exited */
    }
  }, 250);
  log(`${name} polling ${taskQueue} (pid ${w.pid}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return w;
}

export type StoppedWorker = { hwmKb?: number; rssKb?: number; peakSampledKb: number; exit: string };

/** Reads the peaks, then SIGTERM and wait (SIGKILL after 30 s). */
export async function stopWorker(w: WorkerProcess): Promise<StoppedWorker> {
  clearInterval(w.sampler);
  let hwmKb: number | undefined;
  let rssKb: number | undefined;
  if (w.child.exitCode === null && w.child.signalCode === null) {
    const status = procStatus(w.pid);
    hwmKb = status.VmHWM;
    rssKb = status.VmRSS;
    const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
    w.child.kill('SIGTERM');
    const killer = setTimeout(() => w.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
  return { hwmKb, rssKb, peakSampledKb: w.peakSampledKb, exit: String(w.child.exitCode ?? w.child.signalCode) };
}

export async function stopAll() {
  for (const w of running.splice(0)) await stopWorker(w).catch(() => undefined);
}
