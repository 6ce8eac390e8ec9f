import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { failpoint } from '../../src/api/failpoint.js';
import { loadConfig } from '../../src/config.js';

const lines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
const pending = Symbol('still waiting');
/** Whether the promise settles once everything already queued has run (a failpoint never does). */
const settles = async (p: Promise<unknown>) => (await Promise.race([p, new Promise((resolve) => setImmediate(() => resolve(pending)))])) !== pending;

describe('V2V_FAILPOINT (tests only)', () => {
  it('does nothing when unset or set to another step', async () => {
    expect(await settles(failpoint({ config: {}, logger }, 'enrol:after-commit'))).toBe(true);
    expect(await settles(failpoint({ config: { V2V_FAILPOINT: 'enrol:after-start' }, logger }, 'enrol:after-commit'))).toBe(true);
    expect(lines).toEqual([]);
  });

  it('at its step, logs "failpoint reached" with the step and never returns', async () => {
    expect(await settles(failpoint({ config: { V2V_FAILPOINT: 'enrol:after-commit' }, logger }, 'enrol:after-commit', { batchId: 'b-1' }))).toBe(false);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'failpoint reached', failpoint: 'enrol:after-commit', batchId: 'b-1' });
  });

  it('accepts only the known steps', () => {
    expect(loadConfig({ V2V_FAILPOINT: 'enrol:after-start' }).V2V_FAILPOINT).toBe('enrol:after-start');
    expect(() => loadConfig({ V2V_FAILPOINT: 'enrol:somewhere' })).toThrow(/V2V_FAILPOINT/);
  });
});
