/** The excursion engine: rules from profiles, episodes from readings, and the incremental engine over both. */
export { EXCURSION_KINDS, EXCURSION_STATES } from './types.js';
export type { EngineReading, Episode, EpisodeChange, ExcursionKind, ExcursionState, Metric, RuleSet, ThresholdRule } from './types.js';
export {
  ALLOWED_LATENESS_MS,
  CHILLED_LEG_TELEMETRY,
  CRYOGENIC_LEG_TELEMETRY,
  isCryogenic,
  ruleId,
  scaleRuleSet,
  shipmentRules,
} from './rules.js';
export { equipmentProfileSchema, equipmentRules, type EquipmentProfile } from './equipment-rules.js';
export { deriveEpisodes, episodeId } from './episodes.js';
export { applyReadings, gapDueAt, newEngineState, openEpisodes, sweepGaps, type EngineState } from './engine.js';
