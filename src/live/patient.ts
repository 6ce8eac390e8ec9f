import { randomUUID } from 'node:crypto';
import type { Leg } from '../domain/stages.js';
import { batchClock, HANDOFFS, planClock } from '../domain/batch/index.js';
import type { ProductProfile } from '../domain/profile.js';
import type { LiveIdentities } from './identities.js';
import { expectOk, untilAnswered, type AwaitingStep, type BatchDetail } from './v2v-api.js';
import type { SensorGateway } from './gateway.js';
import { incidentFor, type Incident } from './incidents.js';
import type { LiveEvent } from './narration.js';
import type { Pace } from './pace.js';
import { answerUntilDone, batchPartners } from './partners.js';
import { PatientSensors } from './patient-sensors.js';
import { SlippingBooking } from './slipping-booking.js';
import { Random } from '../domain/random.js';

/** What every patient of a run shares: the API, the gateways, the reference data and the script. */
export interface LiveWorld {
  identities: LiveIdentities;
  gateway: SensorGateway;
  pace: Pace;
  seed: number;
  timeScale: number;
  /** V2V_CLOCK_ORIGIN (epoch ms): the compressed clock's shared calendar, in which chains are planned. */
  clockOriginMs?: number | undefined;
  sensorTimeScale: number;
  incidents: readonly Incident[];
  narrate: (event: LiveEvent) => void;
  timeoutMs: number;
  /** How often a partner reads a batch while nothing is due yet (100 ms unless given). */
  pollMs?: number;
  /** The run was interrupted (Ctrl-C): partners stop answering. */
  signal?: AbortSignal;
  /** Who keeps the books on the run (the reliability tests): each batch enrolled, each answer V2V accepted. */
  observer?: LiveObserver;
}

export interface LiveObserver {
  enrolled(batchId: string): void;
  answered(batchId: string, awaiting: AwaitingStep, detail: BatchDetail): void;
  /** The coordinator withdrew the batch: its product's infusion window had closed. */
  withdrawn?(batchId: string, detail: BatchDetail): void;
}

export interface PatientPlan {
  patient: number;
  productId: string;
  profile: ProductProfile;
  apheresisCenterId: string;
  treatmentCenterId: string;
  bioreactorId?: string;
}

export interface PatientOutcome {
  patient: number;
  productId: string;
  batchId: string;
  stage: BatchDetail['stage'];
  simulatedDays: number;
  custodyRecords: number;
  holds: number;
  /** Whether it waited on the waitlist for a slot chain. */
  waitlisted: boolean;
}

/**
 * One patient from enrolment to the end: enrolled with a pseudonymous reference that names the
 * run, never a person; partners answer at a seeded, realistic pace on the batch's clock; the
 * patient's sensors follow the batch; couriers pick up and deliver as the script says.
 */
