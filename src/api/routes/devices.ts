import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deviceBindings, devices, excursions, sensorReadings } from '../../db/schema/index.js';
import type { ExcursionKind } from '../../domain/excursions/types.js';
import type { ApiDeps, RouteOptions } from '../deps.js';
import { bindingColumns, registerDevice, toBinding } from '../devices.js';
import { accessErrors, errorBodySchema, notFound } from '../errors.js';
import { deviceDetailSchema, deviceIdParams, registerDeviceSchema, registrationSchema } from '../schemas/devices.js';

/** Sensors: registering one to its gateway and binding it, and what it reports now. */
const deviceRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  app.post(
    '/v1/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'Register a device to its gateway and bind it to a shipment or a piece of equipment',
        description: 'Repeating the same binding (same target and range) answers 200 with the existing one.',
        body: registerDeviceSchema,
        response: { 200: registrationSchema, 201: registrationSchema, 400: errorBodySchema, ...accessErrors, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const { created, registration } = await registerDevice(deps, request.body);
      return reply
        .status(created ? 201 : 200)
        .header('location', `/v1/devices/${encodeURIComponent(registration.deviceId)}`)
        .send(registration);
    },
  );

  app.get(
    '/v1/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary: "A device's bindings, last reading, state and open excursions",
        params: deviceIdParams,
        response: { 200: deviceDetailSchema, 400: errorBodySchema, ...accessErrors, 404: errorBodySchema },
      },
    },
    async (request) => detail(deps, request.params.id),
  );
};

async function detail(deps: ApiDeps, deviceId: string) {
  const [device] = await deps.db.select().from(devices).where(eq(devices.id, deviceId)).limit(1);
  if (!device) throw notFound(`No device "${deviceId}".`);

  const [bindings, [reading], open] = await Promise.all([
    deps.db
      .select({ ...bindingColumns, current: sql<boolean>`${deviceBindings.during} @> now()` })
      .from(deviceBindings)
      .where(eq(deviceBindings.deviceId, deviceId))
      .orderBy(asc(sql`lower(${deviceBindings.during})`)),
    // Newest by event time, not arrival: a late reading does not describe the present.
    deps.db
      .select({ metric: sensorReadings.metric, value: sensorReadings.value, text: sensorReadings.text, unit: sensorReadings.unit, eventTime: sensorReadings.eventTime })
      .from(sensorReadings)
      .where(eq(sensorReadings.deviceId, deviceId))
      .orderBy(desc(sensorReadings.eventTime))
      .limit(1),
    deps.db
      .select({ id: excursions.id, kind: excursions.kind, metric: excursions.metric, openedAt: excursions.openedAt, peak: excursions.peakValue })
      .from(excursions)
      .where(and(eq(excursions.deviceId, deviceId), eq(excursions.state, 'open')))
      .orderBy(desc(excursions.openedAt)),
  ]);

  const current = bindings.find((b) => b.current);
  return {
    deviceId: device.id,
    gatewayId: device.gatewayId,
    kind: device.kind,
    bindings: bindings.map(toBinding),
    currentBinding: current ? toBinding(current) : null,
    lastReading: reading ? { ...reading, eventTime: reading.eventTime.toISOString() } : null,
    state: deviceState(open, reading !== undefined),
    open: open.map((e) => ({ ...e, openedAt: e.openedAt.toISOString() })),
  };
}

/** An open excursion outranks a gap: the product may be harmed, whereas a gap only means unknown. */
function deviceState(open: { kind: ExcursionKind }[], hasReading: boolean) {
  if (open.some((e) => e.kind === 'excursion')) return 'excursion' as const;
  if (open.some((e) => e.kind === 'telemetry_gap')) return 'telemetry_gap' as const;
  return hasReading ? ('ok' as const) : ('silent' as const);
}

export default deviceRoutes;
