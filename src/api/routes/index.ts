import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import dashboard from '../plugins/dashboard.js';
import alertRoutes from './alerts.js';
import batchRoutes from './batches.js';
import bookingRoutes from './bookings.js';
import capacityRoutes from './capacity.js';
import chainReplanRoutes from './chain-replans.js';
import commandRoutes from './commands.js';
import custodyRoutes from './custody.js';
import deviceRoutes from './devices.js';
import equipmentRoutes from './equipment.js';
import eventRoutes from './events.js';
import excursionRoutes from './excursions.js';
import forecastHistoryRoutes from './forecast-history.js';
import healthRoutes from './health.js';
import qaQueueRoutes from './qa-queue.js';
import referenceRoutes from './reference.js';
import signInRoutes from './sign-in.js';
import telemetryRoutes from './telemetry.js';
import waitlistRoutes from './waitlist.js';

/** Every route plugin of the API, in the order they are registered; one line per plugin. */
export const ROUTE_PLUGINS: FastifyPluginAsyncZod<RouteOptions>[] = [
  // First: it adds compression to every route registered after it (and serves the dashboard at /).
  dashboard,
  healthRoutes,
  signInRoutes,
  referenceRoutes,
  batchRoutes,
  commandRoutes,
  bookingRoutes,
  capacityRoutes,
  deviceRoutes,
  excursionRoutes,
  equipmentRoutes,
  alertRoutes,
  custodyRoutes,
  forecastHistoryRoutes,
  qaQueueRoutes,
  eventRoutes,
  telemetryRoutes,
  waitlistRoutes,
  chainReplanRoutes,
];
