import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../stack/paths.js';
import { runVisibly } from '../stack/visible-command.js';

/**
 * The forecast trainer's Python: a virtual environment under `<stack>/forecast/venv` holding the
 * pinned packages of stack/forecast/requirements.txt, made on first use like the Temporal binaries.
 * Serving never needs it: only training runs Python.
 */
const NO_VENV =
  'The forecast trainer needs Python 3 with venv and pip (apt-get install python3-venv python3-pip).';

export const forecastRequirements = path.join(repoRoot, 'stack', 'forecast', 'requirements.txt');

/** Returns the venv's python, creating the venv and installing the pins unless the marker says they are there. */
export async function ensureForecastPython(stackRoot: string, progress: (line: string) => void): Promise<string> {
  const venv = path.join(stackRoot, 'forecast', 'venv');
  const python = path.join(venv, 'bin', 'python');
  const hash = createHash('sha256').update(readFileSync(forecastRequirements)).digest('hex');
  const marker = path.join(venv, '.installed');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === hash) return python;

  if (spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status !== 0) throw new Error(NO_VENV);
  // A half-made or older venv is rebuilt from scratch rather than patched.
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(path.dirname(venv), { recursive: true });
  progress(`Forecast trainer: creating a Python virtual environment in ${venv} and installing LightGBM with pip (about 60 MB, once)…`);
  const made = await runVisibly('python3', ['-m', 'venv', venv]);
  if (made !== 0) throw new Error(`python3 -m venv could not create ${venv} (exit ${made}). ${NO_VENV}`);
  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', forecastRequirements];
  const installed = await runVisibly(python, pipArgs);
  if (installed !== 0) throw new Error(`pip could not install the forecast trainer's packages (exit ${installed}); its output is above.`);
  writeFileSync(marker, hash);
  progress(`Forecast trainer: LightGBM installed in ${venv}`);
  return python;
}
