import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../src/stack/paths.js';
import type { HistoryWritten } from '../../src/sim/history/write-history.js';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000' },
    seed: { type: 'string', default: '7100' },
    scenario: { type: 'string', default: 'scenarios/baseline.json' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:twin:history -- [options]
  --sizes N,M      batches per run, each in its own process, default 10000,50000
  --seed S         seed of the first size (the next sizes take S+1, S+2, …), default 7100
  --scenario FILE  default scenarios/baseline.json
  --keep           leave the histories in the database (by default each is deleted after its run)`);
  process.exit(0);
}

interface Run {
  batches: number;
  simulateSeconds: number;
  rawCopySeconds: number;
  written: HistoryWritten;
  /** After the simulation, before anything was written. */
  simulatedPeakRssMiB: number;
  peakRssMiB: number;
}

const run = promisify(execFile);
const sizes = flags.sizes.split(',').map(Number);
const perSecond = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;

console.log(`history mode: scenario ${flags.scenario}, sizes ${sizes.join(', ')} (each in its own process)`);
for (const [i, batches] of sizes.entries()) {
  const args = ['tsx', path.join('bench', 'twin', 'history-run.ts'), '--batches', String(batches), '--seed', String(Number(flags.seed) + i), '--scenario', flags.scenario, ...(flags.keep ? ['--keep'] : [])];
  const { stdout } = await run('npx', args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as Run;
  const w = r.written;
  const rows = Object.values(w.rows).reduce((a, n) => a + n, 0);
  const total = r.simulateSeconds + w.seconds;
  console.log(
    [
      `\n${batches.toLocaleString('en-US')} batches (${w.batches.finished} finished, ${w.batches.inFlight} in flight), ${rows.toLocaleString('en-US')} rows`,
      `  simulation alone        ${r.simulateSeconds.toFixed(1)} s   ${perSecond(batches, r.simulateSeconds)} batches`,
      `  history written         ${w.seconds.toFixed(1)} s   ${perSecond(batches, w.seconds)} batches, ${perSecond(rows, w.seconds)} rows`,
      `  simulated and written   ${total.toFixed(1)} s   ${perSecond(batches, total)} batches`,
      `  raw COPY, bare tables   ${r.rawCopySeconds.toFixed(1)} s   ${perSecond(rows, r.rawCopySeconds)} rows`,
      `  written / raw COPY      ${(w.seconds / r.rawCopySeconds).toFixed(2)}×   (keys, indexes, foreign keys, exclusion constraints, trigger)`,
      `  written / simulation    ${(w.seconds / r.simulateSeconds).toFixed(2)}×`,
      `  peak RSS                ${r.peakRssMiB.toFixed(0)} MiB (${r.simulatedPeakRssMiB.toFixed(0)} MiB once simulated, before writing)`,
      `  rows: ${Object.entries(w.rows).map(([t, n]) => `${t} ${n}`).join(', ')}`,
    ].join('\n'),
  );
}
