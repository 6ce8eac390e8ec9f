import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { sensorMessageSchema } from './contract.js';
import { SIGNATURE_HEADER } from './gateway-signature.js';

/**
 * The JSON Schema gateway vendors validate against, generated from the zod contract so the two
 * cannot drift (a unit test compares the committed file with a fresh generation).
 */
export const SCHEMA_FILE = fileURLToPath(new URL('../../docs/schemas/sensor-message.v1.schema.json', import.meta.url));

export function sensorMessageJsonSchema(): string {
  const schema = z.toJSONSchema(sensorMessageSchema, { target: 'draft-2020-12' });
  const document = {
    ...schema,
    title: 'V2V sensor message (topic v2v.sensor.readings.v1)',
    description:
      "One reading, or a gateway batch of one device's readings. Key each Kafka message with the deviceId. " +
      `Where the installation checks gateway signatures, add the record header ${SIGNATURE_HEADER}: the lowercase hex HMAC-SHA256 ` +
      'of the message value (these exact bytes) under the key issued to the gateway the device is registered to (`v2v gateway issue`).',
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  writeFileSync(SCHEMA_FILE, sensorMessageJsonSchema());
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}
