import { READINGS } from './parameters.js';
import { metricValue } from './throughput.js';
import type { LatencyResult } from './latency.js';

interface Throughput {
  noop: { seconds: number };
  ingest: { seconds: number; peakRssMiB: number; metrics: string };
  naive: { rows: number; seconds: number };
  copy: { seconds: number };
}

const rate = (n: number, s: number) => Math.round(n / s);
const fmt = (n: number) => n.toLocaleString('en-US');

/** The figures as a Markdown table, with the ratios the issue asks for. */
export function writeReport({ throughput, latency }: { throughput?: Throughput; latency?: LatencyResult }): string {
  const lines = throughput ? throughputLines(throughput) : [];
  if (latency) {
    lines.push(
      '',
      `excursion latency (out-of-range reading produced → visible in the batch's status query), ${latency.samples.length} excursions over ${latency.batches} batches,`,
      `background load ${fmt(latency.loadPerSecond)} readings/s: p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; ingest peak RSS ${latency.peakRssMiB} MiB`,
      ...latency.legs.map((leg) => `  ${leg.name}: p50 ${leg.p50} ms, p99 ${leg.p99} ms`),
    );
  }
  return lines.join('\n');
}

function throughputLines({ noop, ingest, naive, copy }: Throughput): string[] {
  const a = rate(READINGS, ingest.seconds);
  const b = rate(naive.rows, naive.seconds);
  const c1 = rate(READINGS, noop.seconds);
  const c2 = rate(READINGS, copy.seconds);
  const lines = [
    `| | readings/s | over |`,
    `|---|---|---|`,
    `| (a) V2V ingest: consumed, stored, evaluated, offsets committed | ${fmt(a)} | ${fmt(READINGS)} readings in ${ingest.seconds.toFixed(1)} s |`,
    `| (b) naive: eachMessage, one INSERT per reading | ${fmt(b)} | ${fmt(naive.rows)} readings in ${naive.seconds.toFixed(1)} s |`,
    `| (c1) limit: kafkajs consumer doing nothing | ${fmt(c1)} | ${fmt(READINGS)} in ${noop.seconds.toFixed(1)} s |`,
    `| (c2) limit: PostgreSQL COPY of the same rows, six streams | ${fmt(c2)} | ${fmt(READINGS)} in ${copy.seconds.toFixed(1)} s |`,
    '',
    `a/b = ${(a / b).toFixed(1)}   a/min(c) = ${(a / Math.min(c1, c2)).toFixed(2)}   ingest peak RSS ${ingest.peakRssMiB} MiB`,
    `ingest chunk time by stage (wall, summed over concurrent partitions): ${stageSplit(ingest.metrics)}`,
    `ingest counters: stored ${fmt(metricValue(ingest.metrics, 'v2v_ingest_readings_total'))}, episode changes ${fmt(metricValue(ingest.metrics, 'v2v_ingest_episode_changes_total'))}, dead letters ${fmt(metricValue(ingest.metrics, 'v2v_ingest_dead_letters_total'))}, transient failures ${fmt(metricValue(ingest.metrics, 'v2v_ingest_transient_failures_total'))}`,
  ];
  return lines;
}

/** The chunk-stage counter as shares of its total, e.g. `insert 41 %, engine 22 %, …`. */
function stageSplit(metrics: string): string {
  const stages = [...metrics.matchAll(/^v2v_ingest_chunk_stage_seconds_total\{stage="(\w+)"\} (\S+)$/gm)].map(([, stage, s]) => ({ stage: stage!, s: Number(s) }));
  const total = stages.reduce((sum, x) => sum + x.s, 0);
  return stages.map((x) => `${x.stage} ${Math.round((100 * x.s) / total)} %`).join(', ') + ` (${total.toFixed(1)} s)`;
}
