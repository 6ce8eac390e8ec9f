import { and, eq, sql, type SQL } from 'drizzle-orm';
import { deviceBindings, devices, equipment, gateways, shipments } from '../db/schema/index.js';
import { isExclusionViolation } from '../db/sql-state.js';
import { DEVICE_ERR } from '../domain/errors.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import type { Binding, RegisterDeviceCommand } from './schemas/devices.js';

/**
 * Device registration: the device joins its gateway and is bound to one shipment or piece of
 * equipment for a time range, all in one transaction. The database decides overlaps (the
 * exclusion constraint device_bindings_no_overlap); this module only names the conflict.
 */
const during = deviceBindings.during;

/** A binding's columns with its range split by PostgreSQL itself; an open end reads as null. */
export const bindingColumns = {
  id: deviceBindings.id,
  shipmentId: deviceBindings.shipmentId,
  equipmentId: deviceBindings.equipmentId,
  from: sql<Date>`lower(${during})`.mapWith(deviceBindings.createdAt),
  to: sql<Date | null>`case when upper_inf(${during}) or not isfinite(upper(${during})) then null else upper(${during}) end`.mapWith(
    deviceBindings.createdAt,
  ),
};

type BindingRow = { id: string; shipmentId: string | null; equipmentId: string | null; from: Date; to: Date | null };

export function toBinding(row: BindingRow): Binding {
  return {
    id: row.id,
    ...(row.shipmentId === null ? {} : { shipmentId: row.shipmentId }),
    ...(row.equipmentId === null ? {} : { equipmentId: row.equipmentId }),
    from: row.from.toISOString(),
    to: row.to?.toISOString() ?? null,
  };
}

export interface Registration {
  deviceId: string;
  gatewayId: string;
  kind: string;
  binding: Binding;
}

const describeTarget = (b: BindingRow) => (b.shipmentId === null ? `equipment "${b.equipmentId}"` : `shipment "${b.shipmentId}"`);
const describeRange = (b: BindingRow) => `from ${b.from.toISOString()} ${b.to ? `to ${b.to.toISOString()}` : 'on (open-ended)'}`;

/**
 * Registers and binds; `created` is false when the same binding already existed (a retried
 * request), which the caller answers with 200 instead of 201.
 */
export async function registerDevice(deps: ApiDeps, command: RegisterDeviceCommand): Promise<{ created: boolean; registration: Registration }> {
  const { deviceId, gatewayId, kind, binding } = command;
  const to = command.to ?? null;
  const range = sql`tstzrange(coalesce(${command.from ?? null}::timestamptz, now()), ${to}::timestamptz, '[)')`;
  const target =
    'shipmentId' in binding
      ? { field: 'shipmentId' as const, id: binding.shipmentId, table: shipments, noun: 'shipment' }
      : { field: 'equipmentId' as const, id: binding.equipmentId, table: equipment, noun: 'equipment' };
  const sameTarget = target.field === 'shipmentId' ? eq(deviceBindings.shipmentId, target.id) : eq(deviceBindings.equipmentId, target.id);
  // Without `from` the request means "from now on", so a retry a moment later must still find the
  // first attempt's binding: any binding to the same target that holds now and ends alike.
  const sameRange: SQL =
    command.from === undefined ? sql`${during} @> now() and upper(${during}) is not distinct from ${to}::timestamptz` : sql`${during} = ${range}`;

  const outcome = await deps.db.transaction(async (tx) => {
    // KEY SHARE, as the foreign key would take: the target cannot vanish before the binding lands.
    const [found] = await tx.select({ id: target.table.id }).from(target.table).where(eq(target.table.id, target.id)).for('key share');
    if (!found) {
      const message = `No ${target.noun} "${target.id}" to bind device "${deviceId}" to.`;
      throw new ApiError(404, DEVICE_ERR.UNKNOWN_TARGET, message, [{ in: 'body', path: ['binding', target.field], code: 'not_found', message }]);
    }

    await tx.insert(gateways).values({ id: gatewayId, name: gatewayId }).onConflictDoNothing();
    await tx.insert(devices).values({ id: deviceId, gatewayId, kind }).onConflictDoNothing();
    // The device row's lock serialises registrations of one device, so a retry racing its first
    // attempt waits for it and then finds its binding.
    const [device] = await tx.select().from(devices).where(eq(devices.id, deviceId)).for('update');
    if (device!.gatewayId !== gatewayId) {
      throw new ApiError(409, DEVICE_ERR.GATEWAY_MISMATCH, `Device "${deviceId}" is registered to gateway "${device!.gatewayId}", not "${gatewayId}"; a device publishes only through its own gateway.`);
    }
    if (device!.kind !== kind) {
      throw new ApiError(409, DEVICE_ERR.KIND_MISMATCH, `Device "${deviceId}" is registered as a "${device!.kind}", not a "${kind}".`);
    }

    const [existing] = await tx
      .select(bindingColumns)
      .from(deviceBindings)
      .where(and(eq(deviceBindings.deviceId, deviceId), sameTarget, sameRange))
      .limit(1);
    if (existing) return { created: false, binding: existing };

    try {
      // A savepoint, so the transaction survives an overlap and can still read what it overlaps.
      const [inserted] = await tx.transaction((sp) =>
        sp
          .insert(deviceBindings)
          .values({
            deviceId,
            shipmentId: target.field === 'shipmentId' ? target.id : null,
            equipmentId: target.field === 'equipmentId' ? target.id : null,
            during: range,
          })
          .returning(bindingColumns),
      );
      return { created: true, binding: inserted! };
    } catch (err) {
      if (!isExclusionViolation(err)) throw err;
      const [other] = await tx
        .select(bindingColumns)
        .from(deviceBindings)
        .where(and(eq(deviceBindings.deviceId, deviceId), sql`${during} && ${range}`))
        .limit(1);
      const what = other ? `binding ${other.id} to ${describeTarget(other)} ${describeRange(other)}` : 'another binding';
      throw new ApiError(409, DEVICE_ERR.BINDING_OVERLAP, `Device "${deviceId}" is already bound during that time: ${what}. Choose a range that does not overlap it.`, undefined, err);
    }
  });

  if (outcome.created) deps.logger.info({ deviceId, gatewayId, bindingId: outcome.binding.id, [target.field]: target.id }, 'device bound');
  return { created: outcome.created, registration: { deviceId, gatewayId, kind, binding: toBinding(outcome.binding) } };
}
