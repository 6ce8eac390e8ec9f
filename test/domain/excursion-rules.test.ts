import { describe, expect, it } from 'vitest';
import {
  CHILLED_LEG_TELEMETRY,
  CRYOGENIC_LEG_TELEMETRY,
  equipmentRules,
  scaleRuleSet,
  shipmentRules,
  type RuleSet,
} from '../../src/domain/excursions/index.js';
import { productProfileSchema, type ProductProfile } from '../../src/domain/profile.js';
import { productProfile } from '../../src/domain/profiles.js';
import { EQUIPMENT_KINDS } from '../../src/domain/stages.js';

const MIN = 60_000;
const cd19 = productProfile('autologous-cd19-fresh');
const bcma = productProfile('autologous-bcma-cryo');
const ids = (ruleSet: RuleSet) => ruleSet.rules.map((rule) => rule.id);

function withoutTelemetry(profile: ProductProfile): ProductProfile {
  const strip = ({ telemetry: _telemetry, ...leg }: ProductProfile['legs']['outbound']) => leg;
  return { ...profile, legs: { outbound: strip(profile.legs.outbound), return: strip(profile.legs.return) } };
}

describe('shipment rules', () => {
  it('hold a fresh leg to 2–8 °C for 10 minutes with a 0.5 °C hysteresis and a 30-minute budget', () => {
    expect(shipmentRules(cd19, 'outbound')).toEqual({
      rules: [{ id: 'temperature_c:2..8', metric: 'temperature_c', min: 2, max: 8, hysteresis: 0.5, minDurationMs: 10 * MIN, budgetMs: 30 * MIN }],
      gapAfterMs: 15 * MIN,
      allowedLatenessMs: 2 * MIN,
    });
  });

  it('watch tilt only on cryogenic legs (a dry shipper)', () => {
    expect(ids(shipmentRules(cd19, 'outbound'))).toEqual(['temperature_c:2..8']);
    expect(ids(shipmentRules(cd19, 'return'))).toEqual(['temperature_c:-196..-150', 'tilt_deg:..45']);
    expect(ids(shipmentRules(bcma, 'outbound'))).toEqual(['temperature_c:-196..-150', 'tilt_deg:..45']);
    expect(ids(shipmentRules(bcma, 'return'))).toEqual(['temperature_c:-196..-130', 'tilt_deg:..45']);
    expect(shipmentRules(bcma, 'return').rules).toEqual([
      { id: 'temperature_c:-196..-130', metric: 'temperature_c', min: -196, max: -130, hysteresis: 2, minDurationMs: 5 * MIN, budgetMs: 20 * MIN },
      { id: 'tilt_deg:..45', metric: 'tilt_deg', max: 45, hysteresis: 5, minDurationMs: 60_000 },
    ]);
  });

  it('fall back to the chilled or cryogenic defaults when a leg has no telemetry block', () => {
    const bare = withoutTelemetry(cd19);
    expect(productProfileSchema.parse(bare)).toEqual(bare);
    expect(shipmentRules(bare, 'outbound')).toEqual(shipmentRules(cd19, 'outbound'));
    expect(shipmentRules(bare, 'return')).toEqual(shipmentRules(cd19, 'return'));
    expect(shipmentRules(bare, 'outbound').rules[0]).toMatchObject({ minDurationMs: CHILLED_LEG_TELEMETRY.minExcursionMinutes * MIN });
    expect(shipmentRules(bare, 'return').rules[0]).toMatchObject({ hysteresis: CRYOGENIC_LEG_TELEMETRY.hysteresisC });
  });

  it("use the leg's own telemetry block when it has one", () => {
    const telemetry = { ...CHILLED_LEG_TELEMETRY, minExcursionMinutes: 3, gapMinutes: 5 };
    const custom = { ...cd19, legs: { ...cd19.legs, outbound: { ...cd19.legs.outbound, telemetry } } };
    const rules = shipmentRules(custom, 'outbound');
    expect(rules.rules[0]?.minDurationMs).toBe(3 * MIN);
    expect(rules.gapAfterMs).toBe(5 * MIN);
  });

  it('refuse a telemetry block with a non-positive value, naming the field', () => {
    const telemetry = { ...CHILLED_LEG_TELEMETRY, hysteresisC: 0 };
    const result = productProfileSchema.safeParse({ ...cd19, legs: { ...cd19.legs, outbound: { ...cd19.legs.outbound, telemetry } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toContainEqual(expect.objectContaining({ path: ['legs', 'outbound', 'telemetry', 'hysteresisC'] }));
  });
});

describe('equipment rules', () => {
  it('watch a bioreactor’s pH, oxygen, temperature and cell density, with a 10-minute gap', () => {
    const rules = equipmentRules('bioreactor');
    expect(ids(rules)).toEqual(['ph:6.8..7.4', 'dissolved_oxygen_pct:30..60', 'temperature_c:36.5..37.5', 'viable_cell_density:0.2..']);
    expect(rules.rules[3]).toEqual({ id: 'viable_cell_density:0.2..', metric: 'viable_cell_density', min: 0.2, hysteresis: 0.05, minDurationMs: 30 * MIN });
    expect(rules.gapAfterMs).toBe(10 * MIN);
    expect(rules.allowedLatenessMs).toBe(2 * MIN);
  });

  it('give freezers a budget, nitrogen tanks a level floor and shippers a tilt limit', () => {
    expect(equipmentRules('freezer').rules).toEqual([
      { id: 'temperature_c:..-150', metric: 'temperature_c', max: -150, hysteresis: 3, minDurationMs: 10 * MIN, budgetMs: 60 * MIN },
    ]);
    expect(equipmentRules('ln2_tank').rules).toEqual([{ id: 'ln2_level_pct:20..', metric: 'ln2_level_pct', min: 20, hysteresis: 2, minDurationMs: 10 * MIN }]);
    for (const kind of ['dry_shipper', 'shipper'] as const) expect(ids(equipmentRules(kind))).toEqual(['temperature_c:..-150', 'tilt_deg:..45']);
    for (const kind of EQUIPMENT_KINDS.filter((k) => k !== 'bioreactor')) expect(equipmentRules(kind).gapAfterMs).toBe(15 * MIN);
  });

  it('apply the equipment profile’s overrides metric by metric; a new limit changes the rule id', () => {
    const rules = equipmentRules('freezer', { metrics: { temperature_c: { max: -140, minDurationMinutes: 0 }, ln2_level_pct: { min: 30 } }, gapMinutes: 5 });
    expect(rules.rules).toEqual([
      { id: 'temperature_c:..-140', metric: 'temperature_c', max: -140, hysteresis: 3, minDurationMs: 0, budgetMs: 60 * MIN },
      { id: 'ln2_level_pct:30..', metric: 'ln2_level_pct', min: 30, hysteresis: 0, minDurationMs: 0 },
    ]);
    expect(rules.gapAfterMs).toBe(5 * MIN);
    expect(equipmentRules('freezer', null)).toEqual(equipmentRules('freezer'));
  });

  it.each([
    [{ metrics: { ph: { hysteresis: -1 } } }, 'metrics.ph.hysteresis: Too small'],
    [{ metrics: { ph: { min: 7.5 } } }, 'metrics.ph.max: must be above min (7.5)'],
    [{ metrics: { ph: { hysteresis: 0.35 } } }, 'metrics.ph.hysteresis: must be less than half the range 6.8..7.4'],
    [{ metrics: { ph: { hysteresys: 0.1 } } }, 'metrics.ph: Unrecognized key: "hysteresys"'],
    [{ metrics: { pH: { min: 7 } } }, 'metrics: Unrecognized key: "pH"'],
    [{ metrics: { shock_g: { hysteresis: 1 } } }, 'metrics.shock_g.min: a metric without a default limit needs a min or a max'],
    [{ gapMinutes: 0 }, 'gapMinutes: Too small'],
    [{ metrics: { ph: { minDurationMinutes: 'five' } } }, 'metrics.ph.minDurationMinutes: Invalid input'],
  ])('refuse the bioreactor override %j, naming the field and the rule', (overrides, message) => {
    expect(() => equipmentRules('bioreactor', overrides)).toThrow(`Invalid equipment profile for a bioreactor: ${message}`);
  });

  it('refuse an unknown kind of equipment', () => {
    expect(() => equipmentRules('centrifuge' as never)).toThrow('Unknown equipment kind "centrifuge"');
  });
});

describe('time scale', () => {
  it('divides every duration by the time scale, in whole milliseconds, never rounding a positive one to 0', () => {
    const nominal = shipmentRules(cd19, 'return');
    const scaled = scaleRuleSet(nominal, 86_400);
    expect(scaled.rules.map(({ minDurationMs, budgetMs }) => ({ minDurationMs, budgetMs }))).toEqual([
      { minDurationMs: 3, budgetMs: 14 },
      { minDurationMs: 1, budgetMs: undefined },
    ]);
    expect(scaled).toMatchObject({ gapAfterMs: 10, allowedLatenessMs: 1 });
    expect(scaled.rules.map((rule) => rule.id)).toEqual(ids(nominal));
    expect(scaleRuleSet(nominal, 60)).toMatchObject({ gapAfterMs: 15_000, allowedLatenessMs: 2_000 });
    expect(scaleRuleSet(equipmentRules('freezer', { metrics: { temperature_c: { minDurationMinutes: 0 } } }), 60).rules[0]?.minDurationMs).toBe(0);
    expect(scaleRuleSet(nominal, 1)).toEqual(nominal);
    // The nominal rule set is untouched.
    expect(nominal.rules[0]?.minDurationMs).toBe(5 * MIN);
  });

  it('refuses a time scale that is not a positive number', () => {
    expect(() => scaleRuleSet(shipmentRules(cd19, 'outbound'), 0)).toThrow('The time scale must be a positive number; got 0.');
  });
});
