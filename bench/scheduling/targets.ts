import type { PolicyResult } from '../../src/sim/what-if/policy-comparison.js';

export interface TargetCheck {
  target: string;
  met: boolean;
  figures: string;
}

const byId = (results: readonly PolicyResult[], id: string) => results.find((r) => r.variant.id === id)?.figures;
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : NaN);

/** Issue 18's targets for one load, checked on the figures (NaN ratios count as missed). */
export function checkTargets(load: number, results: readonly PolicyResult[]): TargetCheck[] {
  const today = byId(results, 'first-at-the-door')!;
  const checks: TargetCheck[] = [];
  for (const r of results.filter((x) => x.variant.allocation.mode === 'slot-chain')) {
    checks.push({
      target: `${r.variant.id}: no collected material waits for a line`,
      met: r.figures.batchesThatWaited === 0,
      figures: `${r.figures.batchesThatWaited} batches waited (longest ${r.figures.lineWaitMax.toFixed(2)} d; first at the door: ${today.batchesThatWaited}, longest ${today.lineWaitMax.toFixed(2)} d)`,
    });
  }
  if (load < 1) {
    for (const id of ['slot-chain-greedy', 'slot-chain-planner']) {
      const f = byId(results, id);
      if (!f) continue;
      const v2v = ratio(f.veinToVeinP90, today.veinToVeinP90);
      const wait = ratio(f.orderToInfusionP90, today.orderToInfusionP90);
      checks.push({ target: `${id}: P90 vein to vein ≥ 20 % lower than first at the door`, met: v2v <= 0.8, figures: `× ${v2v.toFixed(3)}` });
      checks.push({ target: `${id}: P90 order → infusion no more than 5 % higher`, met: wait <= 1.05, figures: `× ${wait.toFixed(3)}` });
    }
  } else {
    const urgency = byId(results, 'urgency');
    const fifo = byId(results, 'slot-chain-greedy');
    if (urgency) {
      checks.push({
        target: 'urgency: lower % not infused than first at the door',
        met: urgency.notInfusedShare < today.notInfusedShare,
        figures: `${(urgency.notInfusedShare * 100).toFixed(1)} % vs ${(today.notInfusedShare * 100).toFixed(1)} %`,
      });
      if (fifo) {
        checks.push({
          target: 'urgency: lower % not infused than the slot chain first-come',
          met: urgency.notInfusedShare < fifo.notInfusedShare,
          figures: `${(urgency.notInfusedShare * 100).toFixed(1)} % vs ${(fifo.notInfusedShare * 100).toFixed(1)} %`,
        });
      }
    }
  }
  return checks;
}
