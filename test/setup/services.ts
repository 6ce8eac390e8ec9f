import { inject } from 'vitest';
import { loadConfigOver, type Config } from '../../src/config.js';

/** The configuration an integration test runs with: the live stack's addresses. */
export function stackConfig(): Config {
  return loadConfigOver(inject('stackEnv'));
}

/** A name no earlier run used, so tests never see each other's data. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
