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

/**
 * Whether the product is at the treatment centre (or the batch was cancelled): from then on no
 * infusion booking can be at risk of the product arriving late.
 */
export const productAtSite = (stage: Stage): boolean =>
  stage === 'CANCELLED' || JOURNEY.indexOf(stage as (typeof JOURNEY)[number]) >= JOURNEY.indexOf('RECEIVED_AT_SITE');

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
