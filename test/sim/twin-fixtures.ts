import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/sim/scenario/load-scenario.js';
import type { Scenario, ScenarioInput } from '../../src/sim/scenario/scenario.js';

export const scenarioPath = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

let baseline: Scenario | undefined;
/** The calibrated baseline network, validated once per test file. */
export const baselineScenario = (): Scenario => (baseline ??= loadScenario(scenarioPath('baseline.json')));

/** The baseline as raw JSON, to break one field at a time. */
export const baselineJson = (): ScenarioInput => JSON.parse(readFileSync(scenarioPath('baseline.json'), 'utf8')) as ScenarioInput;
