/** The journey of one batch (DESIGN §3), in order, then the side states. */
export const JOURNEY = [
  'ORDERED',
  'APHERESIS_SCHEDULED',
  'COLLECTED',
  'OUTBOUND_TRANSIT',
  'RECEIVED_AT_FACILITY',
  'MANUFACTURING',
  'QC_TESTING',
  'AWAITING_QA_RELEASE',
  'RELEASED',
  'RETURN_TRANSIT',
  'RECEIVED_AT_SITE',
  'INFUSION_SCHEDULED',
  'INFUSED',
  'COMPLETED',
] as const;

export const SIDE_STATES = ['ON_HOLD', 'FAILED', 'CANCELLED'] as const;

export const STAGES = [...JOURNEY, ...SIDE_STATES] as const;
export type Stage = (typeof STAGES)[number];
export type JourneyStage = (typeof JOURNEY)[number];

/**
 * Whether a batch in `stage` has yet to reach `than` on the journey: the one rule of which stage
 * comes before which. The side states have no place of their own in the order:
 * - FAILED comes before every stage, because a failed attempt is re-collected under the same batch;
 * - CANCELLED comes before none: the batch will reach nothing more;
 * - ON_HOLD comes before every stage: the stage alone does not say where the hold was, so
 *   nothing counts as reached; a caller that knows the stage it was held from (the decider's
 *   state does) asks with that stage instead.
 */
export function stageBefore(stage: Stage, than: JourneyStage): boolean {
  if (stage === 'FAILED' || stage === 'ON_HOLD') return true;
  if (stage === 'CANCELLED') return false;
  return JOURNEY.indexOf(stage) < JOURNEY.indexOf(than);
}

/**
 * Whether the product is at the treatment centre (or the batch was cancelled): from then on no
 * infusion booking can be at risk of the product arriving late.
 */
export const productAtSite = (stage: Stage): boolean => !stageBefore(stage, 'RECEIVED_AT_SITE');

/**
 * Whether a batch in `stage` may still have an infusion booked or moved: not once infused or in an
 * end state, nor while failed (its re-collection starts the journey again, booking included).
 */
export const infusionAhead = (stage: Stage): boolean => stage !== 'FAILED' && stageBefore(stage, 'INFUSED');

export const SITE_KINDS = ['apheresis_center', 'manufacturing_facility', 'treatment_center'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const EQUIPMENT_KINDS = ['bioreactor', 'freezer', 'ln2_tank', 'dry_shipper', 'shipper'] as const;
export const SHIPMENT_LEGS = ['outbound', 'return'] as const;
/** A shipment leg (not to be confused with `ShipmentLeg`, a leg's rules in the product profile). */
export type Leg = (typeof SHIPMENT_LEGS)[number];

/** Metrics a sensor gateway may publish (DESIGN §5). */
export const METRICS = [
  'temperature_c',
  'ph',
  'dissolved_oxygen_pct',
  'viable_cell_density',
  'ln2_level_pct',
  'tilt_deg',
  'shock_g',
  'lid_open',
  'location',
] as const;
