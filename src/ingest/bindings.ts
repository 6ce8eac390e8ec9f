import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { deviceBindings, devices, equipment, productProfiles, shipments } from '../db/schema/index.js';
import { equipmentRules, scaleRuleSet, shipmentRules } from '../domain/excursions/index.js';
import type { RuleSet } from '../domain/excursions/types.js';
import { productProfileSchema } from '../domain/profile.js';

/** A device as ingest needs it: who may publish for it and what it measured when. */
export interface DeviceRegistration {
  gatewayId: string;
  bindings: Binding[];
}

export interface Binding {
  id: string;
  from: number;
  /** Exclusive; Infinity while open-ended. */
  to: number;
  shipmentId: string | null;
  equipmentId: string | null;
  /** The batch whose workflow hears of excursions (shipment bindings). */
  batchId: string | null;
  rules: RuleSet | null;
}

type Device = PgRow<typeof devices>;
type DeviceBinding = PgRow<typeof deviceBindings>;
type Equipment = PgRow<typeof equipment>;

/** A device and one of its bindings; left joins, so everything but the device may be null. */
type BindingRow = { device_id: Device['id']; gateway_id: Device['gateway_id'] } & OrNull<{
  binding_id: DeviceBinding['id'];
  /** The binding's range as epoch milliseconds (int8, so text); to_ms is null while open-ended. */
  from_ms: string;
  to_ms: string;
  shipment_id: DeviceBinding['shipment_id'];
  equipment_id: DeviceBinding['equipment_id'];
  batch_id: PgRow<typeof shipments>['batch_id'];
  leg: PgRow<typeof shipments>['leg'];
  profile: PgRow<typeof productProfiles>['profile'];
  equipment_kind: Equipment['kind'];
  equipment_profile: Equipment['profile'];
}>;
type OrNull<T> = { [K in keyof T]: T[K] | null };

/**
 * Registrations of the given devices, read in the consumer's transaction so a device registered a
 * moment ago is known to the next batch. Rules come from the product profile of the shipment's batch
 * or from the equipment's kind and profile, compressed by the clock's time scale.
 */
export async function loadRegistrations(client: pg.PoolClient, deviceIds: string[], timeScale: number): Promise<Map<string, DeviceRegistration>> {
  // Named, so each connection plans the join once (src/ingest/stored-readings.ts says why).
  const { rows } = await client.query<BindingRow>({
    name: 'ingest-registrations',
    text: `select d.id as device_id, d.gateway_id, b.id as binding_id,
            (extract(epoch from lower(b.during)) * 1000)::bigint as from_ms,
            case when upper_inf(b.during) then null else (extract(epoch from upper(b.during)) * 1000)::bigint end as to_ms,
            b.shipment_id, b.equipment_id, s.batch_id, s.leg, p.profile,
            e.kind as equipment_kind, e.profile as equipment_profile
       from devices d
       left join device_bindings b on b.device_id = d.id
       left join shipments s on s.id = b.shipment_id
       left join batches bt on bt.id = s.batch_id
       left join product_profiles p on p.id = bt.product_id
       left join equipment e on e.id = b.equipment_id
      where d.id = any($1::text[])`,
    values: [deviceIds],
  });
  const devices = new Map<string, DeviceRegistration>();
  for (const row of rows) {
    const device = devices.get(row.device_id) ?? { gatewayId: row.gateway_id, bindings: [] };
    devices.set(row.device_id, device);
    if (row.binding_id === null) continue;
    device.bindings.push({
      id: row.binding_id,
      from: Number(row.from_ms),
      to: row.to_ms === null ? Infinity : Number(row.to_ms),
      shipmentId: row.shipment_id,
      equipmentId: row.equipment_id,
      batchId: row.batch_id,
      rules: rulesFor(row, timeScale),
    });
  }
  return devices;
}

/** The binding in force at an event time (bindings of one device never overlap). */
export function bindingAt(device: DeviceRegistration, eventTime: number): Binding | undefined {
  return device.bindings.find((b) => b.from <= eventTime && eventTime < b.to);
}

function rulesFor(row: BindingRow, timeScale: number): RuleSet | null {
  if (row.shipment_id !== null) {
    const profile = productProfileSchema.safeParse(row.profile);
    // A shipment of a batch whose profile no longer parses has no limits to check: its readings are
    // still stored, and the API's product listing already flags the broken profile.
    if (!profile.success || row.leg === null) return null;
    return scaleRuleSet(shipmentRules(profile.data, row.leg), timeScale);
  }
  if (row.equipment_kind === null) return null;
  try {
    return scaleRuleSet(equipmentRules(row.equipment_kind, row.equipment_profile ?? undefined), timeScale);
  } catch {
    // Overrides that do not validate were refused when registered through the API; a row edited by
    // hand falls back to storing readings unevaluated rather than stalling the partition.
    return null;
  }
}
