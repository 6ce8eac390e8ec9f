import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { overlay, type Json } from './overlay.js';
import { scenarioSchema, type Scenario } from './scenario.js';

/** A scenario that does not hold: every broken rule as `field: rule`, one a line. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Scenario ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

export const problemsOf = (error: z.ZodError): string[] => error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(scenario)'}: ${i.message}`);

/** Validates a scenario already in memory (tests, forecasts); throws a ScenarioError naming each field. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) throw new ScenarioError(source, problemsOf(parsed.error));
  return parsed.data;
}

/** Reads a scenario file, applies it over the file it `extends` (recursively), and validates it. */
export function loadScenario(file: string): Scenario {
  return parseScenario(readMerged(resolve(file), []), file);
}

/** The scenario a what-if file is compared against: the file it extends, if any. */
export function baseOf(file: string): string | undefined {
  const raw = readJson(resolve(file));
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && typeof raw.extends === 'string' ? resolve(dirname(resolve(file)), raw.extends) : undefined;
}

function readMerged(path: string, seen: string[]): Json {
  if (seen.includes(path)) throw new ScenarioError(path, [`extends: ${[...seen, path].join(' → ')} is a cycle`]);
  const raw = readJson(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(path, ['(scenario): a scenario file holds one JSON object']);
  const { extends: parent, ...own } = raw;
  if (parent === undefined) return own;
  if (typeof parent !== 'string') throw new ScenarioError(path, ['extends: the path of the scenario this one changes, relative to this file']);
  return overlay(readMerged(resolve(dirname(path), parent), [...seen, path]), own);
}

function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(path, [`(file): cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new ScenarioError(path, [`(file): not JSON (${(err as Error).message})`]);
  }
}