export async function livePatient(world: LiveWorld, plan: PatientPlan): Promise<PatientOutcome> {
  const { pace, timeScale, narrate } = world;
  const { patient, productId, profile } = plan;
  const partners = batchPartners(world.identities, plan);
  // The apheresis centre's coordinator enrols the patient.
  // With an Idempotency-Key, so that an enrolment whose answer was lost (an API process restarting) is asked again and made once.
  const idempotencyKey = randomUUID();
  const { batchId, coiId } = expectOk(
    `patient ${patient}: enrolment`,
    await untilAnswered(() =>
      partners.reader.POST('/v1/batches', {
        params: { header: { 'idempotency-key': idempotencyKey } },
        body: { productId, apheresisCenterId: plan.apheresisCenterId, treatmentCenterId: plan.treatmentCenterId, patientRef: `live-${world.seed}-${patient}` },
      }),
    ),
  );
  narrate({ type: 'enrolled', patient, productId, batchId, coiId });
  world.observer?.enrolled(batchId);

  // Each patient's partners draw from their own stream, its sensors from another: patients run
  // concurrently, and neither who asks first nor how many readings were taken may change the pace.
  const random = Random.stream(world.seed, 'live-patient', patient);
  const clock = batchClock({ timeScale });
  const sensors = new PatientSensors({
    gatewayAdmin: world.identities.gatewayAdmin.api, observer: partners.reader, gateway: world.gateway, profile, patient, random: Random.stream(world.seed, 'live-sensors', patient), incidents: world.incidents, timeScale, sensorTimeScale: world.sensorTimeScale,
    ...(plan.bioreactorId ? { bioreactorId: plan.bioreactorId } : {}),
    onIncident: (incident, detail) => narrate({ type: 'incident', patient, productId, incident, detail }),
  });
  const atRisk = incidentFor(world.incidents, 'booking-at-risk', patient);
  const slipping = atRisk && new SlippingBooking({
    incident: atRisk, scheduler: partners.scheduler, profile, timeScale,
    onIncident: (detail) => narrate({ type: 'incident', patient, productId, incident: atRisk.kind, detail }),
  });
  const pickedUpAt = new Map<string, number>();
  const calendar = planClock(timeScale, world.clockOriginMs);
  /** The real instant of simulated noon on the chain's collection day (noon: inside that day in any zone within ±12 h). */
  const chainDayAt = (detail: BatchDetail) => {
    const day = detail.chain?.status === 'held' ? detail.chain.current?.collectionDay : undefined;
    return day && calendar ? calendar.realAt(Date.parse(`${day}T12:00:00Z`)) : undefined;
  };
  const seen = new SeenChanges(patient, productId, narrate);

  // A courier's arrival is decided at pickup: the transit time, or past the stability window when the script makes it late.
  const arrival = (leg: Leg, awaiting: AwaitingStep, detail: BatchDetail) => {
    const from = pickedUpAt.get(leg) ?? Date.now();
    const late = detail.attempt === 1 ? incidentFor(world.incidents, 'late-courier', patient, leg) : undefined;
    if (late) narrate({ type: 'incident', patient, productId, incident: late.kind, detail: `${leg} courier arrives ${late.lateHours} h after the ${profile.legs[leg].stabilityHours} h stability window` });
    return from + (late ? clock.hours(profile.legs[leg].stabilityHours + late.lateHours) : pace.days(profile, awaiting, random) * clock.dayMs);
  };

  const done = await answerUntilDone(partners, batchId, coiId, {
    timeoutMs: world.timeoutMs,
    ...(world.pollMs ? { pollMs: world.pollMs } : {}),
    // Waiting for capacity or a collection day lasts simulated days: a read every half simulated day, at most every 2 s.
    waitingPollMs: Math.min(clock.hours(12), 2_000),
    ...(world.signal ? { signal: world.signal } : {}),
    answerAt: (awaiting, detail) => {
      const leg = awaiting.kind === 'handoff' ? HANDOFFS[awaiting.step].leg : undefined;
      if (leg?.action === 'deliver') return arrival(leg.leg, awaiting, detail);
      // A booking's window is computed for now; the scheduler books at once rather than let it slide.
      if (awaiting.kind === 'infusion-booking') return Date.now();
      const paced = Date.now() + pace.days(profile, awaiting, random) * clock.dayMs;
      // The apheresis centre collects on the chain's day, not before it.
      if (awaiting.kind === 'handoff' && awaiting.step === 'collection') return Math.max(paced, chainDayAt(detail) ?? 0);
      // The scripted slip: the booking was made just before, on the same read (onStatus runs first).
      return slipping && detail.attempt === 1 && awaiting.kind === 'handoff' && awaiting.step === 'return-pickup' ? slipping.pickupAt(paced) : paced;
    },
    mayAnswer: (awaiting, detail) => {
      const leg = awaiting.kind === 'handoff' ? HANDOFFS[awaiting.step].leg : undefined;
      return leg?.action === 'deliver' ? sensors.receiverMaySign(leg.leg, detail) : true;
    },
    onStatus: async (detail) => {
      seen.note(detail);
      await sensors.follow(detail);
      await slipping?.follow(detail);
    },
    milestoneData: (milestone) => (milestone === 'manufacturing-started' && plan.bioreactorId ? { equipmentId: plan.bioreactorId } : undefined),
    onWithdrawn: (detail) => world.observer?.withdrawn?.(batchId, detail),
    onAnswered: (awaiting, detail) => {
      world.observer?.answered(batchId, awaiting, detail);
      const leg = awaiting.kind === 'handoff' ? HANDOFFS[awaiting.step].leg : undefined;
      if (leg?.action === 'start') pickedUpAt.set(leg.leg, Date.now());
    },
  });
  seen.note(done);
  const simulatedDays = (Date.parse(done.timeline.at(-1)!.at) - Date.parse(done.timeline[0]!.at)) / clock.dayMs;
  const outcome = { patient, productId, batchId, stage: done.stage, simulatedDays, custodyRecords: done.custody.length, holds: seen.holds, waitlisted: seen.waitlisted };
  narrate({ type: 'finished', ...outcome });
  return outcome;
}

/** Tells the narration what changed between two reads of a batch: its stage, a hold, an assessment. */
class SeenChanges {
  private stage = '';
  private readonly issues = new Map<string, boolean>();
  private chain = '';
  holds = 0;
  waitlisted = false;

  constructor(
    private readonly patient: number,
    private readonly productId: string,
    private readonly narrate: (event: LiveEvent) => void,
  ) {}

  note(detail: BatchDetail): void {
    const { patient, productId } = this;
    // Issues first: a hold is told before the ON_HOLD it causes, an assessment before the resumption.
    for (const issue of detail.issues.filter((i) => i.blocking)) {
      if (!this.issues.has(issue.id)) {
        this.holds++;
        this.narrate({ type: 'held', patient, productId, kind: issue.kind, reason: issue.reason, issueId: issue.id });
      }
      if (issue.assessment && !this.issues.get(issue.id)) {
        this.narrate({ type: 'assessed', patient, productId, issueId: issue.id, impact: issue.assessment.impact, signer: issue.assessment.signer.name });
      }
      this.issues.set(issue.id, issue.assessment !== undefined);
    }
    const chain = detail.chain?.status === 'held' ? `chain:${detail.chain.current?.collectionDay}` : detail.chain?.status === 'waitlisted' ? 'waitlisted' : '';
    if (chain !== this.chain) {
      this.chain = chain;
      if (detail.chain?.status === 'waitlisted') {
        this.waitlisted = true;
        this.narrate({ type: 'waitlisted', patient, productId });
      } else if (chain) {
        const { collectionDay, facilityId } = detail.chain!.current!;
        this.narrate({ type: 'chain', patient, productId, collectionDay, facilityId, fromWaitlist: this.waitlisted });
      }
    }
    if (detail.stage !== this.stage) {
      this.stage = detail.stage;
      this.narrate({ type: 'stage', patient, productId, stage: detail.stage, ...(detail.forecast ? { forecast: detail.forecast } : {}) });
    }
  }
}
