import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deviceBindings, devices, equipment, excursions, gateways, sensorReadings, shipments } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

const { app, db, ids, config, profile, enrolled } = stackApp();
const get = (url: string) => app.inject({ method: 'GET', url });

const freezer = unique('freezer');
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
/** The freezer's gap threshold (15 minutes) on this stack's clock. */
const gapAfterMs = Math.max(1, Math.round((15 * 60_000) / config.V2V_TIME_SCALE));
const step = Math.floor(gapAfterMs / 3);
const SILENT = { from: 200, to: 210 };
const OUT = { from: 100, to: 120 };
const at = (i: number) => new Date(T0 + i * step);

beforeAll(async () => {
  const gateway = unique('gw');
  const device = unique('probe');
  await db.insert(gateways).values({ id: gateway, name: 'test gateway' });
  await db.insert(devices).values({ id: device, gatewayId: gateway, kind: 'probe' });
  await db.insert(equipment).values({ id: freezer, siteId: ids.facility, kind: 'freezer' });
  const [binding] = await db
    .insert(deviceBindings)
    .values({ deviceId: device, equipmentId: freezer, during: `[${new Date(T0).toISOString()},${new Date(T0 + 400 * step).toISOString()})` })
    .returning();
  const readings = [];
  for (let i = 0; i < 300; i++) {
    if (i > SILENT.from && i < SILENT.to) continue;
    const value = i >= OUT.from && i < OUT.to ? -140 : -180 - (i % 3);
    readings.push({ eventId: randomUUID(), eventTime: at(i), deviceId: device, gatewayId: gateway, metric: 'temperature_c', value, unit: 'C', bindingId: binding!.id });
  }
  await db.insert(sensorReadings).values(readings);
  await db.insert(excursions).values({ kind: 'excursion', deviceId: device, equipmentId: freezer, metric: 'temperature_c', state: 'closed', openedAt: at(OUT.from), closedAt: at(OUT.to), peakValue: -140 });
});

describe('GET /v1/telemetry', () => {
  it('buckets the readings to at most maxPoints per metric, keeping every reading counted and the extremes', async () => {
    const res = await get(`/v1/telemetry?equipmentId=${freezer}&maxPoints=50`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ equipmentId: freezer, shipmentId: null, from: at(0).toISOString(), to: at(299).toISOString() });
    const [series] = body.series;
    expect(body.series).toHaveLength(1);
    expect(series.metric).toBe('temperature_c');
    expect(series.points.length).toBeLessThanOrEqual(50);
    expect(series.points.length).toBeGreaterThan(25);
    const points = series.points as { min: number; max: number; n: number }[];
    expect(points.reduce((sum, p) => sum + p.n, 0)).toBe(300 - (SILENT.to - SILENT.from - 1));
    expect(Math.max(...points.map((p) => p.max))).toBe(-140);
    expect(Math.min(...points.map((p) => p.min))).toBe(-182);
  });

  it('gives the limits the excursion engine applies, its excursions and the gaps in the readings', async () => {
    const body = (await get(`/v1/telemetry?equipmentId=${freezer}`)).json();
    expect(body.limits).toEqual([expect.objectContaining({ metric: 'temperature_c', min: null, max: -150 })]);
    expect(body.gapAfterMs).toBe(gapAfterMs);
    expect(body.gaps).toEqual([{ deviceId: expect.any(String), from: at(SILENT.from).toISOString(), to: at(SILENT.to).toISOString(), durationMs: (SILENT.to - SILENT.from) * step }]);
    expect(body.excursions).toEqual([expect.objectContaining({ kind: 'excursion', state: 'closed', openedAt: at(OUT.from).toISOString(), closedAt: at(OUT.to).toISOString(), peak: -140 })]);
  });

  it('reads only the window asked for', async () => {
    const body = (await get(`/v1/telemetry?equipmentId=${freezer}&from=${at(0).toISOString()}&to=${at(50).toISOString()}`)).json();
    expect(body.series[0].points.reduce((sum: number, p: { n: number }) => sum + p.n, 0)).toBe(51);
    expect(body.excursions).toEqual([]);
    expect(body.gaps).toEqual([]);
  });

  it('refuses a query naming both or neither target, with the field named', async () => {
    for (const query of [`shipmentId=s&equipmentId=${freezer}`, 'maxPoints=100']) {
      const res = await get(`/v1/telemetry?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({ in: 'querystring', path: ['shipmentId'] });
    }
  });

  it("holds a shipment's readings to its product profile's limits for the leg", async () => {
    const { batchId } = await enrolled();
    const shipmentId = unique('shipment');
    await db.insert(shipments).values({ id: shipmentId, batchId, leg: 'outbound', fromSiteId: ids.apheresis, toSiteId: ids.facility });
    const body = (await get(`/v1/telemetry?shipmentId=${shipmentId}`)).json();
    const { tempMinC, tempMaxC } = profile.legs.outbound;
    expect(body.limits).toContainEqual(expect.objectContaining({ metric: 'temperature_c', min: tempMinC, max: tempMaxC }));
    expect(body).toMatchObject({ shipmentId, from: null, to: null, series: [], gaps: [], excursions: [] });
  });

  it('answers 404 for unknown equipment', async () => {
    expect((await get(`/v1/telemetry?equipmentId=${unique('nothing')}`)).statusCode).toBe(404);
  });
});
