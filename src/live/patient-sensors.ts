import { batchClock } from '../domain/batch/index.js';
import { MINUTE_MS } from '../domain/durations.js';
import type { ProductProfile } from '../domain/profile.js';
import type { SHIPMENT_LEGS } from '../domain/stages.js';
import type { V2vApiClient } from '../api/client/index.js';
import type { BatchDetail } from './v2v-api.js';
import type { SensorGateway } from './gateway.js';
import { incidentFor, type Incident } from './incidents.js';
import { bioreactorChannels, legChannels, spellEndsAt, type Spell } from './sensor-values.js';
import type { Random } from '../domain/random.js';

type Leg = (typeof SHIPMENT_LEGS)[number];

export const COURIER_GATEWAY = 'live-courier-gateway';
export const FACILITY_GATEWAY = 'live-facility-gateway';
/** How long a receiver waits for V2V to hear of a logger's alarm before signing anyway. */
const ALARM_REPORT_TIMEOUT_MS = 20_000;
/** Readings back in range after a spell, so that ingest sees it end (beyond the hysteresis, before the binding does). */
const ALARM_TAIL_MS = 2_000;

type DeviceBinding = { shipmentId: string } | { equipmentId: string };

export interface PatientSensorsOptions {
  /** The gateway administrator registers and binds the devices. */
  gatewayAdmin: V2vApiClient;
  /** Whoever at the batch's sites reads what a logger reported before a receipt is signed (a coordinator). */
  observer: V2vApiClient;
  gateway: SensorGateway;
  profile: ProductProfile;
  patient: number;
  random: Random;
  incidents: readonly Incident[];
  /** The batch's clock (journey times) and the sensors' clock (how long readings stay out of range). */
  timeScale: number;
  sensorTimeScale: number;
  /** The bioreactor this patient's cells grow in, if the facility has one registered. */
  bioreactorId?: string;
  onIncident: (incident: Incident['kind'], detail: string) => void;
}

interface LoggedLeg {
  deviceId: string;
  excursion?: Spell;
}

/**
 * One patient's sensors, following the batch through its public status: a logger for every
 * shipment leg (registered and bound through `POST /v1/devices`, logging until the leg's stability
 * window closes), a probe in the bioreactor while the cells grow, and the scripted incidents.
 */
export class PatientSensors {
  private readonly legs = new Map<string, LoggedLeg>();
  private readonly firstTried = new Map<string, number>();
  private probedAttempt = 0;

  constructor(private readonly o: PatientSensorsOptions) {}

  /** Binds what the batch's status says has started: a shipment on the road, manufacturing. */
  async follow(detail: BatchDetail): Promise<void> {
    for (const shipment of detail.shipments) {
      if (shipment.state === 'in_transit' && !this.legs.has(shipment.shipmentId)) await this.bindLogger(shipment.shipmentId, shipment.leg, detail);
    }
    if (detail.stage === 'MANUFACTURING' && this.probedAttempt < detail.attempt && this.o.bioreactorId) await this.bindProbe(this.o.bioreactorId, detail);
  }

  /**
   * A receiver reads the shipper's logger before signing: while it alarms it does not sign, and
   * once the readings are back it waits until V2V has judged them (ingest has the last reading of
   * the spell) and, if they made an excursion, until the batch has heard of it (it holds for QA):
   * custody is never taken of a shipment whose excursion nobody has assessed.
   */
  async receiverMaySign(leg: Leg, detail: BatchDetail): Promise<boolean> {
    const shipmentId = detail.shipments.find((s) => s.leg === leg && s.state === 'in_transit')?.shipmentId;
    const logged = shipmentId === undefined ? undefined : this.legs.get(shipmentId);
    if (!logged?.excursion) return true;
    const over = spellEndsAt(logged.excursion);
    if (Date.now() < over) return false;
    if (Date.now() > over + ALARM_REPORT_TIMEOUT_MS) return true;
    const api = this.o.observer;
    const [device, rows] = await Promise.all([
      api.GET('/v1/devices/{id}', { params: { path: { id: logged.deviceId } } }),
      api.GET('/v1/excursions', { params: { query: { deviceId: logged.deviceId, kind: 'excursion' } } }),
    ]);
    const lastReading = device.data?.lastReading?.eventTime;
    if (lastReading === undefined || Date.parse(lastReading) < over || !rows.data) return false;
    // A spell shorter than the leg's minimum is no excursion: nothing to report, the receiver signs.
    const ids = rows.data.excursions.map((e) => e.id);
    return ids.length === 0 || detail.issues.some((i) => ids.includes(i.id));
  }

