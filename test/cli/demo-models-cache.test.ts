import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoBuiltModelIds, demoModelsDir, demoModelsKey, readManifest, writeManifest, type DemoModelsSpec } from '../../src/cli/demo-models-cache.js';

const spec: DemoModelsSpec = { seed: 1, batches: 600, scenario: 'scenarios/baseline.json', turnaroundScope: 'network', maintenanceScope: 'bioreactor' };

describe("the demo models' cache key", () => {
  it('is the same for the same inputs and changes with each thing that decides the models', () => {
    const key = demoModelsKey(spec);
    expect(demoModelsKey({ ...spec })).toBe(key);
    const changed = [{ seed: 2 }, { batches: 601 }, { rounds: 20 }, { folds: 1 }, { scenario: 'scenarios/demand-plus-30.json' }, { turnaroundScope: 'elsewhere' }];
    for (const change of changed) {
      expect(demoModelsKey({ ...spec, ...change }), JSON.stringify(change)).not.toBe(key);
    }
  });
});

describe("the demo models' manifest", () => {
  it('is found under its key once written, and a damaged or foreign one counts as none', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'v2v-demo-models-'));
    expect(readManifest(root, 'abc')).toBeUndefined();
    const manifest = { key: 'abc', builtAt: '2026-12-06T21:00:00.000Z', seconds: 12, models: [{ id: 'release_days:network:v1', target: 'release_days', scope: 'network' }] };
    writeManifest(root, manifest);
    expect(readManifest(root, 'abc')).toEqual(manifest);

    mkdirSync(demoModelsDir(root), { recursive: true });
    writeFileSync(path.join(demoModelsDir(root), 'def.json'), '{"key": "def", "models": [');
    expect(readManifest(root, 'def')).toBeUndefined();
    // A manifest copied under another key's name is not that key's.
    writeFileSync(path.join(demoModelsDir(root), 'ghi.json'), JSON.stringify(manifest));
    expect(readManifest(root, 'ghi')).toBeUndefined();
    // The demo's own models: those of every sound manifest.
    writeManifest(root, { ...manifest, key: 'jkl', models: [{ id: 'release_days:network:v2', target: 'release_days', scope: 'network' }] });
    expect(demoBuiltModelIds(root)).toEqual(new Set(['release_days:network:v1', 'release_days:network:v2']));
  });
});
