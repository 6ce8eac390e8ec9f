import type pg from 'pg';
import { equipmentRules, scaleRuleSet, shipmentRules } from '../domain/excursions/index.js';
import type { RuleSet } from '../domain/excursions/types.js';
import { productProfileSchema } from '../domain/profile.js';
import type { Leg } from '../domain/stages.js';

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

interface BindingRow {
  device_id: string;
  gateway_id: string;
  binding_id: string | null;
  from_ms: string | null;
  to_ms: string | null;
  shipment_id: string | null;
  equipment_id: string | null;
  batch_id: string | null;
  leg: Leg | null;
  profile: unknown;
  equipment_kind: string | null;
  equipment_profile: unknown;
}

/**
 * Registrations of the given devices, read in the consumer's transaction so a device registered a
 * moment ago is known to the next batch. Rules come from the product profile of the shipment's batch
 * or from the equipment's kind and profile, compressed by the clock's time scale.
 */
export async function loadRegistrations(client: pg.PoolClient, deviceIds: string[], timeScale: number): Promise<Map<string, DeviceRegistration>> {
  const { rows } = await client.query<BindingRow>(
    `select d.id as device_id, d.gateway_id, b.id as binding_id,
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
    [deviceIds],
  );
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
    return scaleRuleSet(equipmentRules(row.equipment_kind as never, row.equipment_profile ?? undefined), timeScale);
  } catch {
    // Overrides that do not validate were refused when registered through the API; a row edited by
    // hand falls back to storing readings unevaluated rather than stalling the partition.
    return null;
  }
}
