import type { Kpis } from './kpis.js';

export type FigureUnit = 'days' | 'share' | 'count' | 'money';

/** The KPIs a what-if prints, in order: each a number read from one run's Kpis. */
export const KPI_FIGURES: readonly { key: string; label: string; unit: FigureUnit; of: (k: Kpis) => number | undefined }[] = [
  { key: 'v2v-mean', label: 'vein-to-vein, mean', unit: 'days', of: (k) => k.veinToVeinMeanDays },
  { key: 'v2v-median', label: 'vein-to-vein, median', unit: 'days', of: (k) => k.veinToVeinMedianDays },
  { key: 'v2v-p90', label: 'vein-to-vein, P90', unit: 'days', of: (k) => k.veinToVeinP90Days },
  { key: 'enrolment-to-infusion', label: 'enrolment to infusion, median', unit: 'days', of: (k) => k.enrolmentToInfusionMedianDays },
  { key: 'within-target', label: 'infused within target', unit: 'share', of: (k) => k.infusedWithinTargetShare },
  { key: 'line-utilisation', label: 'line utilisation', unit: 'share', of: (k) => k.lineUtilisation },
  { key: 'line-wait', label: 'waiting for a line, patient-days', unit: 'count', of: (k) => k.lineWaitDays },
  { key: 'apheresis-chair-utilisation', label: 'apheresis chair utilisation', unit: 'share', of: (k) => k.apheresisChairUtilisation },
  { key: 'infusion-chair-utilisation', label: 'infusion chair utilisation', unit: 'share', of: (k) => k.infusionChairUtilisation },
  { key: 'patients', label: 'patients', unit: 'count', of: (k) => k.patients },
  { key: 'manufacturing-failures', label: 'manufacturing failures', unit: 'count', of: (k) => k.manufacturingFailures },
  { key: 'not-infused', label: 'patients not infused', unit: 'count', of: (k) => k.notInfused },
  { key: 'not-infused-share', label: 'patients not infused, share', unit: 'share', of: (k) => k.notInfusedShare },
  { key: 'cost-per-infused', label: 'cost per infused patient', unit: 'money', of: (k) => k.costPerInfusedPatient },
  { key: 'cost-line-days', label: '  of which line-days', unit: 'money', of: (k) => perInfused(k, k.cost.lineDays) },
  { key: 'cost-qc', label: '  of which QC', unit: 'money', of: (k) => perInfused(k, k.cost.qc) },
  { key: 'cost-transport', label: '  of which transport', unit: 'money', of: (k) => perInfused(k, k.cost.transport) },
  { key: 'cost-remanufacture', label: '  of which re-manufacture', unit: 'money', of: (k) => perInfused(k, k.cost.remanufacture) },
  { key: 'cost-wasted', label: '  of which wasted product', unit: 'money', of: (k) => perInfused(k, k.cost.wastedProduct) },
];

const perInfused = (k: Kpis, amount: number) => (k.infused > 0 ? amount / k.infused : undefined);
