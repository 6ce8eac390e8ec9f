import type pg from 'pg';

/**
 * Monthly partitions of sensor_readings, created the first time a month is seen. Outside the
 * chunk's transaction (DDL takes a lock on the parent table). A month whose rows already sit in the
 * default partition cannot get its own partition (PostgreSQL refuses); its readings stay in the
 * default one, which is correct, only less tidy, and is remembered so the attempt is not repeated.
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
