import { sleep } from '../../src/stack/daemon.js';
import { daemons, type ReliabilityStack } from './stack.js';

/** What a fault may wait for before it strikes, so it lands where the issue says (mid-journey, during bookings). */
export interface FaultMoment {
  /** Batches enrolled and not yet ended. */
  inFlight(): number;
  /** Resolves at the next infusion booking V2V acknowledges. */
  nextBooking(): Promise<void>;
}

export interface Fault {
  id: string;
  /** What is done, as the report's first column says it. */
  title: string;
  /** What the load was doing when it struck. */
  when: string;
  /** Waits for its moment, strikes, and returns what puts things back (a supervisor's restart, a broker's return). */
  strike(stack: ReliabilityStack, moment: FaultMoment): Promise<() => Promise<void>>;
}

/** How long a killed process stays down before its supervisor starts it again: long enough that its twin must carry the load. */
const RESTART_AFTER_MS = 10_000;
/** ingest's consumer session timeout (src/ingest/consumer.ts) and then some: the group must have given the paused member's partitions away. */
const PAST_SESSION_TIMEOUT_MS = 15_000 + 10_000;

const until = async (what: () => boolean, timeoutMs = 120_000) => {
  const giveUp = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > giveUp) return;
    await sleep(200);
  }
};

const killed = (name: string) => async (stack: ReliabilityStack) => {
  await stack.kill(name);
  return async () => {
    await sleep(RESTART_AFTER_MS);
    await stack.restore();
  };
};

export const FAULTS: Fault[] = [
  {
    id: 'worker-kill',
    title: 'SIGKILL worker-1',
    when: 'mid-journey (≥ 3 batches in flight)',
    async strike(stack, moment) {
      await until(() => moment.inFlight() >= 3);
      return killed(daemons.worker(1))(stack);
    },
  },
  {
    id: 'consumer-kill',
    title: 'SIGKILL ingest-1',
    when: 'mid-chunk (readings flowing)',
    strike: (stack) => killed(daemons.ingest(1))(stack),
  },
  {
    id: 'api-kill',
    title: 'SIGKILL api-1',
    when: 'during bookings (at an acknowledged booking)',
    async strike(stack, moment) {
      await moment.nextBooking();
      return killed(daemons.api(1))(stack);
    },
  },
  {
    id: 'temporal-restart',
    title: 'restart the Temporal server',
    when: 'mid-journey',
    async strike(stack, moment) {
      await until(() => moment.inFlight() >= 3);
      await stack.stop('temporal');
      return () => stack.restore();
    },
  },
  {
    id: 'postgres-restart-ingest',
    title: 'restart PostgreSQL',
    when: 'during ingest',
    async strike(stack) {
      await stack.stop('postgres');
      return () => stack.restore();
    },
  },
  {
    id: 'postgres-restart-bookings',
    title: 'restart PostgreSQL',
    when: 'during bookings (at an acknowledged booking)',
    async strike(stack, moment) {
      await moment.nextBooking();
      await stack.stop('postgres');
      return () => stack.restore();
    },
  },
  {
    id: 'broker-kill',
    title: 'SIGKILL kafka-2, back after 20 s',
    when: 'during ingest and outbound publishing',
    async strike(stack) {
      await stack.kill(daemons.broker(2));
      return async () => {
        await sleep(20_000);
        await stack.restore();
      };
    },
  },
  {
    id: 'consumer-partition',
    title: `ingest-2 cut off for ${PAST_SESSION_TIMEOUT_MS / 1000} s (SIGSTOP, past its 15 s session)`,
    when: 'during ingest',
    async strike(stack) {
      stack.pause(daemons.ingest(2));
      return async () => {
        await sleep(PAST_SESSION_TIMEOUT_MS);
        stack.resume(daemons.ingest(2));
      };
    },
  },
];

/** The short form: one of each kind of process lost (a worker, a consumer, a broker). */
export const SHORT_FORM = ['worker-kill', 'consumer-kill', 'broker-kill'];

/**
 * CI's form (test/reliability/ci-form.int.test.ts): a worker mid-journey and a broker under ingest
 * and outbound publishing, the two that found bugs; the consumer kill stays in the short form, and
 * test/ingest/exactly-once.int.test.ts kills consumers mid-chunk in CI.
 */
export const CI_FORM = ['worker-kill', 'broker-kill'];

/** The soak's faults: a worker or a consumer, picked at random, SIGKILLed and restarted. */
export function randomKill(random: () => number): Fault {
  const kind = random() < 0.5 ? 'worker' : 'ingest';
  const n = random() < 0.5 ? 1 : 2;
  return {
    id: `${kind}-${n}-kill`,
    title: `SIGKILL ${kind}-${n}`,
    when: 'soak, at a random moment',
    strike: (stack) => killed(daemons[kind](n))(stack),
  };
}
