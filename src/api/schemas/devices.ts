import { z } from 'zod';
import { instant } from '../../domain/instant.js';
import { actorSchema, assessmentSchema } from '../../domain/commands.js';
import { EXCURSION_KINDS, EXCURSION_STATES } from '../../domain/excursions/types.js';
import { PLAIN_ID } from '../../domain/ids.js';

/**
 * Request and response shapes of the device and excursion routes: one source for validation, the
 * OpenAPI document and the handlers' types.
 */
const isoInstant = z.iso.datetime({ offset: true });
// Answers carry whatever the uuid columns hold, so they are checked as any GUID: a stored row must
// never fail serialisation because its id is not an RFC version zod knows. Requests ask for UUIDs.
const rowId = z.guid();

/** Ids travel in Kafka keys and URLs, so they stay short and plain. */
export const plainId = z
  .string()
  .min(1)
  .max(64)
  .regex(PLAIN_ID, 'only letters, digits and . _ : - are allowed');

// Strict objects, so a body naming both a shipment and a piece of equipment matches neither.
const bindingTarget = z.union([z.strictObject({ shipmentId: plainId }), z.strictObject({ equipmentId: plainId })]).describe(
  'What the device measures: exactly one shipment or one piece of equipment.',
);

export const registerDeviceSchema = z
  .object({
    deviceId: plainId,
    gatewayId: plainId.describe('The gateway the device publishes through; created on first use.'),
    kind: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, _ and - only')
      .describe('What sort of sensor, e.g. `shipper_logger`, `bioreactor_probe`.'),
    binding: bindingTarget,
    from: isoInstant.optional().describe('Start of the binding; default: now.'),
    to: isoInstant.optional().describe('End of the binding (exclusive); default: open-ended.'),
  })
  .refine((b) => b.to === undefined || Date.parse(b.to) > (b.from === undefined ? Date.now() : Date.parse(b.from)), {
    message: 'must be after from (or after now when from is omitted)',
    path: ['to'],
  });
export type RegisterDeviceCommand = z.infer<typeof registerDeviceSchema>;

export const deviceIdParams = z.object({ id: plainId });

export const bindingSchema = z
  .object({
    id: rowId,
    shipmentId: z.string().optional(),
    equipmentId: z.string().optional(),
    from: instant,
    to: instant.nullable().describe('Exclusive end; null when open-ended.'),
  })
  .meta({ id: 'DeviceBinding' });
export type Binding = z.infer<typeof bindingSchema>;

export const registrationSchema = z
  .object({ deviceId: z.string(), gatewayId: z.string(), kind: z.string(), binding: bindingSchema })
  .meta({ id: 'DeviceRegistration' });

export const deviceDetailSchema = z
  .object({
    deviceId: z.string(),
    gatewayId: z.string(),
    kind: z.string(),
    bindings: z.array(bindingSchema).describe('Every binding of the device, oldest first.'),
    currentBinding: bindingSchema.nullable().describe('The binding whose range contains now.'),
    lastReading: z
      .object({ metric: z.string(), value: z.number().nullable(), text: z.string().nullable(), unit: z.string(), eventTime: instant })
      .nullable()
      .describe('The newest reading by event time; null before the first.'),
    state: z
      .enum(['ok', ...EXCURSION_KINDS, 'silent'])
      .describe('excursion or telemetry_gap while one is open (excursion first); silent before the first reading.'),
    open: z.array(
      z.object({ id: rowId, kind: z.enum(EXCURSION_KINDS), metric: z.string().nullable(), openedAt: instant, peak: z.number().nullable() }),
    ),
  })
  .meta({ id: 'DeviceDetail' });

export const listExcursionsQuery = z.object({
  batchId: z.uuid().optional(),
  deviceId: plainId.optional(),
  state: z.enum(EXCURSION_STATES).optional(),
  kind: z.enum(EXCURSION_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** QA's verdict as stored on the excursion row by the custody activity. */
export const storedAssessmentSchema = z.object({ impact: assessmentSchema.shape.impact, signer: actorSchema, meaning: z.string().nullable(), at: instant });

export const excursionSchema = z
  .object({
    id: rowId,
    kind: z.enum(EXCURSION_KINDS),
    deviceId: z.string(),
    batchId: rowId.nullable(),
    shipmentId: z.string().nullable(),
    equipmentId: z.string().nullable(),
    metric: z.string().nullable(),
    rule: z.unknown().describe('The threshold rule that was broken (excursions only).'),
    state: z.enum(EXCURSION_STATES).describe('withdrawn: a late reading showed the rule was never met.'),
    openedAt: instant,
    closedAt: instant.nullable(),
    peak: z.number().nullable().describe('The value furthest outside the limit.'),
    durationMs: z.number().int().nullable(),
    assessment: storedAssessmentSchema.nullable(),
  })
  .meta({ id: 'Excursion' });

export const excursionListSchema = z.object({ excursions: z.array(excursionSchema) });
