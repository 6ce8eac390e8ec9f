import { describe, expect, it } from 'vitest';
import { CI_FORM } from './faults.js';
import { NO_DAMAGE } from './ledger.js';
import { formatReport } from './report.js';
import { runReliability } from './run.js';

/**
 * CI's form of `npm run test:reliability`: the production topology in a stack of its own (beside
 * the integration tests' dev stack), twin-driven load, and the faults of CI_FORM. The full form and
 * the soak run by hand (docs/reliability.md).
 */
describe('the production topology under faults (CI form)', () => {
  it('loses, doubles and strands nothing, and the custody trail verifies', async () => {
    const report = await runReliability({
      faults: CI_FORM,
      readingsPerSecond: 150,
      // A patient every 10 simulated days (s) and a short tail: about 13 batches, 4–5 minutes in all.
      arrivalDays: 10,
      tailSeconds: 5,
      seed: 19,
      progress: (line) => console.error(line),
    });
    // The table as the by-hand run prints it, so a failure in CI's log reads like one.
    console.log(formatReport(report));
    for (const row of report.rows) {
      const damage = Object.fromEntries(Object.keys(NO_DAMAGE).map((k) => [k, row[k as keyof typeof NO_DAMAGE]]));
      expect({ fault: row.fault, ...damage }).toEqual({ fault: row.fault, ...NO_DAMAGE });
    }
    expect(report.findings).toEqual([]);
    expect(report.auditVerify).toMatchObject({ ok: true });
    expect(report.batches).toBeGreaterThan(0);
  }, 20 * 60_000);
});
