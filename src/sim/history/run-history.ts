import type pg from 'pg';
import { inTransaction } from '../../db/transaction.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { simulate } from '../twin/simulate.js';
import { historyChecksum, type HistoryChecksum } from './checksum.js';
import { clearHistory } from './clear-history.js';
import { scenarioSites } from './scenario-sites.js';
import { writeHistory, type HistoryWritten } from './write-history.js';

export interface HistoryOptions {
  scenarioFile: string;
  batches: number;
  seed: number;
  /** Also compute the history's checksum (a few seconds per 10,000 batches). */
  checksum?: boolean;
}

export interface HistoryRun {
  scenario: string;
  simulatedSeconds: number;
  written: HistoryWritten;
  checksum?: HistoryChecksum;
}

/**
 * History mode: the twin simulates `batches` patients of the scenario and stops when the last one
 * has enrolled, so the most recent batches are still in flight, as in a real network; the run is
 * then written into PostgreSQL under its seed.
 */
export async function runHistory(pool: pg.Pool, options: HistoryOptions): Promise<HistoryRun> {
  const scenario = loadScenario(options.scenarioFile);
  const started = performance.now();
  const result = simulate(scenario, { seed: options.seed, batches: options.batches, drain: false });
  const simulatedSeconds = (performance.now() - started) / 1000;
  const written = await writeHistory(pool, result, scenarioSites(scenario));
  return {
    scenario: scenario.name,
    simulatedSeconds,
    written,
    ...(options.checksum ? { checksum: await historyChecksum(pool, options.seed) } : {}),
  };
}

/** Deletes the seed's history (every row it wrote); returns how many batches it had. */
export const clearSeed = (pool: pg.Pool, seed: number): Promise<number> => inTransaction(pool, (client) => clearHistory(client, seed));

/** What was written, for people: batches, rows per table, time. */
export function describeHistoryRun(run: HistoryRun): string[] {
  const { written } = run;
  const total = written.batches.finished + written.batches.inFlight;
  const width = Math.max(...Object.keys(written.rows).map((t) => t.length));
  return [
    `scenario ${run.scenario}, seed ${written.seed}: ${total} batches (${written.batches.finished} finished, ${written.batches.inFlight} in flight)` +
      (written.replaced > 0 ? `, replacing the ${written.replaced} batches this seed wrote before` : ''),
    ...Object.entries(written.rows).map(([table, n]) => `  ${table.padEnd(width)} ${String(n).padStart(9)} rows`),
    `simulated in ${run.simulatedSeconds.toFixed(1)} s, written in ${written.seconds.toFixed(1)} s (${(total / (run.simulatedSeconds + written.seconds)).toFixed(0)} batches/s)`,
    ...(run.checksum ? [`checksum ${run.checksum.md5}`] : []),
  ];
}
