import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { formatExports, formatTable, readStackEnv, stackContext } from '../../src/stack/stack.js';

describe('stack env file', () => {
  it('round-trips values, quotes included, and names with digits, as shell export lines', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2v-env-'));
    const ctx = stackContext(loadConfig({ V2V_STACK_DIR: dir }));
    const env = { DATABASE_URL: "postgres://u:p'w@127.0.0.1:1/db", KAFKA_BROKERS: '127.0.0.1:9092', V2V_GATEWAY_KEY_SECRET: 'k'.repeat(43) };
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

describe('addresses in the environment', () => {
  it('counts the stack’s own exported addresses as its own, and any other as given by the environment', () => {
    const own = loadConfig({ DATABASE_URL: 'postgres://v2v:v2v@127.0.0.1:54329/v2v', KAFKA_BROKERS: '127.0.0.1:19092', TEMPORAL_ADDRESS: '127.0.0.1:17233' });
    expect(stackContext(own).config).not.toHaveProperty('DATABASE_URL');
    expect(stackContext(own).config).not.toHaveProperty('KAFKA_BROKERS');
    expect(stackContext(own).config).not.toHaveProperty('TEMPORAL_ADDRESS');

    const elsewhere = loadConfig({ DATABASE_URL: 'postgres://v2v:v2v@db.internal:5432/v2v', KAFKA_BROKERS: '127.0.0.1:19092', V2V_KAFKA_PORT: '29092', TEMPORAL_ADDRESS: '127.0.0.1:17233' });
    expect(stackContext(elsewhere).config).toMatchObject({ DATABASE_URL: 'postgres://v2v:v2v@db.internal:5432/v2v', KAFKA_BROKERS: '127.0.0.1:19092' });
    expect(stackContext(elsewhere).config).not.toHaveProperty('TEMPORAL_ADDRESS');
  });
});
