import type { Awaiting } from '../../../domain/batch/index.js';
import type { BatchAgent, Next } from '../batch-agent.js';
import { collect, scheduleApheresis, scheduleRecollection } from './apheresis.js';
import { deliver, pickUp, pickUpReturn } from './courier.js';
import { completeQc, nextManufacturingStep, startManufacturing } from './manufacturing.js';
import { acceptConditionalRelease, assessIssue, disposeQa } from './quality.js';
import { bookInfusion, infuse } from './scheduler.js';

/** Who answers what the batch waits for: each partner of the vein-to-vein chain, as data. */
export function respond(agent: BatchAgent, next: NonNullable<Awaiting>, now: number): Next {
  switch (next.kind) {
    case 'handoff':
      switch (next.step) {
        case 'collection':
          return collect(agent, now);
        case 'outbound-pickup':
          return pickUp(agent, now);
        case 'facility-receipt':
          return deliver(agent, 'outbound', now);
        case 'return-pickup':
          return pickUpReturn(agent, now);
        case 'site-receipt':
          return deliver(agent, 'return', now);
        case 'infusion':
          return infuse(agent, now);
      }
      break;
    case 'milestone':
      switch (next.milestone) {
        case 'apheresis-scheduled':
          return scheduleApheresis(agent, now);
        case 'recollection-scheduled':
          return scheduleRecollection(agent, now);
        case 'manufacturing-started':
          return startManufacturing(agent);
        case 'qc-complete':
          return completeQc(agent, now);
        case 'physician-acceptance':
          return acceptConditionalRelease(agent, now);
        default:
          return nextManufacturingStep(agent, next.milestone, now);
      }
    case 'qa-disposition':
      return disposeQa(agent, now);
    case 'excursion-assessment':
      return assessIssue(agent, next.excursionId, now);
    case 'infusion-booking':
      return bookInfusion(agent, now);
    case 'timer':
      // The batch's own wait (the infusion day, a line to retry): the decider's deadline wakes it.
      return Date.parse(next.until);
    case 'chain':
      // A slot chain comes from the allocator (or the re-plan), not from a partner.
      return 'wait';
  }
}
