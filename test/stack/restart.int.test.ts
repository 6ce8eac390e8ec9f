import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { stackPaths } from '../../src/stack/paths.js';
import { runV2v, runV2vWith } from '../setup/cli.js';
import { stackConfig, unique } from '../setup/services.js';

const config = stackConfig();
const paths = stackPaths(config);

/** Process groups of the daemons the stack started (postgres forks its workers into its own group). */
function stackProcessGroups(): number[] {
  return readdirSync(paths.run)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(path.join(paths.run, f), 'utf8')));
}

function livePidsInGroups(groups: number[]): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' });
  return ps
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, pgid]) => groups.includes(pgid!))
    .map(([pid]) => pid!);
}

const allLocal = JSON.parse(runV2v('stack', 'status', '--json')).every((s: { source: string }) => s.source === 'local');

describe.runIf(allLocal)('stack down and up again', () => {
  it('leaves no process behind, then keeps PostgreSQL rows and Temporal workflows', async () => {
    const siteId = unique('persisted-site');
    const workflowId = unique('persisted-wf');
    const db = new pg.Client({ connectionString: config.DATABASE_URL });
    await db.connect();
    await db.query(`insert into sites (id, kind, name) values ($1, 'treatment_center', 'Survives restarts')`, [siteId]);
    await db.end();
    let connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
    // Nobody polls this queue: the workflow stays open, which is what must survive.
    await new Client({ connection }).workflow.start('nobodyRunsThis', { taskQueue: unique('idle'), workflowId });
    await connection.close();

    const groups = stackProcessGroups();
    expect(groups).toHaveLength(3);
    runV2v('stack', 'down');
    expect(livePidsInGroups(groups)).toEqual([]);

    // As a newcomer does after `eval "$(npx v2v stack env)"`: the shell still names the stack's own
    // addresses, which are the stack's to start again, not services given by the environment.
    runV2vWith({ ...process.env, ...inject('stackEnv') }, 'stack', 'up');
    const after = new pg.Client({ connectionString: config.DATABASE_URL });
    await after.connect();
    const { rows } = await after.query('select name from sites where id = $1', [siteId]);
    await after.end();
    expect(rows).toEqual([{ name: 'Survives restarts' }]);

    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
    const handle = new Client({ connection }).workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('restart test done');
    await connection.close();
  });
});
