import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoModels } from '../../src/cli/demo-models.js';
import type { DemoModelsSpec } from '../../src/cli/demo-models-cache.js';
import { createDatabase } from '../../src/db/client.js';
import { models } from '../../src/db/schema/index.js';
import { clearSeed } from '../../src/sim/history/run-history.js';
import { stackPaths } from '../../src/stack/paths.js';
import { stackConfig, unique } from '../setup/services.js';

/**
 * The demo's model cache, small: a 600-batch history, 10 rounds and one backtest fold (the demo
 * itself trains 3,000 batches with the defaults), under this file's own seed, scopes and cache
 * directory, so it never meets the demo's models or another test's.
 */
const config = stackConfig();
const SEED = 918_501;
const spec: DemoModelsSpec = { seed: SEED, batches: 600, scenario: 'scenarios/baseline.json', rounds: 10, folds: 1, turnaroundScope: unique('demo-turnaround'), maintenanceScope: unique('demo-bioreactor') };
const cacheRoot = mkdtempSync(path.join(tmpdir(), 'v2v-demo-cache-'));
const { db, pool } = createDatabase(config.DATABASE_URL!, { max: 2 });
afterAll(async () => {
  await clearSeed(pool, SEED);
  await pool.end();
});

const inScopes = async () => [
  ...(await db.select({ id: models.id, state: models.state }).from(models).where(eq(models.scope, spec.turnaroundScope))),
  ...(await db.select({ id: models.id, state: models.state }).from(models).where(eq(models.scope, spec.maintenanceScope))),
];

describe("the demo's forecast models", () => {
  it("are built, trained and served on first use, then reused from the cache without training again, and a new key's build replaces them", { timeout: 400_000 }, async () => {
    const lines: string[] = [];
    const run = () => ensureDemoModels({ stackRoot: stackPaths(config).root, cacheRoot, databaseUrl: config.DATABASE_URL!, spec, print: (line) => lines.push(line) });

    const first = await run();
    expect(first.reused).toBe(false);
    expect(first.serving.map((s) => s.target)).toEqual(['release_days', 'infusion_ready_days', 'equipment_failure_7d', 'equipment_rul']);
    for (const served of first.serving) expect(served.id, served.target).toMatch(new RegExp(`^${served.target}:${served.scope}:v1$`));
    expect(lines.some((l) => l.includes('[4/4]'))).toBe(true);
    const registered = await inScopes();
    expect(registered.map((m) => m.state)).toEqual(['active', 'active', 'active', 'active']);

    lines.length = 0;
    const second = await run();
    expect(second).toMatchObject({ reused: true, key: first.key, serving: first.serving });
    expect(lines[0]).toContain(`reusing the demo's models`);
    expect(lines.some((l) => l.includes('[1/4]'))).toBe(false);
    expect(await inScopes()).toEqual(registered);

    // Another key (here fewer rounds; in use, newer code): built again, and its models replace the
    // demo's own earlier ones, which the promotion rule alone would keep (no newer cases to judge on).
    lines.length = 0;
    const rebuilt = await ensureDemoModels({ stackRoot: stackPaths(config).root, cacheRoot, databaseUrl: config.DATABASE_URL!, spec: { ...spec, rounds: 5 }, print: (line) => lines.push(line) });
    expect(rebuilt.reused).toBe(false);
    expect(rebuilt.key).not.toBe(first.key);
    for (const served of rebuilt.serving) expect(served.id, served.target).toMatch(new RegExp(`^${served.target}:${served.scope}:v2$`));
    expect(lines.filter((l) => l.includes("replaces the demo's earlier"))).toHaveLength(4);
  });
});
