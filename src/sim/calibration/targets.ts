/**
 * The published figures the twin is calibrated to (docs/twin.md), each with the band the
 * calibration test holds the simulated figure to. Bands are wide enough for the twin's sampling
 * noise over a few thousand patients and narrow enough that a wrong parameter shows.
 */
export type CalibrationMetric = 'v2v-median' | 'apheresis-to-release-median' | 'failure-share' | 'not-infused-share' | 'ld-to-infusion-median';

export interface CalibrationTarget {
  label: string;
  metric: CalibrationMetric;
  productId: string;
  /** Treatment centres of this region only (the scenario's `region`). */
  region?: string;
  /** The published value as printed (a number, or a range). */
  published: string;
  band: readonly [number, number];
  source: string;
}

const META_ANALYSIS = 'PMC10431072: meta-analysis of 40 studies, r/r LBCL (EHA 2023)';
const TABLE_2 = 'PMC8427697, Table 2: pivotal-trial enrolments (Front. Immunol. 2021)';
const FRESH = 'autologous-cd19-fresh';
const CRYO = 'autologous-bcma-cryo';

export const CALIBRATION_TARGETS: readonly CalibrationTarget[] = [
  { label: 'vein-to-vein median, fresh (axi-cel)', metric: 'v2v-median', productId: FRESH, published: '30.4 d', band: [27, 34], source: META_ANALYSIS },
  { label: '  US centres', metric: 'v2v-median', productId: FRESH, region: 'US', published: '27.0 d', band: [24, 30.5], source: `${META_ANALYSIS}, US-only studies` },
  { label: '  EU centres', metric: 'v2v-median', productId: FRESH, region: 'EU', published: '38.0 d', band: [34, 42], source: `${META_ANALYSIS}, Europe-only studies` },
  { label: 'vein-to-vein median, cryopreserved (tisa-cel)', metric: 'v2v-median', productId: CRYO, published: '48.4 d', band: [44, 53], source: META_ANALYSIS },
  { label: '  US centres', metric: 'v2v-median', productId: CRYO, region: 'US', published: '42.7 d', band: [39, 48], source: `${META_ANALYSIS}, US-only studies` },
  { label: '  EU centres', metric: 'v2v-median', productId: CRYO, region: 'EU', published: '50.5 d', band: [46, 56], source: `${META_ANALYSIS}, Europe-only studies` },
  {
    label: 'apheresis to release median, fresh', metric: 'apheresis-to-release-median', productId: FRESH, published: '14–25 d', band: [14, 25],
    source: 'Kite commercial axi-cel turnaround (EBMT 2021, 2023): US 16 → 14 d, Europe 25 → 19 d',
  },
  { label: 'manufacturing failure, fresh (axi-cel)', metric: 'failure-share', productId: FRESH, published: '1 % (1/111)', band: [0.002, 0.025], source: TABLE_2 },
  { label: 'manufacturing failure, cryopreserved (tisa-cel)', metric: 'failure-share', productId: CRYO, published: '7 % (12/165)', band: [0.045, 0.1], source: TABLE_2 },
  { label: 'manufactured, not infused, fresh', metric: 'not-infused-share', productId: FRESH, published: '8 % (9/111)', band: [0.05, 0.11], source: TABLE_2 },
  { label: 'manufactured, not infused, cryopreserved', metric: 'not-infused-share', productId: CRYO, published: '23 % (38/165)', band: [0.18, 0.28], source: TABLE_2 },
  {
    label: 'LD start to infusion median (by the LD rule)', metric: 'ld-to-infusion-median', productId: FRESH, published: '6.0 d (IQR 6–7)', band: [5, 5],
    source: 'CIBMTR registry, tisa-cel (Blood): LD start to infusion; the twin books LD by the product rule, courseDays + restDaysMin = 5 d',
  },
];
