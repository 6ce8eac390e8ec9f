import { readFile } from 'node:fs/promises';

/**
 * NASA C-MAPSS turbofan files (Saxena et al., PHM08): one row per engine per cycle, 26 numbers:
 * unit, cycle, three operational settings, 21 sensors. The shared copy's header names 31 columns
 * (s1…s26), but the rows hold 26 values, so the header is skipped and columns are named here.
 */
export const SETTING_COUNT = 3;
export const SENSOR_COUNT = 21;
const VALUES_PER_ROW = 2 + SETTING_COUNT + SENSOR_COUNT;

export const sensorName = (i: number) => `s${i + 1}`;

export interface EngineCycle {
  cycle: number;
  settings: number[];
  sensors: number[];
}

/** One engine's cycles in order; a training engine's last cycle is its failure. */
export interface Engine {
  unit: number;
  cycles: EngineCycle[];
}

export function parseCmapss(text: string, source: string): Engine[] {
  const engines = new Map<number, Engine>();
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') return;
    // A header line starts with a name, not a number.
    if (index === 0 && Number.isNaN(Number(fields[0]))) return;
    const values = fields.map(Number);
    if (values.length !== VALUES_PER_ROW || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`${source} line ${index + 1}: expected ${VALUES_PER_ROW} numbers (unit, cycle, 3 settings, 21 sensors), got "${line.slice(0, 80)}".`);
    }
    const unit = values[0]!;
    let engine = engines.get(unit);
    if (!engine) engines.set(unit, (engine = { unit, cycles: [] }));
    const cycle = values[1]!;
    const previous = engine.cycles.at(-1);
    if (previous && cycle !== previous.cycle + 1) throw new Error(`${source} line ${index + 1}: unit ${unit} jumps from cycle ${previous.cycle} to ${cycle}.`);
    engine.cycles.push({ cycle, settings: values.slice(2, 2 + SETTING_COUNT), sensors: values.slice(2 + SETTING_COUNT) });
  });
  if (engines.size === 0) throw new Error(`${source} holds no C-MAPSS rows.`);
  return [...engines.values()];
}

export async function readCmapss(file: string): Promise<Engine[]> {
  return parseCmapss(await readFile(file, 'utf8'), file);
}
