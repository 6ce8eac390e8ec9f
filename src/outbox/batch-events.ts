import type { Stage } from '../domain/stages.js';

/** Outbound stage changes for downstream systems (DESIGN §5): key = batchId, versioned by topic name. */
export const BATCH_EVENTS_TOPIC = 'v2v.batch.events.v1';

/** Kafka header carrying the event id, so a consumer can dedupe without parsing the value. */
export const EVENT_ID_HEADER = 'v2v-event-id';

/** A batch's stage change, as the activity records it and the outbox publishes it. */
export interface StageChangeInput {
  /** Also the outbound event's id: consumers dedupe by it. */
  eventId: string;
  batchId: string;
  coiId: string;
  productId: string;
  stage: Stage;
  previous: Stage;
  at: string;
}

/**
 * The value published for each stage change. Pseudonymous ids only: no patient reference, name or
 * record number ever leaves V2V through this topic.
 */
export type BatchStageChangedEvent = StageChangeInput & { type: 'batch.stage-changed' };
