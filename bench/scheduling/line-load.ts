import { productProfile } from '../../src/domain/profiles.js';
import type { Scenario } from '../../src/sim/scenario/scenario.js';

/** The network's line-days per week, and what its demand asks of them at demand multiplier 1. */
export interface LineLoad {
  capacityLineDaysPerWeek: number;
  demandLineDaysPerWeek: number;
  /** Demand ÷ capacity at multiplier 1. */
  loadAtOne: number;
  explanation: string;
}

/**
 * Capacity = Σ facilities' lines × 7 days. Demand = Σ treatment centres Σ products enrolments per
 * week × the product's nominal line days (every manufacturing step; the line is free once the
 * product is frozen). First attempts only: failures and re-collections add a few per cent on top.
 */
export function lineLoad(scenario: Scenario): LineLoad {
  const capacity = scenario.network.facilities.reduce((n, f) => n + f.lines, 0) * 7;
  const parts: string[] = [];
  let demand = 0;
  for (const p of scenario.products) {
    const lineDays = Object.values(productProfile(p.productId).manufacturingDays).reduce((a, d) => a + d, 0);
    const perWeek = scenario.network.treatmentCentres.reduce((n, t) => n + (t.enrolmentPerWeek?.[p.productId] ?? p.enrolmentPerWeek), 0);
    demand += perWeek * lineDays;
    parts.push(`${p.productId}: ${perWeek.toFixed(1)}/week × ${lineDays} line-days`);
  }
  const explanation = `capacity ${capacity} line-days/week (${scenario.network.facilities.map((f) => `${f.id} ${f.lines}`).join(', ')} lines × 7); demand at multiplier 1 ${demand.toFixed(1)} line-days/week (${parts.join('; ')}) = ${((demand / capacity) * 100).toFixed(1)} % of capacity`;
  return { capacityLineDaysPerWeek: capacity, demandLineDaysPerWeek: demand, loadAtOne: demand / capacity, explanation };
}

/** The demand multiplier that asks `load` (e.g. 0.9) of the network's lines. */
export const multiplierFor = (scenario: Scenario, load: number) => load / lineLoad(scenario).loadAtOne;
