import { allocationSchema, type AllocationInput } from '../scenario/allocation.js';
import type { Scenario } from '../scenario/scenario.js';
import type { PlanFunction } from '../twin/slot-chains/desk.js';
import { simulate } from '../twin/simulate.js';
import { policyFigures, type PolicyFigures } from './policy-figures.js';
import { replicationSeed } from './replication.js';

/** One way of allocating capacity the what-if compares. */
export interface PolicyVariant {
  id: string;
  label: string;
  allocation: AllocationInput;
}

/** Issue 18's comparison: today's allocation, the slot chain planned two ways, and two waitlist policies. */
export const POLICY_VARIANTS: readonly PolicyVariant[] = [
  { id: 'first-at-the-door', label: 'first at the door (today)', allocation: { mode: 'first-at-the-door' } },
  { id: 'slot-chain-greedy', label: 'slot chain, greedy rule', allocation: { mode: 'slot-chain', planner: 'greedy', policyId: 'first-come' } },
  { id: 'slot-chain-planner', label: 'slot chain, HiGHS planner', allocation: { mode: 'slot-chain', planner: 'highs', policyId: 'first-come' } },
  { id: 'urgency', label: 'slot chain, urgency tiers', allocation: { mode: 'slot-chain', planner: 'greedy', policyId: 'urgency' } },
  { id: 'fair-share', label: 'slot chain, fair share', allocation: { mode: 'slot-chain', planner: 'greedy', policyId: 'fair-share' } },
];

export interface ComparisonOptions {
  seed: number;
  /** Runs per policy; run r of every policy has the same seed (the same patients, cells and draws). */
  seeds: number;
  years?: number;
  variants?: readonly PolicyVariant[];
  /** The HiGHS planner, loaded by the caller; without it the planner's variant is left out. */
  highs?: PlanFunction;
  onRun?: (variant: string, run: number) => void;
}

export interface PolicyResult {
  variant: PolicyVariant;
  figures: PolicyFigures;
  /** The same figures for each product's patients alone. */
  byProduct: Record<string, PolicyFigures>;
  /** Wall time of the policy's runs, ms. */
  elapsedMs: number;
}

/**
 * The scenario's network and demand under each allocation, keeping whatever else the scenario's
 * own allocation says (tiers, horizon, margins): only mode, planner and policy change.
 */
export function withAllocation(scenario: Scenario, allocation: AllocationInput): Scenario {
  const own = scenario.allocation ? { horizonDays: scenario.allocation.horizonDays, commitDays: scenario.allocation.commitDays, lineMarginDays: scenario.allocation.lineMarginDays, timeLimitMs: scenario.allocation.timeLimitMs, tiers: scenario.allocation.tiers } : {};
  return { ...scenario, allocation: allocationSchema.parse({ ...own, ...allocation }) };
}

export function comparePolicies(scenario: Scenario, options: ComparisonOptions): PolicyResult[] {
  const variants = (options.variants ?? POLICY_VARIANTS).filter((v) => v.allocation.planner !== 'highs' || options.highs);
  return variants.map((variant) => {
    const started = performance.now();
    const configured = withAllocation(scenario, variant.allocation);
    const runs = Array.from({ length: options.seeds }, (_, r) => {
      options.onRun?.(variant.id, r);
      return simulate(configured, { seed: replicationSeed(options.seed, r), years: options.years, telemetry: false, highs: options.highs });
    });
    const byProduct = Object.fromEntries(scenario.products.map((p) => [p.productId, policyFigures(runs, scenario.costs, p.productId)]));
    return { variant, figures: policyFigures(runs, scenario.costs), byProduct, elapsedMs: performance.now() - started };
  });
}
