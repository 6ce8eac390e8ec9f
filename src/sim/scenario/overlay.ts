/**
 * A what-if scenario is usually a few changes to the baseline: `{ "extends": "baseline.json",
 * "demandMultiplier": 1.3 }`. The overlay is merged into its base before validation:
 * - objects merge field by field;
 * - an object with a `kind` (a distribution, an incident) replaces the base's whole, so a lognormal
 *   can become a fixed value without leftovers;
 * - arrays of things with an `id` (or a `productId`) merge item by item, new items are appended;
 *   any other array replaces the base's.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyOf = (v: Json): string | undefined => (isObject(v) ? (typeof v.id === 'string' ? v.id : typeof v.productId === 'string' ? v.productId : undefined) : undefined);

export function overlay(base: Json, change: Json): Json {
  if (isObject(base) && isObject(change) && !('kind' in change)) {
    const merged: JsonObject = { ...base };
    for (const [key, value] of Object.entries(change)) merged[key] = key in base ? overlay(base[key]!, value) : value;
    return merged;
  }
  if (Array.isArray(base) && Array.isArray(change) && [...base, ...change].every((v) => keyOf(v) !== undefined)) {
    const merged = [...base];
    for (const item of change) {
      const at = merged.findIndex((b) => keyOf(b) === keyOf(item));
      if (at >= 0) merged[at] = overlay(merged[at]!, item);
      else merged.push(item);
    }
    return merged;
  }
  return change;
}
