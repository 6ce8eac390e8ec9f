import type pg from 'pg';
import { cpuProfileArgs } from '../cpu-profile.js';
import { startIngestProcess, untilReady } from './ingest-process.js';
import { log } from '../workflows/log.js';
import { flags } from './parameters.js';

/**
 * (a) V2V's ingest, end to end: from the moment its consumer has joined the group to the moment
 * PostgreSQL's stored offsets (committed with the rows, the engine state and the excursions) cover
 * every message on the topic.
 */
export async function ingestPhase(pool: pg.Pool, topic: string, group: string, total: number) {
  const ingest = await startIngestProcess({ V2V_INGEST_TOPIC: topic, V2V_INGEST_GROUP: group }, cpuProfileArgs(flags.profile));
  try {
    await untilReady(ingest.opsUrl);
    const started = performance.now();
    let applied = 0;
    let lastLog = started;
    while (applied < total) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await pool.query<{ n: string | null }>('select sum(next_offset) as n from consumer_offsets where group_id = $1 and topic = $2', [group, topic]);
      applied = Number(rows[0]?.n ?? 0);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`ingest: ${applied} of ${total} messages applied`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const metrics = await (await fetch(`${ingest.opsUrl}/metrics`)).text();
    return { seconds, peakRssMiB: ingest.peakRssMiB(), metrics };
  } finally {
    await ingest.stop();
  }
}

/** One counter's value from Prometheus text (summed over its labels). */
export function metricValue(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
