import os from 'node:os';
import type { BaselinePhaseResult } from './baseline-phase.js';
import type { BatchPhaseResult } from './batch-phase.js';
import { bookings, handoffLatencies, refusals } from './driver-tally.js';
import type { PhaseFigures } from './history-stats.js';
import { fmt, mib } from './number-format.js';
import { COMMAND, CONCURRENCY, DAY, flags, N, NAMESPACE, RUN, TEMPORAL_ADDRESS, TIME_SCALE } from './parameters.js';
import { minMedMax, percentile, sortNum } from './percentiles.js';

/** The report printed on stdout at the end of a run, one figure per line. */

const cpuLine = (f: PhaseFigures) => {
  const capacity = (os.cpus().length * f.wallMs) / 1000;
  const part = (name: string, v: number) => `${name} ${fmt(v)} (${fmt((100 * v) / capacity, 0)}%)`;
  const ours = f.cpu.worker + f.cpu.temporal + f.cpu.postgres + f.cpu.client;
  return [
    part('worker', f.cpu.worker),
    part('Temporal server', f.cpu.temporal),
    part('PostgreSQL', f.cpu.postgres),
    part('bench client', f.cpu.client),
    part('everything else', f.cpu.machine - ours),
  ].join(', ') + ` of ${fmt(capacity, 0)} available`;
};

export function writeReport(out: (s?: string) => void, batch: BatchPhaseResult, baseline: BaselinePhaseResult | undefined, benchStarted: number) {
  const b = batch.figures;
  const bTasks = b.workflowTasks + b.childWorkflowTasks;
  const bRate = bTasks / (b.wallMs / 1000);
  const lat = sortNum(handoffLatencies);
  const journeys = sortNum(batch.outcomes.filter((o) => o.stage === 'COMPLETED').map((o) => o.journeyMs / 1000));
  const errors = new Map<string, number>();
  for (const o of batch.outcomes) if (o.error) errors.set(o.error.slice(0, 160), (errors.get(o.error.slice(0, 160)) ?? 0) + 1);

  out('V2V workflow benchmark');
  out(`command: ${COMMAND}`);
  out(`machine: ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; Temporal at ${TEMPORAL_ADDRESS} (${process.env.V2V_TOPOLOGY ?? 'dev'} topology), namespace ${NAMESPACE}`);
  out(`parameters: ${N} batches, concurrency ${CONCURRENCY}, time scale ${TIME_SCALE} (a day lasts ${fmt(DAY / 1000, 3)} s), phase timeout ${flags['phase-timeout-min']} min`);
  out(`sites: ${flags['reference-sites'] ? 'the seeded reference sites and products' : `bench-${RUN}-* (facility lines and chairs: ${CONCURRENCY + 10}), products ${batch.setup.products.map((p) => p.id).join(', ')}`}`);
  out();
  out('Batch journey (batchWorkflow + its shipment child workflows; worker: node bin/v2v.js worker)');
  out(`  batches completed: ${b.completed} of ${N}${b.failed ? ` (${b.failed} did not complete)` : ''}`);
  out(`  phase wall time: ${fmt(b.wallMs / 1000)} s`);
  out(`  workflow tasks completed: ${bTasks} (batch ${b.workflowTasks}, shipment legs ${b.childWorkflowTasks} in ${b.children} child workflows)`);
  out(`  workflow tasks per second: ${fmt(bRate)}`);
  out(`  batches completed per second: ${fmt(b.completed / (b.wallMs / 1000), 2)}`);
  out(`  history events per second (batches and legs): ${fmt(b.totalEvents / (b.wallMs / 1000))}`);
  out(`  hand-off latency p50 (update sent -> new stage in the status query): ${fmt(percentile(lat, 50), 0)} ms`);
  out(`  hand-off latency p99: ${fmt(percentile(lat, 99), 0)} ms (max ${fmt(lat[lat.length - 1] ?? NaN, 0)} ms, ${lat.length} hand-offs)`);
  out(`  history events per batch: ${minMedMax(b.eventsPerWorkflow)}`);
  out(`  workflow tasks per batch: ${minMedMax(b.tasksPerWorkflow)}`);
  out(`  activities per batch: ${minMedMax(b.activitiesPerWorkflow)}`);
  out(`  journey wall time per batch: p50 ${fmt(percentile(journeys, 50))} s / p99 ${fmt(percentile(journeys, 99))} s`);
  out(`  worker peak RSS (VmHWM, pid ${batch.pid}): ${mib(b.worker.hwmKb)}`);
  out(`  worker peak RSS sampled during the phase: ${mib(b.worker.peakSampledKb)} (at the end ${mib(b.worker.rssKb)})`);
  out(`  workflow task failures or timeouts: ${b.workflowTaskProblems}`);
  out(`  escalations: ${batch.outcomes.reduce((a, o) => a + o.escalations, 0)}; holds: ${batch.outcomes.reduce((a, o) => a + o.holds, 0)}; booking retries: ${bookings.retries}`);
  out(`  refused commands: ${refusals.size ? [...refusals].map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}`);
  out(`  CPU seconds in the phase: ${cpuLine(b)}`);
  out(`  worker log lines (LOG_LEVEL=warn): ${b.warnLines}`);
  for (const line of batch.workerTail.slice(-3)) out(`    ${line.slice(0, 300)}`);
  for (const [e, count] of errors) out(`  error ×${count}: ${e}`);

  if (baseline) {
    const t = baseline.figures;
    const tTasks = t.workflowTasks;
    const tRate = tTasks / (t.wallMs / 1000);
    out();
    out('Baseline (trivialWorkflow: one no-op activity; worker: bench/trivial-worker.ts)');
    out(`  workflows completed: ${t.completed} of ${N}`);
    out(`  phase wall time: ${fmt(t.wallMs / 1000)} s`);
    out(`  workflow tasks completed: ${tTasks}`);
    out(`  workflow tasks per second: ${fmt(tRate)}`);
    out(`  workflows completed per second: ${fmt(t.completed / (t.wallMs / 1000), 2)}`);
    out(`  history events per second: ${fmt(t.totalEvents / (t.wallMs / 1000))}`);
    out(`  history events per workflow: ${minMedMax(t.eventsPerWorkflow)}`);
    out(`  worker peak RSS (VmHWM, pid ${baseline.pid}): ${mib(t.worker.hwmKb)}`);
    out(`  worker peak RSS sampled during the phase: ${mib(t.worker.peakSampledKb)} (at the end ${mib(t.worker.rssKb)})`);
    out(`  workflow task failures or timeouts: ${t.workflowTaskProblems}`);
    out(`  CPU seconds in the phase: ${cpuLine(t)}`);
    out();
    out('Ratios (batch journey / baseline)');
    out(`  workflow tasks per second: ${fmt(bRate / tRate, 2)}`);
    out(`  history events per second: ${fmt(b.totalEvents / b.wallMs / (t.totalEvents / t.wallMs), 2)}`);
    out(`  worker peak RSS (VmHWM): ${b.worker.hwmKb && t.worker.hwmKb ? fmt(b.worker.hwmKb / t.worker.hwmKb, 2) : 'n/a'}`);
    out(`  worker peak RSS sampled during the phase: ${t.worker.peakSampledKb ? fmt(b.worker.peakSampledKb / t.worker.peakSampledKb, 2) : 'n/a'}`);
    out(`  history events per workflow (medians): ${fmt(percentile(sortNum(b.eventsPerWorkflow), 50) / percentile(sortNum(t.eventsPerWorkflow), 50), 1)}`);
  }
  out();
  out(`total bench time: ${fmt((Date.now() - benchStarted) / 1000)} s`);
}
