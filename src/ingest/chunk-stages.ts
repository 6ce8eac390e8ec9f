/**
 * Where a chunk's wall time goes (`v2v_ingest_chunk_stage_seconds_total`), PostgreSQL's share and
 * the wait for the event loop included: a profile of the ingest process alone shows neither.
 *
 * - begin: a pool connection, BEGIN and the partition's offset lock
 * - decode: JSON and the contract, per message
 * - devices: the devices' registrations, and their months' partitions made if new
 * - reused: the lookup of eventIds stored with another event time, and the rows built
 * - insert: the readings' insert with its conflict check
 * - engine: the excursion engine's states locked, applied, saved, with excursions and signals
 * - dead_letters: sent to the broker before anything commits
 * - offsets: the partition's next offset stored
 * - commit
 */
export const CHUNK_STAGES = ['begin', 'decode', 'devices', 'reused', 'insert', 'engine', 'dead_letters', 'offsets', 'commit'] as const;
export type ChunkStage = (typeof CHUNK_STAGES)[number];
export type StageMs = Record<ChunkStage, number>;

/** Laps of one chunk: each call charges the time since the previous one to a stage. */
export function stageClock(): { ms: StageMs; lap(stage: ChunkStage): void } {
  const ms = Object.fromEntries(CHUNK_STAGES.map((s) => [s, 0])) as StageMs;
  let last = performance.now();
  return {
    ms,
    lap(stage) {
      const now = performance.now();
      ms[stage] += now - last;
      last = now;
    },
  };
}
