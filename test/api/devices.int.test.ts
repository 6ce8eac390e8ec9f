import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deviceBindings, devices, equipment, excursions, gateways, sensorReadings, shipments } from '../../src/db/schema/index.js';
import { unique } from '../setup/services.js';
import { stackApp } from './stack-app.js';

const { app, db, ids, enrolled } = stackApp();

const register = (payload: object) => app.inject({ method: 'POST', url: '/v1/devices', payload });
const getDevice = (id: string) => app.inject({ method: 'GET', url: `/v1/devices/${id}` });
const listExcursions = (query: string) => app.inject({ method: 'GET', url: `/v1/excursions?${query}` });

let batchId: string;
let shipmentId: string;
let otherShipmentId: string;
let freezerId: string;

beforeAll(async () => {
  ({ batchId } = await enrolled());
  shipmentId = unique('ship');
  otherShipmentId = unique('ship');
  freezerId = unique('freezer');
  await db.insert(shipments).values([
    { id: shipmentId, batchId, leg: 'outbound', fromSiteId: ids.apheresis, toSiteId: ids.facility },
    { id: otherShipmentId, batchId, leg: 'return', fromSiteId: ids.facility, toSiteId: ids.treatment },
  ]);
  await db.insert(equipment).values({ id: freezerId, siteId: ids.facility, kind: 'freezer' });
});

/** A fresh device on a fresh gateway, bound to the outbound shipment for the first of March. */
const newDevice = (over: object = {}) => ({
  deviceId: unique('logger'),
  gatewayId: unique('gw'),
  kind: 'shipper_logger',
  binding: { shipmentId },
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-02T00:00:00.000Z',
  ...over,
});

const bindingsOf = (deviceId: string) => db.select().from(deviceBindings).where(eq(deviceBindings.deviceId, deviceId));

