import type { z } from 'zod';
import { readingBatchSchema, sensorReadingSchema, type DeadLetterReason, type SensorReading } from './contract.js';

/** `eventMs`: each reading's event time as epoch milliseconds, parsed once here. */
export type Decoded = { ok: true; readings: SensorReading[]; eventMs: number[] } | { ok: false; reason: DeadLetterReason; detail: string };

export interface DecodeLimits {
  maxBytes: number;
  /** Gateway clocks drift; beyond this a reading claims a time that has not happened yet. */
  maxFutureMs: number;
  now: number;
}

/**
 * JSON is UTF-8 (RFC 8259 §8.1). A lenient decoder would turn invalid bytes into U+FFFD and store a
 * unit nobody sent; a strict one refuses the message. A byte-order mark is kept, so JSON.parse refuses it as before.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Before this, no V2V gateway existed: such a time is a device with an unset clock. */
const EARLIEST_EVENT_TIME = Date.parse('2000-01-01T00:00:00Z');

/**
 * One Kafka message → its readings, or the reason it is a dead letter. Pure: the consumer decides
 * what a dead letter costs. A batch is the unit: one bad reading sends the whole message, as sent.
 */
export function decodeMessage(value: Buffer | null, key: Buffer | null, limits: DecodeLimits): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'schema_violation', detail: 'the message has no value' };
  if (value.length > limits.maxBytes) {
    return { ok: false, reason: 'oversize', detail: `${value.length} bytes is over the limit of ${limits.maxBytes}` };
  }
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return { ok: false, reason: 'unparseable_json', detail: 'the message is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'unparseable_json', detail: err instanceof Error ? err.message : String(err) };
  }
  // Pick the shape first, so the error names the fields of the shape the sender meant.
  const isBatch = typeof json === 'object' && json !== null && 'readings' in json;
  const parsed = isBatch ? readingBatchSchema.safeParse(json) : sensorReadingSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'schema_violation', detail: describeIssues(parsed.error) };
  const readings = 'readings' in parsed.data ? parsed.data.readings : [parsed.data];

  const keyText = key?.toString('utf8');
  if (keyText !== undefined && keyText !== readings[0]!.deviceId) {
    return { ok: false, reason: 'schema_violation', detail: `deviceId "${readings[0]!.deviceId}" differs from the message key "${keyText}"` };
  }
  const eventMs: number[] = [];
  for (const reading of readings) {
    const at = Date.parse(reading.eventTime);
    if (at > limits.now + limits.maxFutureMs || at < EARLIEST_EVENT_TIME) {
      return { ok: false, reason: 'impossible_timestamp', detail: `eventTime ${reading.eventTime} of ${reading.eventId} is ${at < EARLIEST_EVENT_TIME ? 'before 2000' : 'in the future'}` };
    }
    eventMs.push(at);
  }
  return { ok: true, readings, eventMs };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'message'}: ${i.message}`)
    .join('; ');
}
