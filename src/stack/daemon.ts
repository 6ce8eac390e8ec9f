import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { PollOptions } from '../poll-until.js';
import type { StackPaths } from './paths.js';

/**
 * A background process that the stack started and owns: detached into its own process group,
 * output appended to .stack/logs/<name>.log, pid in .stack/run/<name>.pid. `down` stops only
 * processes that have a pid file, so services given by the environment are never touched.
 */
export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

const pidFile = (paths: StackPaths, name: string) => path.join(paths.run, `${name}.pid`);
export const logFile = (paths: StackPaths, name: string) => path.join(paths.logs, `${name}.log`);

export function startDaemon(paths: StackPaths, spec: DaemonSpec): number {
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  const log = openSync(logFile(paths, spec.name), 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    writeFileSync(pidFile(paths, spec.name), String(child.pid));
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function daemonPid(paths: StackPaths, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(paths, name), 'utf8').trim());
    return Number.isInteger(pid) && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops the whole process group (wrapper scripts and the JVM they exec alike), then forgets it. */
export async function stopDaemon(paths: StackPaths, name: string, signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000) {
  const pid = daemonPid(paths, name);
  if (pid !== undefined) {
    signalGroup(pid, signal);
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(pidFile(paths, name), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How the stack waits for a service (`pollUntil`): until then its probe throws (a refused
 * connection), which means "not up yet"; the last error and the log to read end the timeout's message.
 */
export function serviceWait(timeoutMs: number, log?: string): PollOptions {
  return { timeoutMs, intervalMs: 250, retryErrors: true, ...(log ? { context: () => `see ${log}` } : {}) };
}
