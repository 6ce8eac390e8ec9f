import type { HandoffStep, Milestone } from '../../../domain/commands.js';
import { iso } from '../../../domain/instant.js';
import type { Leg } from '../../../domain/stages.js';
import type { BatchAgent } from '../batch-agent.js';

/** The people who scan and sign in the twin: roles, not persons. */
export const ACTORS = {
  collection: { name: 'A. Nurse', role: 'apheresis nurse' },
  'outbound-pickup': { name: 'C. Courier', role: 'courier' },
  'facility-receipt': { name: 'R. Receiving', role: 'facility receiving' },
  'return-pickup': { name: 'C. Courier', role: 'courier' },
  'site-receipt': { name: 'P. Pharmacist', role: 'cell therapy pharmacist' },
  infusion: { name: 'I. Nurse', role: 'infusion nurse' },
  qa: { name: 'Q. Person', role: 'qualified person' },
  physician: { name: 'T. Physician', role: 'treating physician' },
} as const;

/** The shipment id a leg takes: one per leg and attempt. */
export const shipmentIdOf = (agent: BatchAgent, leg: Leg) => `${agent.input.batchId}:${leg}:${agent.attempt}`;

/** A custody scan with the batch's own COI id and this attempt's DIN, as the partner at `siteId` makes it. */
export function scan(agent: BatchAgent, step: HandoffStep, siteId: string, din = agent.state.din!) {
  const leg = step === 'outbound-pickup' || step === 'facility-receipt' ? 'outbound' : 'return';
  return agent.send({
    type: 'scan',
    scan: { step, coiId: agent.input.coiId, din, actor: ACTORS[step], location: siteId },
    at: iso(agent.now),
    shipmentId: shipmentIdOf(agent, leg),
  });
}

export function milestone(agent: BatchAgent, name: Milestone, source: string, data?: Record<string, unknown>) {
  const at = iso(agent.now);
  return agent.send({ type: 'milestone', milestone: { milestone: name, at, source, ...(data ? { data } : {}) }, at });
}

/** Why a patient is not infused when no second collection followed a failure (the other reasons are clinical). */
export const NO_RECOLLECTION = 'manufacturing failed; no second collection';

/** The patient does not proceed: the treating physician withdraws the batch. */
export function withdraw(agent: BatchAgent, reason: string) {
  agent.attributes.notInfusedReason = reason;
  return agent.send({ type: 'cancel', command: { reason, actor: ACTORS.physician }, at: iso(agent.now) });
}
