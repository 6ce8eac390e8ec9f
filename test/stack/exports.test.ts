import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { formatExports, formatTable, readStackEnv, stackContext } from '../../src/stack/stack.js';

describe('stack env file', () => {
  it('round-trips values, quotes included, as shell export lines', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2v-env-'));
    const ctx = stackContext(loadConfig({ V2V_STACK_DIR: dir }));
    const env = { DATABASE_URL: "postgres://u:p'w@127.0.0.1:1/db", KAFKA_BROKERS: '127.0.0.1:9092' };
    writeFileSync(ctx.paths.envFile, formatExports(env));
    expect(readStackEnv(ctx)).toEqual(env);
    expect(formatExports(env)).toContain(`export DATABASE_URL='postgres://u:p'\\''w@127.0.0.1:1/db'`);
  });

  it('prints an aligned table of service, address, state and source', () => {
    const table = formatTable([
      { service: 'postgres', address: '127.0.0.1:54329', state: 'up', source: 'local' },
      { service: 'kafka', address: 'broker:9092', state: 'down', source: 'env' },
    ]);
    expect(table.split('\n')).toEqual([
      'service   address          state  source',
      'postgres  127.0.0.1:54329  up     local',
      'kafka     broker:9092      down   env',
    ]);
  });
});
