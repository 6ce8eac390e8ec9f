import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../src/stack/paths.js';
import { ensurePythonVenv } from '../../src/stack/python-venv.js';

/**
 * Schemathesis against the API's /openapi.json, from its own pinned venv under the stack
 * (`<stack>/fuzz/venv`, stack/fuzz/requirements.txt, made on first use with pip like the forecast
 * trainer's). Used by test/fuzz/schemathesis.int.test.ts (CI, bounded) and `npm run test:fuzz` (longer).
 */
export const FUZZ_REQUIREMENTS = path.join(repoRoot, 'stack', 'fuzz', 'requirements.txt');
const HOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'enrolment-hooks.py');

/** The checks every answer must pass: no 5xx, and status, content type, headers and body as documented. */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
] as const;

/**
 * The event stream never ends by itself (it is an open text/event-stream), so a request to it would
 * only time out; the dashboard's browser tests and test/api/live-events.int.test.ts cover it.
 */
const EXCLUDED_PATHS = ['/v1/events'];

export async function ensureFuzzPython(stackRoot: string, progress: (line: string) => void): Promise<string> {
  return ensurePythonVenv(
    { purpose: 'API fuzzer', venv: path.join(stackRoot, 'fuzz', 'venv'), requirements: FUZZ_REQUIREMENTS, installing: 'schemathesis with pip (about 30 MB, once)' },
    progress,
  );
}

export interface FuzzRun {
  python: string;
  apiUrl: string;
  /** Names the run in its report file. */
  role: string;
  token: string;
  maxExamples: number;
  seed: number;
  /** Schemathesis phases, e.g. ['coverage', 'fuzzing', 'stateful']. */
  phases: readonly string[];
  /** The reference product and sites the hooks put into generated enrolments (enrolment-hooks.py). */
  enrolment: Record<string, string>;
  /** Where the full output goes (one file per role). */
  reportDir: string;
}

export interface FuzzOutcome {
  role: string;
  exitCode: number | null;
  generated: number;
  passed: number;
  failures: number;
  errored: number;
  seconds: number;
  /** The failures and errors section, for the test's message. */
  problems: string;
  reportFile: string;
}

/** Runs schemathesis once against the API as one identity; resolves with the counts it printed. */
export async function runSchemathesis(run: FuzzRun): Promise<FuzzOutcome> {
  const schemathesis = path.join(path.dirname(run.python), 'schemathesis');
  const args = [
    'run', `${run.apiUrl}/openapi.json`,
    '--header', `Authorization: Bearer ${run.token}`,
    '--checks', CHECKS.join(','),
    '--phases', run.phases.join(','),
    '--max-examples', String(run.maxExamples),
    '--seed', String(run.seed),
    '--generation-database', 'none',
    '--workers', '1',
    '--request-timeout', '40',
    '--no-color',
    ...EXCLUDED_PATHS.flatMap((p) => ['--exclude-path', p]),
  ];
  const started = Date.now();
  mkdirSync(run.reportDir, { recursive: true });
  // Its working directory is the report's, where it keeps its own files (.schemathesis/).
  const child = spawn(schemathesis, args, {
    cwd: run.reportDir,
    env: { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, V2V_FUZZ_ENROLMENT: JSON.stringify(run.enrolment), NO_COLOR: '1', COLUMNS: '120' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const reportFile = path.join(run.reportDir, `schemathesis-${run.role}.txt`);
  // The token is the run's own and short-lived, but a report is no place for one.
  writeFileSync(reportFile, output.replaceAll(run.token, '[token]'));
  return { role: run.role, exitCode, seconds: (Date.now() - started) / 1000, reportFile, ...countsOf(output) };
}

/** The counts of schemathesis's closing "Test cases:" lines, e.g. "469 generated, 2 found 4 unique failures, 14 errored". */
export function countsOf(output: string): Pick<FuzzOutcome, 'generated' | 'passed' | 'failures' | 'errored' | 'problems'> {
  const summary = output.slice(output.lastIndexOf('Test cases:'));
  const number = (pattern: RegExp) => Number(pattern.exec(summary)?.[1] ?? 0);
  const failuresAt = output.indexOf('= FAILURES =');
  const errorsAt = output.indexOf('= ERRORS =');
  const problemsAt = [failuresAt, errorsAt].filter((i) => i >= 0).sort((a, b) => a - b)[0];
  return {
    generated: number(/(\d+) generated/),
    passed: number(/(\d+) passed/),
    failures: number(/(\d+) unique failures?/),
    errored: number(/(\d+) errored/),
    problems: problemsAt === undefined ? '' : output.slice(problemsAt, output.indexOf('= SUMMARY =')).slice(0, 8_000),
  };
}
