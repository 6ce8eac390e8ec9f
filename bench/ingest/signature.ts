/**
 * `npm run bench:ingest:signature`: what checking a gateway's signature adds to each message on
 * ingest's hot path. Both sides decode the message as ingest does (UTF-8, JSON, the zod contract, the
 * key and time checks); one also verifies its HMAC-SHA256 under the registered gateway's (cached) key.
 * In one process, alternating, so both see the same machine, and timed in CPU time (process.cpuUsage),
 * so other processes on a shared machine weigh less; no Kafka or PostgreSQL involved.
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { decodeMessage } from '../../src/ingest/decode.js';
import { gatewayKey, gatewayVerifier, signReading, SIGNATURE_HEADER } from '../../src/ingest/gateway-signature.js';

const SECRET = 'bench-secret-of-at-least-thirty-two-characters';
const GATEWAYS = 50;
const MESSAGES = 20_000;
const ROUNDS = 7;
const now = Date.now();
const limits = { maxBytes: 256 * 1024, maxFutureMs: 5 * 60_000, now };

interface Sample {
  key: Buffer;
  value: Buffer;
  headers: IHeaders;
  gatewayId: string;
}

/** A gateway's message with `readings` readings of one device (1: a single reading; 6: the live driver's shipper). */
function messages(readings: number): Sample[] {
  return Array.from({ length: Math.max(1_000, MESSAGES / readings) }, (_, i) => {
    const gatewayId = `gw-${i % GATEWAYS}`;
    const deviceId = `probe-${i % (GATEWAYS * 20)}`;
    const eventTime = new Date(now - 60_000 + (i % 1000)).toISOString();
    const one = (n: number) => ({ eventId: randomUUID(), gatewayId, deviceId, metric: 'temperature_c', value: -180 + n / 10, unit: 'Cel', eventTime });
    const body = readings === 1 ? one(0) : { gatewayId, readings: Array.from({ length: readings }, (_, n) => one(n)) };
    const value = Buffer.from(JSON.stringify(body));
    return { key: Buffer.from(deviceId), value, headers: { [SIGNATURE_HEADER]: Buffer.from(signReading(gatewayKey(SECRET, gatewayId), value)) }, gatewayId };
  });
}

/** CPU nanoseconds per message over the whole set; throws if a message does not pass (so nothing is optimised away). */
function run(samples: Sample[], verify: ReturnType<typeof gatewayVerifier> | undefined): number {
  const started = process.cpuUsage();
  for (const s of samples) {
    const decoded = decodeMessage(s.value, s.key, limits);
    if (!decoded.ok) throw new Error(decoded.detail);
    // Ingest checks under the registered gateway's key; here the device's gateway is the one that signed.
    if (verify && verify(s.gatewayId, s.value, s.headers) !== undefined) throw new Error('a signature did not verify');
  }
  const { user, system } = process.cpuUsage(started);
  return ((user + system) * 1000) / samples.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`CPU time per message, median of ${ROUNDS} rounds (${GATEWAYS} gateways): decode as ingest does, without → with the signature check`);
for (const readings of [1, 6, 100]) {
  const samples = messages(readings);
  const verify = gatewayVerifier(SECRET);
  // Warm both paths (JIT, the key cache) before timing.
  run(samples, undefined);
  run(samples, verify);
  const plain: number[] = [];
  const checked: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(run(samples, undefined));
    checked.push(run(samples, verify));
  }
  const [p, c] = [median(plain), median(checked)];
  const bytes = Math.round(samples.reduce((n, s) => n + s.value.length, 0) / samples.length);
  console.log(
    `  ${String(readings).padStart(3)} reading${readings === 1 ? ' ' : 's'} (${bytes} B): ${(p / 1000).toFixed(1)} µs → ${(c / 1000).toFixed(1)} µs, ` +
      `+${((c - p) / 1000).toFixed(2)} µs a message, ratio ${(c / p).toFixed(3)}`,
  );
}
