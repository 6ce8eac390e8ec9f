import type { Admin } from 'kafkajs';
import type pg from 'pg';
import type { PgRow } from '../db/pg-row.js';
import type { consumerOffsets } from '../db/schema/index.js';

/** One partition of the readings topic as the broker held it: its first offset and its end (the next offset to be written). */
export type PartitionEnds = Pick<Awaited<ReturnType<Admin['fetchTopicOffsets']>>[number], 'partition' | 'low' | 'high'>;

/** Next offset to apply, by partition, as ingest stored it with the readings; a partition never applied is absent. */
export type AppliedOffsets = ReadonlyMap<number, string>;

/**
 * True when PostgreSQL holds the effect of every message the broker held: each partition applied to
 * that end. Messages below the low watermark are gone from the broker, so they cannot be waited for.
 */
export function allApplied(ends: readonly PartitionEnds[], applied: AppliedOffsets): boolean {
  return ends.every((p) => {
    const low = BigInt(p.low);
    const done = BigInt(applied.get(p.partition) ?? p.low);
    return BigInt(p.high) <= (done > low ? done : low);
  });
}

/** Snapshots kept while ingest is behind: at one a second, ten minutes. Beyond that the oldest go, so the watermark moves later, never sooner. */
const KEPT_SNAPSHOTS = 600;

/**
 * The instant up to which everything published has been heard: the newest moment at which the
 * broker's ends, seen then, have all been applied since. Under steady load ingest is always a chunk
 * behind the broker's ends, so the ends of a moment ago are compared, not today's.
 */
export function heardThroughWatermark() {
  const snapshots: { at: number; ends: readonly PartitionEnds[] }[] = [];
  let through: number | undefined;
  return {
    /** The broker's ends as seen at `at` (asked before the applied offsets are read). */
    seen(at: number, ends: readonly PartitionEnds[]): void {
      snapshots.push({ at, ends });
      if (snapshots.length > KEPT_SNAPSHOTS) snapshots.shift();
    },
    /** Moves the watermark to the newest snapshot these offsets cover; undefined until one is covered. */
    applied(offsets: AppliedOffsets): number | undefined {
      // Applied offsets only grow: if a snapshot is covered, so is every older one.
      for (let i = snapshots.length - 1; i >= 0; i--) {
        if (!allApplied(snapshots[i]!.ends, offsets)) continue;
        through = snapshots[i]!.at;
        snapshots.splice(0, i + 1);
        break;
      }
      return through;
    },
    last: () => through,
  };
}

/**
 * Silence is only a device's when ingest has heard everything published meanwhile. Ingest that stalls
 * (a checkpoint, PostgreSQL or a consumer restarting) leaves readings waiting on the broker, and
 * judging silence by the wall clock then opens gaps on every device at once, each withdrawn a moment
 * later: a storm of signals at the moment the system is slowest. So gaps are judged up to this
 * watermark, one for the whole topic (a gateway may spread one device's readings over partitions).
 *
 * Each look asks the broker for the partitions' ends first and PostgreSQL second: what the broker
 * held at `at` was published before `at`, so once it is applied, everything sent before `at` has
 * been heard. PostgreSQL's stored offsets are the truth (src/ingest/apply-chunk.ts), not the group's
 * Kafka commits, which follow them. Each ingest process looks for itself; their answers agree.
 */
export function heardThroughClock(options: { admin: Admin; pool: pg.Pool; topic: string; groupId: string }) {
  const { admin, pool, topic, groupId } = options;
  const watermark = heardThroughWatermark();
  return {
    /** The watermark as last moved, undefined until ingest has once caught up with a look. */
    last: watermark.last,
    /** Looks again; throws when the broker or PostgreSQL does not answer, leaving the watermark where it was. */
    async observe(): Promise<number | undefined> {
      const at = Date.now();
      watermark.seen(at, await admin.fetchTopicOffsets(topic));
      const { rows } = await pool.query<Pick<PgRow<typeof consumerOffsets>, 'partition' | 'next_offset'>>(
        'select partition, next_offset from consumer_offsets where group_id = $1 and topic = $2',
        [groupId, topic],
      );
      return watermark.applied(new Map(rows.map((r) => [r.partition, String(r.next_offset)])));
    },
  };
}

export type HeardThroughClock = ReturnType<typeof heardThroughClock>;
