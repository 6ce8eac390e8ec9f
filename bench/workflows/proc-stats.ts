import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stackPaths } from '../../src/stack/paths.js';
import { config } from './parameters.js';

/** Memory and CPU figures read from Linux's /proc. */
export { procStatus } from './proc-status.js';

const CLK_TCK = 100; // USER_HZ on Linux: /proc/<pid>/stat times are in 1/100 s

/** CPU seconds of a process, its live children and its reaped ones (0 when it is gone). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const read = (p: number | string) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
      return { ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
    } catch {
      return undefined;
    }
  };
  const root = read(pid);
  if (!root) return 0;
  let ticks = root.self + root.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = read(entry);
    if (child?.ppid === pid) ticks += child.self + child.reaped;
  }
  return ticks / CLK_TCK;
}

/**
 * The local stack's PostgreSQL and Temporal, when `v2v stack up` started them (their pid files): the
 * dev server is `temporal`, the production topology's server `temporal-server`.
 */
function stackPid(service: 'postgres' | 'temporal' | 'temporal-server'): number | undefined {
  try {
    return Number(readFileSync(path.join(stackPaths(config).run, `${service}.pid`), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (all processes, all cores) since boot. */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, v) => a + v, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / CLK_TCK; // minus idle and iowait
}

export interface CpuMark {
  machine: number;
  worker: number;
  temporal: number;
  postgres: number;
  client: number;
}

export const cpuMark = (workerPid: number): CpuMark => ({
  machine: machineBusySeconds(),
  worker: cpuSeconds(workerPid),
  temporal: cpuSeconds(stackPid('temporal') ?? stackPid('temporal-server')),
  postgres: cpuSeconds(stackPid('postgres')),
  client: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
});

export const cpuSince = (from: CpuMark, to: CpuMark): CpuMark => ({
  machine: to.machine - from.machine,
  worker: to.worker - from.worker,
  temporal: to.temporal - from.temporal,
  postgres: to.postgres - from.postgres,
  client: to.client - from.client,
});
