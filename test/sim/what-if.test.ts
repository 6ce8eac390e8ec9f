import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/sim/scenario/load-scenario.js';
import { runWhatIf, type WhatIfReport } from '../../src/sim/what-if/run-what-if.js';
import { formatWhatIfReport } from '../../src/sim/what-if/what-if-report.js';
import { baselineJson, baselineScenario } from './twin-fixtures.js';

const figure = (report: WhatIfReport, key: string) => report.figures.find((f) => f.key === key)!;

// Each case simulates months of a network several times over: seconds of CPU, more on a loaded machine.
describe('what-if replications', { timeout: 60_000 }, () => {
  const baseline = baselineScenario();

  it('compare a scenario with itself to the last digit: the same seeds give the same patients', async () => {
    const same = { ...baseline, name: 'the same network' };
    const report = await runWhatIf({ baseline, scenario: same, seed: 4, years: 0.3 }, { replications: 2 });
    for (const f of report.figures) if (f.difference.n > 0) expect([f.key, f.difference.mean]).toEqual([f.key, 0]);
    expect(figure(report, 'patients').baseline.n).toBe(2);
  });

  it('show more demand as more patients, busier lines and longer waits, with intervals', async () => {
    const busier = parseScenario({ ...baselineJson(), name: 'demand +60 %', demandMultiplier: 1.6 });
    const report = await runWhatIf({ baseline, scenario: busier, seed: 4, years: 0.5 }, { replications: 3 });
    expect(figure(report, 'patients').difference.low).toBeGreaterThan(0);
    expect(figure(report, 'line-utilisation').difference.low).toBeGreaterThan(0);
    expect(figure(report, 'v2v-mean').difference.mean).toBeGreaterThan(0);
    const cost = figure(report, 'cost-per-infused');
    expect(cost.baseline.low).toBeLessThanOrEqual(cost.baseline.mean);
    expect(cost.baseline.high).toBeGreaterThanOrEqual(cost.baseline.mean);
    const text = formatWhatIfReport(report);
    expect(text).toContain('demand +60 % against baseline: 3 replications');
    expect(text).toMatch(/cost per infused patient\s+USD [\d,]+ \([\d,]+ … [\d,]+\)/);
  });

  it('give the same answer on worker threads as in one thread', async () => {
    const plan = { baseline, scenario: { ...baseline, name: 'again', demandMultiplier: 1.2 }, seed: 9, years: 0.15 };
    const one = await runWhatIf(plan, { replications: 2, workers: 1 });
    const two = await runWhatIf(plan, { replications: 2, workers: 2 });
    expect(two.figures).toEqual(one.figures);
  }, 60_000);
});
