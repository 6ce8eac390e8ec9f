import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runVisibly } from './visible-command.js';

const NO_VENV = 'needs Python 3 with venv and pip (apt-get install python3-venv python3-pip).';

export interface PythonVenv {
  /** Who needs it, for the sentences it prints: "The forecast trainer". */
  purpose: string;
  /** The venv's directory, under the stack (`<stack>/forecast/venv`). */
  venv: string;
  /** A pinned requirements file; a change to it rebuilds the venv. */
  requirements: string;
  /** What is installed and roughly how big, for the progress line: "LightGBM with pip (about 60 MB, once)". */
  installing: string;
}

/**
 * A Python virtual environment holding the pinned packages of one requirements file, made on first
 * use (pip from the package index, nothing else) and kept while the file's hash matches its marker.
 * Returns the venv's python.
 */
export async function ensurePythonVenv(env: PythonVenv, progress: (line: string) => void): Promise<string> {
  const python = path.join(env.venv, 'bin', 'python');
  const hash = createHash('sha256').update(readFileSync(env.requirements)).digest('hex');
  const marker = path.join(env.venv, '.installed');
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8') === hash) return python;

  if (spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status !== 0) throw new Error(`${env.purpose} ${NO_VENV}`);
  // A half-made or older venv is rebuilt from scratch rather than patched.
  rmSync(env.venv, { recursive: true, force: true });
  mkdirSync(path.dirname(env.venv), { recursive: true });
  progress(`${env.purpose}: creating a Python virtual environment in ${env.venv} and installing ${env.installing}…`);
  const made = await runVisibly('python3', ['-m', 'venv', env.venv]);
  if (made !== 0) throw new Error(`python3 -m venv could not create ${env.venv} (exit ${made}). ${env.purpose} ${NO_VENV}`);
  const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', env.requirements];
  const installed = await runVisibly(python, pipArgs);
  if (installed !== 0) throw new Error(`pip could not install the packages of ${path.basename(path.dirname(env.requirements))}/${path.basename(env.requirements)} (exit ${installed}); its output is above.`);
  writeFileSync(marker, hash);
  progress(`${env.purpose}: packages installed in ${env.venv}`);
  return python;
}
