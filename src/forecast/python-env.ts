import path from 'node:path';
import { repoRoot } from '../stack/paths.js';
import { ensurePythonVenv } from '../stack/python-venv.js';

/**
 * The forecast trainer's Python: a virtual environment under `<stack>/forecast/venv` holding the
 * pinned packages of stack/forecast/requirements.txt, made on first use like the Temporal binaries.
 * Serving never needs it: only training runs Python.
 */
export const forecastRequirements = path.join(repoRoot, 'stack', 'forecast', 'requirements.txt');

/** Returns the venv's python, creating the venv and installing the pins unless the marker says they are there. */
export function ensureForecastPython(stackRoot: string, progress: (line: string) => void): Promise<string> {
  return ensurePythonVenv(
    { purpose: 'Forecast trainer', venv: path.join(stackRoot, 'forecast', 'venv'), requirements: forecastRequirements, installing: 'LightGBM with pip (about 60 MB, once)' },
    progress,
  );
}
