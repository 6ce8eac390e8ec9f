import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const V2V_BIN = fileURLToPath(new URL('../../bin/v2v.js', import.meta.url));

/**
 * The benchmark's batches: a twin history written by `v2v simulate history` (marked simulated, so it
 * never mixes with real batches), reused when the seed already holds enough of them.
 */
export async function ensureSimulatedBatches(pool: pg.Pool, batches: number, seed: number, env: Record<string, string>) {
  const count = async () =>
    Number((await pool.query<{ n: string }>('select count(*) as n from batches where simulated and simulation_seed = $1', [seed])).rows[0]!.n);
  if ((await count()) < batches) {
    console.error(`writing ${batches} simulated batches (v2v simulate history --seed ${seed})…`);
    const run = spawnSync(process.execPath, [V2V_BIN, 'simulate', 'history', '--batches', String(batches), '--seed', String(seed)], {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`v2v simulate history exited ${run.status}`);
  }
  const { rows } = await pool.query<{ site: string; n: string }>(
    `select treatment_center_id as site, count(*) as n from batches where simulated and simulation_seed = $1
     group by 1 order by 2 desc limit 1`,
    [seed],
  );
  return { total: await count(), busiestTreatmentCentre: rows[0]!.site, batchesThere: Number(rows[0]!.n) };
}
