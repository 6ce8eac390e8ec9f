import { log, setHandler, uuid4 } from '@temporalio/workflow';
import type { JourneyCommand } from '../src/domain/batch/index.js';
import type { CancelBookingCommand } from '../src/domain/commands.js';
import type { BatchRun } from './batch-run.js';
import { nowIso } from './clock.js';
import {
  assessmentUpdate,
  bookingUpdate,
  cancelBookingByUpdate,
  cancelUpdate,
  chainAllocatedSignal,
  chainMovedSignal,
  equipmentRiskSignal,
  excursionSignal,
  handoffUpdate,
  legOverdueSignal,
  milestoneNewsQuery,
  milestoneSignal,
  qaDispositionUpdate,
  statusQuery,
} from './messages.js';

/**
 * What people, partners and ingest ask of a batch. An update's validator asks the decider first,
 * so a refused command leaves no trace in history; its handler decides again on the state of that
 * moment and applies. Signals are facts: never refused, only recorded.
 */
export function registerBatchHandlers(run: BatchRun) {
  setHandler(statusQuery, () => run.status());
  setHandler(milestoneNewsQuery, (milestone) => run.wouldRecord({ type: 'milestone', milestone, at: nowIso() }));
  const at = nowIso;
  const stage = () => ({ stage: run.state.stage });

  // A validator may not draw random ids; the id of a leg the scan would start does not matter to it.
  const scan = (s: Parameters<typeof run.check>[0] & { type: 'scan' }) => s;
  setHandler(handoffUpdate, async (command) => (await run.dispatch(scan({ type: 'scan', scan: command, shipmentId: uuid4(), at: at() })), stage()), {
    validator: (command) => run.check({ type: 'scan', scan: command, shipmentId: 'validation', at: at() }),
  });

  setHandler(qaDispositionUpdate, async (decision) => (await run.dispatch({ type: 'qa-disposition', decision, at: at() }), stage()), {
    validator: (decision) => run.check({ type: 'qa-disposition', decision, at: at() }),
  });

  setHandler(assessmentUpdate, async (assessment) => (await run.dispatch({ type: 'assess', assessment, at: at() }), stage()), {
    validator: (assessment) => run.check({ type: 'assess', assessment, at: at() }),
  });

  setHandler(
    bookingUpdate,
    async (request) => {
      await run.dispatch({ type: 'book', request, at: at() });
      return run.state.booking!;
    },
    { validator: (request) => run.check({ type: 'book', request, at: at() }) },
  );

  // Who cancels is optional (older callers and histories send nothing).
  const cancelBooking = (request?: CancelBookingCommand): JourneyCommand => ({ type: 'cancel-booking', ...(request?.actor ? { actor: request.actor } : {}), at: at() });
  setHandler(cancelBookingByUpdate, async (request) => (await run.dispatch(cancelBooking(request)), stage()), {
    validator: (request) => run.check(cancelBooking(request)),
  });

  setHandler(cancelUpdate, async (command) => (await run.dispatch({ type: 'cancel', command, at: at() }), stage()), {
    validator: (command) => run.check({ type: 'cancel', command, at: at() }),
  });

  const fact = (command: JourneyCommand) =>
    run.dispatch(command).catch((err: unknown) => log.warn('signal not recorded', { type: command.type, error: String(err) }));
  setHandler(milestoneSignal, (milestone) => fact({ type: 'milestone', milestone, at: at() }));
  setHandler(excursionSignal, (change) => fact({ type: 'excursion', change, at: at() }));
  setHandler(legOverdueSignal, ({ shipmentId, leg, at: when }) => fact({ type: 'leg-overdue', shipmentId, leg, at: when }));
  setHandler(equipmentRiskSignal, (risk) => fact({ type: 'equipment-risk', risk, at: at() }));
  setHandler(chainAllocatedSignal, (chain) => fact({ type: 'chain-allocated', chain, at: at() }));
  setHandler(chainMovedSignal, (move) => fact({ type: 'chain-moved', move, at: at() }));
}
