import { z } from 'zod';
import { STAGES } from '../../domain/stages.js';

/**
 * The turnaround model's inputs, in column order: the one list training, serving and the CSV
 * header are derived from. A categorical feature names the vocabulary that encodes it.
 */
export const FEATURES = [
  { name: 'product', vocabulary: 'product' },
  { name: 'facility', vocabulary: 'site' },
  { name: 'apheresis_centre', vocabulary: 'site' },
  { name: 'treatment_centre', vocabulary: 'site' },
  { name: 'lane_outbound', vocabulary: 'lane' },
  { name: 'lane_return', vocabulary: 'lane' },
  { name: 'stage', vocabulary: 'stage' },
  { name: 'held_from', vocabulary: 'stage' },
  { name: 'attempt' },
  { name: 'hours_in_stage' },
  { name: 'hours_since_collection' },
  { name: 'hours_since_enrolment' },
  { name: 'cell_yield' },
  { name: 'manufacturing_steps_done' },
  { name: 'quarantined' },
  { name: 'line_refusals' },
  { name: 'queue_manufacturing' },
  { name: 'queue_qc' },
  { name: 'open_issues' },
  { name: 'open_excursions' },
  { name: 'issues_so_far' },
  { name: 'equipment_risk' },
  { name: 'day_of_week' },
  { name: 'hour_of_day' },
  { name: 'month' },
] as const satisfies readonly { name: string; vocabulary?: string }[];

export type FeatureName = (typeof FEATURES)[number]['name'];
export type VocabularyName = NonNullable<Extract<(typeof FEATURES)[number], { vocabulary: string }>['vocabulary']>;
/** One landmark's inputs: a number per feature, null when missing (an unknown category included). */
export type FeatureRow = Record<FeatureName, number | null>;
type CategoricalName = Extract<(typeof FEATURES)[number], { vocabulary: string }>['name'];
/**
 * What was known at a landmark before encoding: categories by name, numbers as numbers. This is
 * what the `landmarks` table stores, so a model trained later encodes it with its own spec.
 */
export type LandmarkFacts = { [K in FeatureName]: K extends CategoricalName ? string | null : number | null };

/** Facts read back from the database: every feature present, of its kind. */
export const landmarkFactsSchema = z.object(
  Object.fromEntries(FEATURES.map((f) => [f.name, 'vocabulary' in f ? z.string().nullable() : z.number().nullable()])),
) as unknown as z.ZodType<LandmarkFacts>;

export const FEATURE_NAMES: readonly FeatureName[] = FEATURES.map((f) => f.name);

/** What the models predict, in days from the landmark: entry to RELEASED, and to RECEIVED_AT_SITE. */
export const TARGETS = [
  { name: 'release_days', stage: 'RELEASED' },
  { name: 'infusion_ready_days', stage: 'RECEIVED_AT_SITE' },
] as const;
export type TargetName = (typeof TARGETS)[number]['name'];

/**
 * Stored with a model: the feature order and the vocabularies its integer codes index, so a model
 * trained on one history and served months later read a category the same way.
 */
export interface FeatureSpec {
  version: 1;
  features: readonly FeatureName[];
  vocabularies: Record<VocabularyName, readonly string[]>;
}

/** Builds the vocabularies from the values a history holds, sorted so the codes do not depend on batch order. */
export function featureSpec(values: Record<Exclude<VocabularyName, 'stage'>, Iterable<string>>): FeatureSpec {
  const sorted = (it: Iterable<string>) => [...new Set(it)].filter((v) => v !== '').sort();
  return {
    version: 1,
    features: FEATURE_NAMES,
    // Stages are fixed by the domain, so their codes never move between histories.
    vocabularies: { product: sorted(values.product), site: sorted(values.site), lane: sorted(values.lane), stage: [...STAGES] },
  };
}

/** The integer code of a category, or null when the spec has never seen it (LightGBM's missing). */
export function encode(spec: FeatureSpec, vocabulary: VocabularyName, value: string | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  const code = spec.vocabularies[vocabulary].indexOf(value);
  return code < 0 ? null : code;
}

/** The model's row for a landmark's facts: categories become their codes in `spec`. */
export function encodeFacts(spec: FeatureSpec, facts: LandmarkFacts): FeatureRow {
  const row = {} as FeatureRow;
  for (const f of FEATURES) row[f.name] = 'vocabulary' in f ? encode(spec, f.vocabulary, facts[f.name] as string | null) : (facts[f.name] as number | null);
  return row;
}
