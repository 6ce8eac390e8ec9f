import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.V2V_TIME_SCALE).toBe(1);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the variable and the rule when a value is bad', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'localhost' })).toThrow(/KAFKA_BROKERS: must be host:port/);
    expect(() => loadConfig({ V2V_TIME_SCALE: '-3' })).toThrow(/V2V_TIME_SCALE/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
