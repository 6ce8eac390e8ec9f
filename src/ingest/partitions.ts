import type pg from 'pg';
import { repeatEvery } from './repeat-every.js';

/**
 * Monthly partitions of sensor_readings, created the first time a month is seen (a backfill of a
 * month no partition was made ahead for, see startPartitionMaintenance). Outside the chunk's
 * transaction (DDL takes a lock on the parent table), so the chunk must call this before it reads
 * or writes sensor_readings: the DDL would wait for the chunk's own lock while the chunk waits for
 * it (see applyMessages). A month whose rows already sit in the default partition cannot get its
 * own partition (PostgreSQL refuses); its readings stay in the default one, which is correct, only
 * less tidy, and is remembered so the attempt is not repeated.
 */
export function monthlyPartitions(pool: pg.Pool, log: (msg: string, fields?: object) => void): (months: string[]) => Promise<void> {
  const settled = new Set<string>();
  return async (months) => {
    for (const month of months) {
      if (settled.has(month)) continue;
      try {
        await pool.query('select v2v_ensure_readings_partition($1::date)', [`${month}-01`]);
      } catch (err) {
        // Only PostgreSQL's own refusal settles the month; a lost connection is retried next time.
        if (!(err instanceof Error && 'severity' in err)) throw err;
        log('readings: month stays in the default partition', { month, error: err.message });
      }
      settled.add(month);
    }
  };
}

export interface PartitionRule {
  monthsAhead: number;
  retentionMonths: number;
}

/**
 * Makes the next months' partitions and detaches those past retention (the rule is in
 * drizzle/0028_readings_partitions_ahead.sql). Returns what it did, one entry per partition.
 */
export async function maintainPartitions(pool: pg.Pool, rule: PartitionRule, today?: string): Promise<{ action: string; partition: string }[]> {
  const { rows } = await pool.query<{ action: string; partition_name: string }>(
    'select action, partition_name from v2v_maintain_readings_partitions($1, $2, coalesce($3::date, current_date))',
    [rule.monthsAhead, rule.retentionMonths, today ?? null],
  );
  return rows.map((r) => ({ action: r.action, partition: r.partition_name }));
}

/**
 * Partition maintenance in the ingest process: once before consuming, then every hour. Every
 * ingest process runs it; the function takes an advisory lock, so they take turns. A failure (a lock
 * not granted within 2 s, PostgreSQL away) is logged and retried at the next run.
 */
export async function startPartitionMaintenance(options: { pool: pg.Pool; rule: PartitionRule; log: (level: 'info' | 'warn', msg: string, fields?: object) => void; intervalMs?: number }) {
  const { pool, rule, log } = options;
  const run = async () => {
    try {
      const done = await maintainPartitions(pool, rule);
      if (done.length > 0) log('info', 'readings: partitions maintained', { done, ...rule });
    } catch (err) {
      log('warn', 'readings: partition maintenance failed; retried at the next run', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  await run();
  return repeatEvery(options.intervalMs ?? 3_600_000, run);
}
