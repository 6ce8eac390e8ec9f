import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { gatewayKey, gatewaySigner, gatewayVerifier, signReading, SIGNATURE_HEADER } from '../../src/ingest/gateway-signature.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const value = Buffer.from(JSON.stringify({ eventId: '3f1c2a9e-6b0d-4c1e-9a57-0d2f7b1e8c41', gatewayId: 'gw-1', deviceId: 'dev-1', metric: 'temperature_c', value: 4.6, unit: 'Cel', eventTime: '2026-11-22T09:59:00Z' }));
const verify = gatewayVerifier(SECRET);
const signedBy = (gatewayId: string, body: Buffer = value) => ({ [SIGNATURE_HEADER]: signReading(gatewayKey(SECRET, gatewayId), body) });

describe('a gateway’s signature', () => {
  it('is the hex HMAC-SHA256 of the record value under HMAC-SHA256(secret, gatewayId), which any HMAC library computes', () => {
    const key = createHmac('sha256', SECRET).update('gw-1').digest();
    expect(gatewayKey(SECRET, 'gw-1').equals(key)).toBe(true);
    expect(signReading(key, value)).toBe(createHmac('sha256', key).update(value).digest('hex'));
    expect(gatewaySigner(SECRET)('gw-1', value.toString())).toEqual(signedBy('gw-1'));
  });

  it('verifies under the key of the registered gateway, as a string header or as bytes (how kafkajs hands it over)', () => {
    expect(verify('gw-1', value, signedBy('gw-1'))).toBeUndefined();
    expect(verify('gw-1', value, { [SIGNATURE_HEADER]: Buffer.from(signedBy('gw-1')[SIGNATURE_HEADER]) })).toBeUndefined();
  });

  it.each([
    ['no header', undefined, 'no v2v-gateway-signature header'],
    ['other headers only', { 'content-type': 'application/json' }, 'no v2v-gateway-signature header'],
    ['another gateway’s key', signedBy('gw-2'), "the signature is not gateway gw-1's"],
    ['a signature of other bytes', signedBy('gw-1', Buffer.from(value.toString().replace('4.6', '4.7'))), "the signature is not gateway gw-1's"],
    ['the header twice', { [SIGNATURE_HEADER]: [signedBy('gw-1')[SIGNATURE_HEADER], signedBy('gw-2')[SIGNATURE_HEADER]] }, '2 v2v-gateway-signature headers, not one'],
    ['upper-case hex', { [SIGNATURE_HEADER]: signedBy('gw-1')[SIGNATURE_HEADER].toUpperCase() }, 'not 64 lowercase hex digits'],
    ['a truncated signature', { [SIGNATURE_HEADER]: signedBy('gw-1')[SIGNATURE_HEADER].slice(0, 63) }, 'not 64 lowercase hex digits'],
    ['base64 instead of hex', { [SIGNATURE_HEADER]: Buffer.from(signedBy('gw-1')[SIGNATURE_HEADER], 'hex').toString('base64') }, 'not 64 lowercase hex digits'],
    ['a NUL and a newline', { [SIGNATURE_HEADER]: `${'0'.repeat(62)}\u0000\n` }, 'not 64 lowercase hex digits'],
    ['a megabyte of digits', { [SIGNATURE_HEADER]: '0'.repeat(1 << 20) }, 'not 64 lowercase hex digits'],
    ['an empty header', { [SIGNATURE_HEADER]: '' }, 'not 64 lowercase hex digits'],
  ])('refuses %s, saying why', (_label, headers, why) => {
    expect(verify('gw-1', value, headers)).toContain(why);
  });

  it('keeps each gateway’s key apart when many are cached, and past the cache’s bound', () => {
    const ids = Array.from({ length: 10_050 }, (_, i) => `gw-${i}`);
    for (const id of ids) expect(verify(id, value, signedBy(id))).toBeUndefined();
    expect(verify('gw-7', value, signedBy('gw-10049'))).toContain("not gateway gw-7's");
  });
});

describe('V2V_GATEWAY_KEY_SECRET', () => {
  it('is optional (the dev stack) and, when set, at least 32 characters; the error does not repeat it', () => {
    expect(loadConfig({}).V2V_GATEWAY_KEY_SECRET).toBeUndefined();
    expect(loadConfig({ V2V_GATEWAY_KEY_SECRET: SECRET }).V2V_GATEWAY_KEY_SECRET).toBe(SECRET);
    expect(() => loadConfig({ V2V_GATEWAY_KEY_SECRET: 'short-secret-value' })).toThrow(/V2V_GATEWAY_KEY_SECRET: V2V_GATEWAY_KEY_SECRET must be at least 32 characters/);
    expect(() => loadConfig({ V2V_GATEWAY_KEY_SECRET: 'short-secret-value' })).not.toThrow(/short-secret-value/);
  });
});
