import type pg from 'pg';
import type { LiveObserver } from '../../src/live/patient.js';
import type { AwaitingStep } from '../../src/live/v2v-api.js';
import { isEndState } from '../../src/domain/transitions.js';
import type { Stage } from '../../src/domain/stages.js';

/** What one fault (or the run) is charged with; every figure must be zero. */
export interface Damage {
  readingsLost: number;
  readingsDoubled: number;
  custodyLost: number;
  custodyDoubled: number;
  bookingsLost: number;
  bookingsDoubled: number;
  batchesStuck: number;
}

export const NO_DAMAGE: Damage = { readingsLost: 0, readingsDoubled: 0, custodyLost: 0, custodyDoubled: 0, bookingsLost: 0, bookingsDoubled: 0, batchesStuck: 0 };

interface Acknowledged {
  at: number;
  batchId: string;
}

/**
 * The books of a run, kept from the clients' side: every batch enrolled, every hand-off and booking
 * V2V acknowledged (2xx), each with when. Afterwards they are checked against what PostgreSQL holds,
 * and each discrepancy is charged to the fault window in which the acknowledgement came.
 */
export class Ledger implements LiveObserver {
  readonly batches = new Map<string, number>();
  readonly handoffs = new Map<string, Acknowledged[]>();
  readonly bookings: Acknowledged[] = [];

  enrolled(batchId: string): void {
    this.batches.set(batchId, Date.now());
  }

  answered(batchId: string, awaiting: AwaitingStep): void {
    const entry = { at: Date.now(), batchId };
    if (awaiting.kind === 'handoff') this.handoffs.set(`${batchId} ${awaiting.step}`, [...(this.handoffs.get(`${batchId} ${awaiting.step}`) ?? []), entry]);
    if (awaiting.kind === 'infusion-booking') this.bookings.push(entry);
  }

  /**
   * The batches' damage, each item dated, so the caller can charge it to a fault window:
   * - a hand-off acknowledged more often than it is recorded is lost; the same hand-off recorded twice
   *   in a row is a double;
   * - a booking acknowledged with no booking row is lost; two active bookings of one batch (a chair or
   *   a collection slot) are a double;
   * - a batch not in an end state when the run is over is stuck.
   */
  async audit(db: pg.Pool): Promise<{ kind: keyof Damage; at: number; what: string }[]> {
    const ids = [...this.batches.keys()];
    const found: { kind: keyof Damage; at: number; what: string }[] = [];
    const { rows: custody } = await db.query<{ batch_id: string; step: string; seq: number }>(
      `select batch_id, step, seq from custody_events where kind = 'handoff' and batch_id = any($1) order by batch_id, seq`,
      [ids],
    );
    const stored = new Map<string, number>();
    for (const [i, r] of custody.entries()) {
      const key = `${r.batch_id} ${r.step}`;
      stored.set(key, (stored.get(key) ?? 0) + 1);
      // A step repeats legitimately only after something else happened (a new attempt, a new shipment):
      // the same hand-off twice in a row is one scan recorded twice.
      const before = custody[i - 1];
      if (before?.batch_id === r.batch_id && before.step === r.step) {
        found.push({ kind: 'custodyDoubled', at: this.handoffs.get(key)?.at(-1)?.at ?? 0, what: `${key}: recorded twice in a row (seq ${before.seq}, ${r.seq})` });
      }
    }
    for (const [key, acks] of this.handoffs) {
      const n = stored.get(key) ?? 0;
      if (n < acks.length) found.push({ kind: 'custodyLost', at: acks.at(-1)!.at, what: `${key}: ${acks.length} acknowledged, ${n} recorded` });
    }
    const { rows: stages } = await db.query<{ id: string; stage: Stage }>('select id, stage from batches where id = any($1)', [ids]);
    const { rows: chairs } = await db.query<{ batch_id: string; all: number; active: number }>(
      `select batch_id, count(*)::int "all", count(*) filter (where state = 'active')::int active from infusion_bookings where batch_id = any($1) group by 1`,
      [ids],
    );
    const chairRows = new Map(chairs.map((c) => [c.batch_id, c]));
    for (const booking of this.bookings) {
      if (!chairRows.get(booking.batchId)?.all) found.push({ kind: 'bookingsLost', at: booking.at, what: `${booking.batchId}: infusion booking acknowledged, none stored` });
    }
    for (const c of chairs) if (c.active > 1) found.push({ kind: 'bookingsDoubled', at: this.lastBooking(c.batch_id), what: `${c.batch_id}: ${c.active} active infusion bookings` });
    const { rows: slots } = await db.query<{ batch_id: string; active: number }>(
      `select batch_id, count(*)::int active from collection_bookings where state = 'active' and batch_id = any($1) group by 1 having count(*) > 1`,
      [ids],
    );
    for (const s of slots) found.push({ kind: 'bookingsDoubled', at: this.batches.get(s.batch_id) ?? 0, what: `${s.batch_id}: ${s.active} active collection bookings` });
    for (const s of stages) if (!isEndState(s.stage)) found.push({ kind: 'batchesStuck', at: this.lastSeen(s.id), what: `${s.id} still ${s.stage}` });
    const missing = ids.filter((id) => !stages.some((s) => s.id === id));
    for (const id of missing) found.push({ kind: 'batchesStuck', at: this.batches.get(id)!, what: `${id} enrolled but not in the batches table` });
    return found;
  }

  private lastBooking(batchId: string): number {
    return this.bookings.filter((b) => b.batchId === batchId).at(-1)?.at ?? this.batches.get(batchId) ?? 0;
  }

  /** When the batch last moved by a partner's hand: a stuck batch is charged to the window it stopped in. */
  private lastSeen(batchId: string): number {
    const times = [...this.handoffs.values()].flat().filter((a) => a.batchId === batchId).map((a) => a.at);
    return Math.max(this.batches.get(batchId) ?? 0, ...times);
  }
}
