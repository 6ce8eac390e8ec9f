import type { Kafka } from 'kafkajs';
import { batchClock } from '../domain/batch/index.js';
import { productProfileSchema } from '../domain/profile.js';
import type { V2vApiClient } from '../api/client/index.js';
import type { LiveIdentities } from './identities.js';
import { expectOk } from './v2v-api.js';
import { SensorGateway } from './gateway.js';
import { checkIncidents, type Incident } from './incidents.js';
import type { LiveEvent } from './narration.js';
import { profilePace, type Pace } from './pace.js';
import { livePatient, type LiveObserver, type PatientOutcome, type PatientPlan } from './patient.js';
import { Random } from '../domain/random.js';

export interface LiveRunOptions {
  /** Who acts, each with a token for V2V's HTTP API (`mintLiveIdentities`). */
  identities: LiveIdentities;
  /** The Kafka cluster and readings topic that `v2v ingest` consumes. */
  kafka: Kafka;
  topic: string;
  patients: number;
  seed: number;
  /** The batches' clock: it must be the API's V2V_TIME_SCALE, which enrolment gives each batch. */
  timeScale: number;
  /** V2V_CLOCK_ORIGIN (epoch ms), when the API plans chains on the compressed clock. */
  clockOriginMs?: number | undefined;
  /** The clock `v2v ingest` judges readings on (its V2V_TIME_SCALE): how long out of range is too long. */
  sensorTimeScale: number;
  incidents?: Incident[];
  /** Products to enrol into, in turn; every product the API lists by default. */
  products?: readonly string[];
  /** Apheresis and treatment centres to enrol at (in turn); every one the API lists by default. */
  sites?: readonly string[];
  /** Bioreactors at the facility (equipment ids V2V knows); patients take them in turn. */
  bioreactors?: readonly string[];
  pace?: Pace;
  narrate?: (event: LiveEvent) => void;
  /** Mean time between enrolments, in days of the batches' clock (a Poisson process). */
  arrivalDays?: number;
  /** Real milliseconds between two readings of a sensor. */
  tickMs?: number;
  /** V2V_GATEWAY_KEY_SECRET, when ingest checks that a device's gateway signed its readings. */
  gatewaySecret?: string | undefined;
  /** Real milliseconds one patient may take from enrolment to the end. */
  timeoutMs?: number;
  /** How often a partner reads its batch while nothing is due: more patients on a small machine want it slower. */
  pollMs?: number;
  /** Interrupts the run: no more enrolments, partners stop answering, and runLive rejects with the reason. */
  signal?: AbortSignal;
  observer?: LiveObserver;
}

export interface LiveRun {
  outcomes: PatientOutcome[];
  readingsPublished: number;
}

/**
 * Live mode: patients enrolled one after another into the real V2V, their partners answering
 * through the HTTP API and their sensors publishing to Kafka, until every batch has ended.
 */
export async function runLive(options: LiveRunOptions): Promise<LiveRun> {
  const { patients, seed, timeScale, incidents = [] } = options;
  checkIncidents(incidents, patients);
  const plans = await planPatients(options.identities.admin.api, patients, options);
  const gateway = new SensorGateway(options.kafka, options.topic, options.tickMs ?? 200, options.gatewaySecret);
  await gateway.start();
  const world = {
    identities: options.identities, gateway, seed, timeScale, incidents, clockOriginMs: options.clockOriginMs,
    sensorTimeScale: options.sensorTimeScale,
    pace: options.pace ?? profilePace,
    narrate: options.narrate ?? (() => undefined),
    // From enrolment: a patient may wait for a slot chain (the calendar's horizon is 90 days) before its journey of a month or two.
    timeoutMs: options.timeoutMs ?? Math.max(300_000, 180 * batchClock({ timeScale }).dayMs),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  };
  try {
    // Enrolments arrive as a Poisson process on the batches' clock, from the run's own seed.
    const arrivals = Random.stream(seed, 'live-arrivals');
    let enrolAt = Date.now();
    const runs = plans.map((plan, i) => {
      if (i > 0) enrolAt += arrivals.exponential(options.arrivalDays ?? 1) * batchClock({ timeScale }).dayMs;
      const at = enrolAt;
      return new Promise((resolve) => setTimeout(resolve, at - Date.now())).then(() => {
        options.signal?.throwIfAborted();
        return livePatient(world, plan);
      });
    });
    const settled = await Promise.allSettled(runs);
    options.signal?.throwIfAborted();
    // Every failure is told, the gateway's and each patient's: one must not hide the others.
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`patient ${i + 1}: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`] : []));
    try {
      gateway.check();
    } catch (err) {
      failed.unshift(err instanceof Error ? err.message : String(err));
    }
    if (failed.length > 0) throw new Error(`the live run did not finish: ${failed.join('; ')}`);
    return { outcomes: settled.map((s) => (s as PromiseFulfilledResult<PatientOutcome>).value), readingsPublished: gateway.published };
  } finally {
    await gateway.stop();
  }
}

/** Products in turn, and each hospital in turn for a round of products: every product at every site. */
async function planPatients(api: V2vApiClient, patients: number, options: Pick<LiveRunOptions, 'products' | 'sites' | 'bioreactors'>): Promise<PatientPlan[]> {
  const [productsRes, sitesRes] = await Promise.all([api.GET('/v1/products'), api.GET('/v1/sites')]);
  const listed = expectOk('GET /v1/products', productsRes).products.map((p) => ({ id: p.id, profile: productProfileSchema.parse(p.profile) }));
  const products = chosen(listed, options.products, 'product');
  const sites = chosen(expectOk('GET /v1/sites', sitesRes).sites, options.sites, 'site');
  const apheresis = sites.filter((s) => s.kind === 'apheresis_center').map((s) => s.id);
  const treatment = sites.filter((s) => s.kind === 'treatment_center').map((s) => s.id);
  const bioreactors = options.bioreactors ?? [];
  if (products.length === 0 || apheresis.length === 0 || treatment.length === 0) throw new Error('V2V has no products or sites to enrol into: run `npx v2v migrate`.');
  return Array.from({ length: patients }, (_, i) => {
    const product = products[i % products.length]!;
    const round = Math.floor(i / products.length);
    return {
      patient: i + 1,
      productId: product.id,
      profile: product.profile,
      apheresisCenterId: apheresis[round % apheresis.length]!,
      treatmentCenterId: treatment[round % treatment.length]!,
      ...(bioreactors.length > 0 ? { bioreactorId: bioreactors[i % bioreactors.length]! } : {}),
    };
  });
}

/** The listed things named in `ids`, in that order; all of them without `ids`. An unknown id is a mistake worth a sentence. */
function chosen<T extends { id: string }>(listed: T[], ids: readonly string[] | undefined, noun: string): T[] {
  if (ids === undefined) return listed;
  return ids.map((id) => {
    const found = listed.find((x) => x.id === id);
    if (!found) throw new Error(`V2V has no ${noun} "${id}"; it has ${listed.map((x) => x.id).join(', ')}.`);
    return found;
  });
}