describe('POST /v1/devices', () => {
  it('registers the device, creates its gateway and binds it to the shipment for [from, to)', async () => {
    const body = newDevice();
    const res = await register(body);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v1/devices/${body.deviceId}`);
    expect(res.json()).toEqual({
      deviceId: body.deviceId,
      gatewayId: body.gatewayId,
      kind: 'shipper_logger',
      binding: { id: expect.any(String), shipmentId, from: body.from, to: body.to },
    });
    expect(await db.select().from(gateways).where(eq(gateways.id, body.gatewayId))).toEqual([
      expect.objectContaining({ id: body.gatewayId, name: body.gatewayId }),
    ]);
  });

  it('binds a device to a piece of equipment, open-ended from now by default', async () => {
    const before = Date.now();
    const res = await register(newDevice({ binding: { equipmentId: freezerId }, from: undefined, to: undefined, kind: 'freezer_probe' }));
    expect(res.statusCode).toBe(201);
    const { binding } = res.json();
    expect(binding).toEqual({ id: expect.any(String), equipmentId: freezerId, from: expect.any(String), to: null });
    expect(Date.parse(binding.from)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers 200 with the existing binding when the same binding is registered again', async () => {
    const body = newDevice();
    const first = await register(body);
    const again = await register(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await bindingsOf(body.deviceId)).toHaveLength(1);

    // "From now on" repeated a moment later is the same request, not an overlap.
    const fromNow = newDevice({ from: undefined, to: undefined });
    const created = await register(fromNow);
    const retried = await register(fromNow);
    expect([created.statusCode, retried.statusCode]).toEqual([201, 200]);
    expect(retried.json().binding.id).toBe(created.json().binding.id);

    // Two copies of one request racing (a client's retry after a timeout): one binds, one finds it.
    const racing = newDevice();
    const answers = await Promise.all([register(racing), register(racing)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 201]);
    expect(await bindingsOf(racing.deviceId)).toHaveLength(1);
  });

  it('refuses an overlapping binding with 409 naming the binding it overlaps, and accepts the adjacent range', async () => {
    const body = newDevice();
    const first = (await register(body)).json();
    const overlap = await register({ ...body, binding: { shipmentId: otherShipmentId }, from: '2026-03-01T12:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error).toMatchObject({ code: 'ERR_BINDING_OVERLAP' });
    expect(overlap.json().error.message).toContain(first.binding.id);
    expect(overlap.json().error.message).toContain(shipmentId);
    expect(await bindingsOf(body.deviceId)).toHaveLength(1);

    // Ranges are half-open: the next binding may start exactly when the first ends.
    const next = await register({ ...body, binding: { shipmentId: otherShipmentId }, from: body.to, to: '2026-03-03T00:00:00.000Z' });
    expect(next.statusCode).toBe(201);
  });

  it('refuses the device on another gateway with 409, and creates nothing', async () => {
    const body = newDevice();
    await register(body);
    const otherGateway = unique('gw');
    const res = await register({ ...body, gatewayId: otherGateway, from: '2026-04-01T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ERR_GATEWAY_MISMATCH', message: expect.stringContaining(body.gatewayId) });
    expect(await db.select().from(gateways).where(eq(gateways.id, otherGateway))).toEqual([]);
    expect(await bindingsOf(body.deviceId)).toHaveLength(1);
  });

  it('answers 404 for an unknown shipment or equipment, and registers nothing', async () => {
    const body = newDevice({ binding: { shipmentId: 'no-such-shipment' } });
    const res = await register(body);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'ERR_UNKNOWN_BINDING_TARGET', message: expect.stringContaining('no-such-shipment') });
    expect(res.json().error.details).toContainEqual(expect.objectContaining({ path: ['binding', 'shipmentId'] }));
    expect(await db.select().from(devices).where(eq(devices.id, body.deviceId))).toEqual([]);
    expect(await db.select().from(gateways).where(eq(gateways.id, body.gatewayId))).toEqual([]);

    const noFreezer = await register(newDevice({ binding: { equipmentId: 'no-such-freezer' } }));
    expect(noFreezer.statusCode).toBe(404);
  });

  it('answers 400 naming the field of a bad body', async () => {
    const badId = await register(newDevice({ deviceId: 'logger 1/x' }));
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.code).toBe('ERR_VALIDATION');
    expect(badId.json().error.details).toContainEqual(expect.objectContaining({ in: 'body', path: ['deviceId'] }));

    const backwards = await register(newDevice({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }));
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details).toContainEqual(expect.objectContaining({ path: ['to'] }));

    const both = await register(newDevice({ binding: { shipmentId, equipmentId: freezerId } }));
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details).toContainEqual(expect.objectContaining({ path: ['binding'] }));

    const upperKind = await register(newDevice({ kind: 'Shipper' }));
    expect(upperKind.json().error.details).toContainEqual(expect.objectContaining({ path: ['kind'] }));
  });
});

describe('GET /v1/devices/{id}', () => {
  it('shows the bindings, the current one, the newest reading by event time and the open excursions', async () => {
    const body = newDevice({ from: '2026-01-01T00:00:00.000Z', to: undefined });
    const { binding } = (await register(body)).json();
    const silent = (await getDevice(body.deviceId)).json();
    expect(silent).toMatchObject({ deviceId: body.deviceId, gatewayId: body.gatewayId, bindings: [binding], currentBinding: binding, lastReading: null, state: 'silent', open: [] });

    const reading = { deviceId: body.deviceId, gatewayId: body.gatewayId, metric: 'temperature_c', unit: 'degC', bindingId: binding.id };
    // The later measurement arrives first: "last" is by event time, not arrival.
    await db.insert(sensorReadings).values({ ...reading, eventId: randomUUID(), value: 5.1, eventTime: new Date('2026-03-01T10:05:00.000Z') });
    await db.insert(sensorReadings).values({ ...reading, eventId: randomUUID(), value: 4.2, eventTime: new Date('2026-03-01T10:00:00.000Z') });
    const ok = (await getDevice(body.deviceId)).json();
    expect(ok.state).toBe('ok');
    expect(ok.lastReading).toEqual({ metric: 'temperature_c', value: 5.1, text: null, unit: 'degC', eventTime: '2026-03-01T10:05:00.000Z' });

    const [gap] = await db
      .insert(excursions)
      .values({ kind: 'telemetry_gap', deviceId: body.deviceId, batchId, shipmentId, openedAt: new Date('2026-03-01T11:00:00.000Z') })
      .returning();
    expect((await getDevice(body.deviceId)).json().state).toBe('telemetry_gap');
    const [excursion] = await db
      .insert(excursions)
      .values({ kind: 'excursion', deviceId: body.deviceId, batchId, shipmentId, metric: 'temperature_c', openedAt: new Date('2026-03-01T12:00:00.000Z'), peakValue: 9.4 })
      .returning();
    const alarmed = (await getDevice(body.deviceId)).json();
    expect(alarmed.state).toBe('excursion');
    expect(alarmed.open).toEqual([
      { id: excursion!.id, kind: 'excursion', metric: 'temperature_c', openedAt: '2026-03-01T12:00:00.000Z', peak: 9.4 },
      { id: gap!.id, kind: 'telemetry_gap', metric: null, openedAt: '2026-03-01T11:00:00.000Z', peak: null },
    ]);
  });

  it('has no current binding once every binding has ended', async () => {
    const body = newDevice();
    await register(body);
    const res = (await getDevice(body.deviceId)).json();
    expect(res.bindings).toHaveLength(1);
    expect(res.currentBinding).toBeNull();
  });

  it('answers 404 for an unknown device and 400 for a malformed id', async () => {
    const unknown = await getDevice('no-such-device');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ERR_NOT_FOUND');
    const malformed = await getDevice('x'.repeat(65));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.details).toContainEqual(expect.objectContaining({ in: 'params', path: ['id'] }));
  });
});

describe('GET /v1/excursions', () => {
  it('filters by device, state, kind and batch, newest first', async () => {
    const { batchId: ownBatch } = await enrolled();
    const ownShipment = unique('ship');
    await db.insert(shipments).values({ id: ownShipment, batchId: ownBatch, leg: 'outbound', fromSiteId: ids.apheresis, toSiteId: ids.facility });
    const body = newDevice({ binding: { shipmentId: ownShipment } });
    await register(body);
    const row = { deviceId: body.deviceId, batchId: ownBatch, shipmentId: ownShipment, metric: 'temperature_c' };
    const inserted = await db
      .insert(excursions)
      .values([
        { ...row, kind: 'excursion', state: 'closed', openedAt: new Date('2026-03-01T08:00:00.000Z'), closedAt: new Date('2026-03-01T08:30:00.000Z'), durationMs: 1_800_000, peakValue: 9.1, rule: { id: 'temperature_c:2..8', max: 8 } },
        { ...row, kind: 'excursion', state: 'open', openedAt: new Date('2026-03-01T10:00:00.000Z'), peakValue: 8.6 },
        { ...row, kind: 'telemetry_gap', state: 'open', metric: null, openedAt: new Date('2026-03-01T09:00:00.000Z') },
      ])
      .returning();
    const [closed, open, gap] = inserted;

    const all = await listExcursions(`deviceId=${body.deviceId}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().excursions.map((e: { id: string }) => e.id)).toEqual([open!.id, gap!.id, closed!.id]);
    expect(all.json().excursions[2]).toEqual({
      id: closed!.id, kind: 'excursion', deviceId: body.deviceId, batchId: ownBatch, shipmentId: ownShipment, equipmentId: null,
      metric: 'temperature_c', rule: { id: 'temperature_c:2..8', max: 8 }, state: 'closed', openedAt: '2026-03-01T08:00:00.000Z',
      closedAt: '2026-03-01T08:30:00.000Z', peak: 9.1, durationMs: 1_800_000, assessment: null,
    });

    const listed = async (query: string) => (await listExcursions(query)).json().excursions.map((e: { id: string }) => e.id);
    expect(await listed(`deviceId=${body.deviceId}&state=open`)).toEqual([open!.id, gap!.id]);
    expect(await listed(`deviceId=${body.deviceId}&state=open&kind=telemetry_gap`)).toEqual([gap!.id]);
    expect(await listed(`batchId=${ownBatch}&state=closed`)).toEqual([closed!.id]);
    expect(await listed(`batchId=${ownBatch}&limit=1`)).toEqual([open!.id]);
    expect(await listed(`batchId=${batchId}&deviceId=${body.deviceId}`)).toEqual([]);
  });

  it('answers 400 naming a bad query parameter', async () => {
    const badState = await listExcursions('state=ajar');
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.details).toContainEqual(expect.objectContaining({ in: 'querystring', path: ['state'] }));
    const tooMany = await listExcursions('limit=1001');
    expect(tooMany.json().error.details).toContainEqual(expect.objectContaining({ path: ['limit'] }));
    const notUuid = await listExcursions('batchId=42');
    expect(notUuid.json().error.details).toContainEqual(expect.objectContaining({ path: ['batchId'] }));
  });
});