  private async bindLogger(shipmentId: string, leg: Leg, detail: BatchDetail): Promise<void> {
    const spec = this.o.profile.legs[leg];
    // The same range on every try, so a retry finds the first attempt's binding (200) instead of overlapping it.
    const from = this.firstTried.get(shipmentId) ?? Date.now();
    this.firstTried.set(shipmentId, from);
    const incident = detail.attempt === 1 ? incidentFor(this.o.incidents, 'transit-excursion', this.o.patient, leg) : undefined;
    const excursion = incident && {
      startsAt: from + batchClock(this.o).hours(incident.afterHours),
      durationMs: (incident.minutes * MINUTE_MS) / this.o.sensorTimeScale,
    };
    // The logger records until the leg's stability window closes, and in any case until it has been
    // back in range long enough for the excursion to end (on a fast clock a spell can outlast a window).
    const until = Math.max(from + batchClock(this.o).hours(spec.stabilityHours), excursion ? spellEndsAt(excursion) + ALARM_TAIL_MS : 0);
    const deviceId = `logger-${shipmentId}`;
    const bound = await this.bind(deviceId, COURIER_GATEWAY, 'shipper_logger', { shipmentId }, from, until);
    // The leg's workflow writes the shipment row a moment after the batch reports it: try again next time.
    if (!bound) return;
    this.legs.set(shipmentId, { deviceId, ...(excursion ? { excursion } : {}) });
    this.o.gateway.add({ deviceId, gatewayId: COURIER_GATEWAY, channels: legChannels(spec, this.o.random, excursion), until });
    if (incident) this.o.onIncident(incident.kind, `${leg} shipper warms past ${spec.tempMaxC} °C for ${incident.minutes} sensor minutes, ${incident.afterHours} h after pickup`);
  }

  private async bindProbe(equipmentId: string, detail: BatchDetail): Promise<void> {
    const from = Date.now();
    const { manufacturingDays } = this.o.profile;
    // Logging through the culture and a margin; readings in range after harvest do no harm.
    const until = from + 1.3 * batchClock(this.o).hours(24 * Object.values(manufacturingDays).reduce((a, d) => a + d, 0));
    const deviceId = `probe-${detail.batchId}-${detail.attempt}`;
    this.probedAttempt = detail.attempt;
    const incident = detail.attempt === 1 ? incidentFor(this.o.incidents, 'degrading-bioreactor', this.o.patient) : undefined;
    if (!(await this.bind(deviceId, FACILITY_GATEWAY, 'bioreactor_probe', { equipmentId }, from, until))) {
      if (incident) throw new Error(`patient ${this.o.patient}'s degrading bioreactor: V2V has no equipment "${equipmentId}" (\`v2v migrate\` registers the reference facility's bioreactors).`);
      return;
    }
    const drift = incident && { startsAt: from + batchClock(this.o).hours(24 * incident.afterDays), durationMs: (incident.minutes * MINUTE_MS) / this.o.sensorTimeScale };
    this.o.gateway.add({ deviceId, gatewayId: FACILITY_GATEWAY, channels: bioreactorChannels(this.o.random, drift), until });
    if (incident) this.o.onIncident(incident.kind, `${equipmentId} pH drifts below 6.8 for ${incident.minutes} sensor minutes, ${incident.afterDays} d into manufacturing`);
  }

  private async bind(deviceId: string, gatewayId: string, kind: string, binding: DeviceBinding, from: number, until: number): Promise<boolean> {
    const { response, error } = await this.o.gatewayAdmin.POST('/v1/devices', {
      body: { deviceId, gatewayId, kind, binding, from: new Date(from).toISOString(), to: new Date(until).toISOString() },
    });
    if (response.status === 404) return false;
    if (response.status >= 300) throw new Error(`registering ${deviceId} answered ${response.status}: ${JSON.stringify(error)}`);
    return true;
  }

}
