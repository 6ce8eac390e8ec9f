/**
 * The `event:` names of GET /v1/events. Kept free of zod so the dashboard can listen for each
 * without bundling a schema library (src/api/schemas/live-events.ts builds the schema from it).
 */
export const LIVE_EVENT_TYPES = [
  'batch.stage-changed',
  'alert.raised',
  'custody.recorded',
  'booking.changed',
  'forecast.updated',
  'excursion.opened',
  'excursion.closed',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];
