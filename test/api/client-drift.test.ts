import { describe, expect, it } from 'vitest';
import { generatedSchema, SCHEMA_FILE } from '../../src/api/client/generate.js';
import { readFile } from 'node:fs/promises';

describe('the generated API client', () => {
  // Generating the client compiles the whole OpenAPI document: seconds of CPU, more on a loaded machine.
  it('matches the routes: regenerate with `npm run api:client` after changing a schema', { timeout: 60_000 }, async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed === (await generatedSchema()), 'src/api/client/schema.d.ts is stale: run `npm run api:client`').toBe(true);
  });
});
