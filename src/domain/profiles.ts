import { productProfileSchema, type LegTelemetry, type ProductProfile } from './profile.js';

// How logger readings are judged in transit. A chilled leg tolerates short door-open spikes; a dry
// shipper warms fast once its vapour is gone, so it is judged sooner, and tilting it spills the nitrogen.
const CHILLED: LegTelemetry = { minExcursionMinutes: 10, hysteresisC: 0.5, budgetMinutes: 30, tiltMaxDeg: 45, tiltMinSeconds: 60, gapMinutes: 15 };
const CRYOGENIC: LegTelemetry = { minExcursionMinutes: 5, hysteresisC: 2, budgetMinutes: 20, tiltMaxDeg: 45, tiltMinSeconds: 60, gapMinutes: 15 };

/**
 * The products this installation knows. Values are realistic for autologous CAR-T
 * and generic by design (no product names). Parsed at load so a bad edit fails at start-up, not
 * halfway through a patient's journey.
 */
export const PRODUCT_PROFILES: readonly ProductProfile[] = [
  {
    id: 'autologous-cd19-fresh',
    name: 'Autologous anti-CD19 CAR-T, fresh apheresis',
    version: 1,
    startingMaterial: 'fresh',
    legs: {
      // Fresh leukapheresis travels chilled and must start manufacturing within two days.
      outbound: { tempMinC: 2, tempMaxC: 8, stabilityHours: 48, nominalHours: 20, telemetry: CHILLED },
      // Cryopreserved product in a vapour-phase liquid-nitrogen dry shipper.
      return: { tempMinC: -196, tempMaxC: -150, stabilityHours: 120, nominalHours: 24, telemetry: CRYOGENIC },
    },
    finalProductStorageMaxC: -150,
    manufacturingDays: { activation: 1, transduction: 1, expansion: 7, harvest: 1, cryopreservation: 1 },
    qcDays: 3,
    // A 3-day course and 2 rest days: LD on days −5…−3 before infusion.
    ld: { courseDays: 3, restDaysMin: 2, restDaysMax: 2 },
    maxDaysReceiptToInfusion: 30,
    escalationHours: { qaDisposition: 48, excursionAssessment: 24 },
  },
  {
    id: 'autologous-bcma-cryo',
    name: 'Autologous anti-BCMA CAR-T, cryopreserved apheresis',
    version: 1,
    startingMaterial: 'cryopreserved',
    legs: {
      // Starting material is frozen at the apheresis centre, which allows a longer, colder leg.
      outbound: { tempMinC: -196, tempMaxC: -150, stabilityHours: 120, nominalHours: 36, telemetry: CRYOGENIC },
      return: { tempMinC: -196, tempMaxC: -130, stabilityHours: 120, nominalHours: 30, telemetry: CRYOGENIC },
    },
    finalProductStorageMaxC: -130,
    manufacturingDays: { activation: 2, transduction: 2, expansion: 10, harvest: 1, cryopreservation: 2 },
    qcDays: 10,
    // Infusion 2 to 14 days after the end of a 3-day course.
    ld: { courseDays: 3, restDaysMin: 2, restDaysMax: 14 },
    maxDaysReceiptToInfusion: 60,
    escalationHours: { qaDisposition: 24, excursionAssessment: 12 },
  },
].map((profile) => productProfileSchema.parse(profile));

export function productProfile(id: string): ProductProfile {
  const found = PRODUCT_PROFILES.find((profile) => profile.id === id);
  if (found === undefined) {
    const known = PRODUCT_PROFILES.map((profile) => profile.id).join(', ');
    throw new Error(`Unknown product profile "${id}"; known profiles: ${known}.`);
  }
  return found;
}
