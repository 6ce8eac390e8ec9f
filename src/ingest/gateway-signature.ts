import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

/*
 * Who sent a reading. Kafka's ACLs keep anonymous and unknown clients off the readings topic, but a
 * consumer is never told which principal produced a record, and the message's gatewayId is only
 * what the sender wrote. So each gateway signs the record's value with a key of its own, and ingest
 * checks the signature under the key of the gateway the device is registered to (README, "Sensor
 * ingestion"). The keys are derived from one server-side secret, so none is stored: a gateway's key
 * is HMAC-SHA256(V2V_GATEWAY_KEY_SECRET, gatewayId), handed to that gateway by `v2v gateway issue`.
 */

/** The record header a gateway puts its signature in: the hex HMAC-SHA256 of the record's value under its key. */
export const SIGNATURE_HEADER = 'v2v-gateway-signature';

const SIGNATURE = /^[0-9a-f]{64}$/;

/** A gateway's signing key (32 bytes). */
export function gatewayKey(secret: string, gatewayId: string): Buffer {
  return createHmac('sha256', secret).update(gatewayId, 'utf8').digest();
}

/** What a gateway puts in SIGNATURE_HEADER for a record whose value is `value`. */
export function signReading(key: Buffer, value: Buffer | string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/** The headers a gateway holding every key (V2V's own simulated gateways) sends a record with. */
export function gatewaySigner(secret: string): (gatewayId: string, value: string) => IHeaders {
  const keys = keyCache(secret);
  return (gatewayId, value) => ({ [SIGNATURE_HEADER]: signReading(keys(gatewayId), value) });
}

/**
 * Checks a record's signature against the key of `gatewayId` (the device's registered gateway):
 * undefined when it verifies, else why not. The comparison takes the same time wherever the bytes differ.
 */
export type GatewayVerifier = (gatewayId: string, value: Buffer, headers: IHeaders | undefined) => string | undefined;

export function gatewayVerifier(secret: string): GatewayVerifier {
  const keys = keyCache(secret);
  return (gatewayId, value, headers) => {
    const header = headers?.[SIGNATURE_HEADER];
    if (header === undefined) return `no ${SIGNATURE_HEADER} header`;
    // A repeated header would leave it to us which one counts: refuse the choice.
    if (Array.isArray(header)) return `${header.length} ${SIGNATURE_HEADER} headers, not one`;
    const text = typeof header === 'string' ? header : header.toString('latin1');
    if (!SIGNATURE.test(text)) return `the ${SIGNATURE_HEADER} header is not 64 lowercase hex digits`;
    const expected = createHmac('sha256', keys(gatewayId)).update(value).digest();
    if (!timingSafeEqual(expected, Buffer.from(text, 'hex'))) return `the signature is not gateway ${gatewayId}'s`;
    return undefined;
  };
}

/**
 * Keys by gateway id, derived once each. Only registered gateways' ids reach it (a device's
 * registration names the gateway), yet it is bounded, so no sender can make it grow without end.
 */
const MAX_CACHED_KEYS = 10_000;

function keyCache(secret: string): (gatewayId: string) => Buffer {
  const keys = new Map<string, Buffer>();
  return (gatewayId) => {
    let key = keys.get(gatewayId);
    if (key === undefined) {
      if (keys.size >= MAX_CACHED_KEYS) keys.clear();
      key = gatewayKey(secret, gatewayId);
      keys.set(gatewayId, key);
    }
    return key;
  };
}
