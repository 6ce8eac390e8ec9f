import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Metric } from '../../src/domain/excursions/types.js';

/**
 * A fleet of equipment sensors: bioreactor pH probes, freezer thermometers and LN2 level sensors,
 * each bound to its own piece of equipment, reading every 5 s of event time. Values wander inside
 * their limits, and about once per 1,000 readings a device leaves its range for a few minutes, so
 * the engine has real excursions to open and close.
 */
const KINDS = [
  { kind: 'bioreactor', metric: 'ph', unit: 'pH', nominal: 7.1, noise: 0.05, out: 7.6 },
  { kind: 'freezer', metric: 'temperature_c', unit: 'Cel', nominal: -170, noise: 2, out: -120 },
  { kind: 'ln2_tank', metric: 'ln2_level_pct', unit: '%', nominal: 60, noise: 1, out: 10 },
] as const satisfies readonly { kind: string; metric: Metric; unit: string; nominal: number; noise: number; out: number }[];

export const EVENT_SPACING_MS = 5_000;
const EXCURSION_EVERY = 1_000;
const EXCURSION_LENGTH = 120; // readings: 10 minutes of event time

export interface Device {
  id: string;
  gatewayId: string;
  equipmentId: string;
  spec: (typeof KINDS)[number];
}

export async function registerFleet(pool: pg.Pool, run: string, count: number): Promise<Device[]> {
  const { rows } = await pool.query<{ id: string }>("select id from sites where kind = 'manufacturing_facility' order by id limit 1");
  const site = rows[0]!.id;
  const devices = Array.from({ length: count }, (_, i): Device => ({
    id: `${run}-dev-${i}`,
    gatewayId: `${run}-gw-${i % 20}`,
    equipmentId: `${run}-eq-${i}`,
    spec: KINDS[i % KINDS.length]!,
  }));
  const gateways = [...new Set(devices.map((d) => d.gatewayId))];
  await pool.query('insert into gateways (id, name) select g, g from unnest($1::text[]) g', [gateways]);
  await pool.query('insert into equipment (id, site_id, kind) select e, $2, k from unnest($1::text[], $3::text[]) as t(e, k)', [
    devices.map((d) => d.equipmentId), site, devices.map((d) => d.spec.kind),
  ]);
  await pool.query('insert into devices (id, gateway_id, kind) select d, g, $3 from unnest($1::text[], $2::text[]) as t(d, g)', [
    devices.map((d) => d.id), devices.map((d) => d.gatewayId), 'bench-probe',
  ]);
  await pool.query(
    `insert into device_bindings (device_id, equipment_id, during)
     select d, e, tstzrange(now() - interval '30 days', null) from unnest($1::text[], $2::text[]) as t(d, e)`,
    [devices.map((d) => d.id), devices.map((d) => d.equipmentId)],
  );
  return devices;
}

/** Ends the fleet's bindings, so the gap sweeper does not watch benchmark devices afterwards. */
export async function retireFleet(pool: pg.Pool, devices: Device[]) {
  await pool.query("update device_bindings set during = tstzrange(lower(during), now()) where device_id = any($1::text[])", [devices.map((d) => d.id)]);
}

/** How the fleet's gateways make eventIds: random (version 4), or time-ordered (version 7), which the contract allows as well. */
export const EVENT_ID_VERSIONS = ['v4', 'v7'] as const;
export type EventIdVersion = (typeof EVENT_ID_VERSIONS)[number];

/**
 * A version 7 UUID (RFC 9562): the event time's Unix milliseconds in the first 48 bits, then random
 * bits. Ids made in time order land at one end of an index instead of anywhere in it.
 */
function uuidV7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reading `n` of a device (deterministic but for its eventId), as the gateway would send it. */
export function reading(device: Device, n: number, startMs: number, ids: EventIdVersion = 'v4') {
  const { spec } = device;
  const eventMs = startMs + n * EVENT_SPACING_MS;
  const inExcursion = n % EXCURSION_EVERY >= EXCURSION_EVERY - EXCURSION_LENGTH;
  const wobble = Math.sin(n / 7 + device.id.length) * spec.noise;
  return {
    eventId: ids === 'v7' ? uuidV7(eventMs) : randomUUID(),
    gatewayId: device.gatewayId,
    deviceId: device.id,
    metric: spec.metric,
    value: Math.round((inExcursion ? spec.out : spec.nominal + wobble) * 1000) / 1000,
    unit: spec.unit,
    eventTime: new Date(eventMs).toISOString(),
  };
}
