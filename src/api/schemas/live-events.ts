import { z } from 'zod';
import { LIVE_EVENT_TYPES } from '../live-events/event-types.js';

/**
 * The data of one server-sent event of GET /v1/events (its `event:` is `type`). Ids and figures only:
 * never a patient reference. `siteIds` are the batch's and the equipment's sites, which the stream
 * uses to send each caller only its own sites' events.
 */
export const liveEventSchema = z
  .object({
    type: z.enum(LIVE_EVENT_TYPES),
    batchId: z.string().nullable(),
    equipmentId: z.string().nullable(),
    siteIds: z.array(z.string()),
    at: z.string().meta({ format: 'date-time' }),
    detail: z
      .record(z.string(), z.unknown())
      .describe('By type: stage/previous; alertId/severity/kind/message; seq/kind/step (custody and booking); target/p10/p50/p90/unit/modelId; excursionId/kind/metric/deviceId/peak.'),
  })
  .meta({ id: 'LiveEvent' });
export type LiveEvent = z.infer<typeof liveEventSchema>;

export const liveEventsQuery = z.object({
  access_token: z.string().optional().describe('The bearer token, for EventSource, which cannot send an Authorization header.'),
  lastEventId: z.string().optional().describe('Resume after this event id (the Last-Event-ID header takes precedence).'),
});
