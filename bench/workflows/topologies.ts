/**
 * The workflow bench on both topologies in one run (issue 19): the same batches at the same
 * concurrency, first on the dev stack (the Temporal CLI's dev server on SQLite, one Kafka broker),
 * then on the production topology (the Temporal server on PostgreSQL, three brokers, two of every
 * V2V process idling beside the bench's own worker). Each topology runs in a stack of its own,
 * started and stopped here, so a developer's stack is not touched.
 *
 *   npx tsx bench/workflows/topologies.ts [--batches 300] [--concurrency 100] [--topologies dev,production]
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../src/stack/paths.js';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '100' },
    'time-scale': { type: 'string', default: '86400' },
    topologies: { type: 'string', default: 'dev,production' },
  },
});

/** Ports of their own, apart from the dev stack's defaults and from the reliability run's. */
const STACKS: Record<string, Record<string, string>> = {
  dev: { V2V_STACK_DIR: '.stack-bench-dev', V2V_PG_PORT: '54379', V2V_KAFKA_PORT: '19592', V2V_KAFKA_CONTROLLER_PORT: '19593', V2V_TEMPORAL_PORT: '17733', V2V_TEMPORAL_UI_PORT: '18733', V2V_API_PORT: '3500', V2V_INGEST_PORT: '3510' },
  production: { V2V_STACK_DIR: '.stack-bench-production', V2V_PG_PORT: '54389', V2V_KAFKA_PORT: '19692', V2V_KAFKA_CONTROLLER_PORT: '19693', V2V_TEMPORAL_PORT: '17833', V2V_TEMPORAL_UI_PORT: '18833', V2V_API_PORT: '3600', V2V_INGEST_PORT: '3610' },
};

/** The environment of one topology's run: its stack's settings, without any address the caller's shell names. */
function envFor(topology: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...STACKS[topology], V2V_TOPOLOGY: topology, V2V_TIME_SCALE: values['time-scale'] };
  for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'API_URL']) delete env[name];
  return env;
}

const v2v = (args: string[], env: NodeJS.ProcessEnv) => {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'v2v.js'), ...args], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`v2v ${args.join(' ')} exited ${result.status}`);
};

/** Runs the bench as a child and keeps its report (stdout) while its progress goes to stderr. */
function bench(env: NodeJS.ProcessEnv): Promise<string> {
  const args = ['--import', 'tsx', path.join(repoRoot, 'bench', 'workflows', 'main.ts'), '--batches', values.batches, '--concurrency', values.concurrency, '--time-scale', values['time-scale'], '--skip-baseline'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    process.stderr.write(chunk);
  });
  // A run where some batches did not complete still printed its report (and exits 1): its figures,
  // with that count, are the topology's result. Without a report the run itself failed.
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 || /batches completed: /.test(out) ? resolve(out) : reject(new Error(`the bench exited ${code} on this topology`)))),
  );
}

const figure = (report: string, pattern: RegExp) => pattern.exec(report)?.[1] ?? '?';

const rows: string[][] = [];
for (const topology of values.topologies.split(',')) {
  if (!STACKS[topology]) throw new Error(`--topologies: "${topology}" is not dev or production`);
  const env = envFor(topology);
  console.error(`\n== ${topology}: stack up`);
  const upStarted = performance.now();
  v2v(['stack', 'up'], env);
  // The dev stack starts empty services; the production one migrates as it starts its processes.
  v2v(['migrate'], env);
  const upSeconds = (performance.now() - upStarted) / 1000;
  try {
    console.error(`== ${topology}: bench`);
    const report = await bench(env);
    rows.push([
      topology,
      figure(report, /batches completed: (\d+ of \d+)/),
      figure(report, /workflow tasks per second: ([\d.,]+)/),
      `${figure(report, /hand-off latency p50[^:]*: ([\d,]+) ms/)} ms`,
      `${figure(report, /hand-off latency p99: ([\d,]+) ms/)} ms`,
      figure(report, /CPU seconds in the phase: (.*)/),
      `${upSeconds.toFixed(0)} s`,
    ]);
  } finally {
    v2v(['stack', 'down'], env);
  }
}

const header = ['topology', 'batches', 'workflow tasks/s', 'hand-off p50', 'hand-off p99', 'CPU seconds (share of the machine)', 'stack up'];
console.log(`\nnpx tsx bench/workflows/topologies.ts --batches ${values.batches} --concurrency ${values.concurrency} --time-scale ${values['time-scale']}`);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
if (rows.length === 2) {
  const tasks = rows.map((r) => Number(r[2]!.replace(/,/g, '')));
  console.log(`\nproduction ÷ dev, workflow tasks per second: ${(tasks[1]! / tasks[0]!).toFixed(2)}`);
}
