import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteOptions } from '../deps.js';
import { bearerOf } from '../auth/authenticate.js';
import { ApiError, errorBodySchema } from '../errors.js';
import { readChanges, type PositionedEvent } from '../live-events/changes.js';
import { decodeCursor, encodeCursor, type Cursor } from '../live-events/cursor.js';
import { LiveEventHub, type LiveSubscriber } from '../live-events/hub.js';
import { LATE_ROW_WAIT_MS } from '../live-events/skipped-ids.js';
import { requestSiteScope, rowVisible } from '../live-events/site-scope.js';
import { liveEventSchema, liveEventsQuery } from '../schemas/live-events.js';

const POLL_INTERVAL_MS = 1_000;
/** Below the idle timeouts of common proxies (30–60 s), so an idle stream is not cut. */
const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 3_000;
/** How late at most a stream notices that its token was revoked or its user disabled. */
const DEFAULT_RECHECK_MS = 10_000;
/** setTimeout's ceiling (about 24.8 days): a longer wait fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Live updates for the dashboard as server-sent events: one `event:` per change, its `id:` the cursor
 * a reconnecting EventSource sends back (Last-Event-ID) to resume without losing a change in between.
 */
const eventRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const hub = new LiveEventHub(deps.pool, POLL_INTERVAL_MS, (err) => app.log.error({ err }, 'live events: polling failed; retrying'));
  // Before the server stops accepting: open streams never end by themselves, so closing would wait forever.
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-sent events: batch stage changes, alerts, custody records, forecasts and excursions at the caller’s sites',
        description: 'A text/event-stream. Each message: `id:` (resume cursor), `event:` (the LiveEvent type), `data:` (a LiveEvent as JSON).',
        querystring: liveEventsQuery,
        response: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: liveEventSchema } } },
          400: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const scope = requestSiteScope(request);
      const header = request.headers['last-event-id'];
      const resumeFrom = decodeCursor(typeof header === 'string' ? header : request.query.lastEventId);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // The stream owns its connection: when it ends (the app closing) the socket goes too, instead of
        // idling in keep-alive and holding the server's close up.
        connection: 'close',
        // nginx would otherwise buffer the stream until it has a full buffer.
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n\n`);

      let replaying = true;
      const held: PositionedEvent[] = [];
      // What the replay sent: a row committed late may come again from the live feed, which asks for it by id.
      const replayed = new Set<string>();
      const send = (events: readonly PositionedEvent[], fromReplay = false) => {
        for (const { cursor, event, batch, equipmentSiteId, source, id } of events) {
          const key = `${source}:${id}`;
          if (fromReplay) replayed.add(key);
          else if (replayed.delete(key)) continue;
          if (!rowVisible(scope, batch, equipmentSiteId)) continue;
          res.write(`id: ${encodeCursor(cursor)}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        }
      };
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      const subscriber: LiveSubscriber = {
        deliver: (events) => (replaying ? held.push(...events) : send(events)),
        close: () => res.end(),
      };
      // The stream lives no longer than its token: it ends at `exp`, and when a look at the token's
      // state finds it revoked, its user disabled, or the user's role or sites changed (the scope
      // above was computed from them), the client reconnecting with a token that holds.
      const end = (why: string) => {
        request.log.info({ why }, 'live events: stream ended by its token');
        res.end(`: ${why}\n\n`);
      };
      const principal = request.principal!;
      const expiresAt = principal.token?.expiresAt ?? Date.now();
      const expiry = setTimeout(() => end('token expired'), Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS));
      const recheck = setInterval(() => {
        const token = bearerOf(request);
        if (token === undefined) return end('token unknown');
        deps.verifyToken(token).then(
          (now) => {
            if (now.role !== principal.role || now.sites.join('\n') !== principal.sites.join('\n')) end('identity changed');
          },
          (err: unknown) => end(err instanceof ApiError ? err.message : 'token no longer verifies'),
        );
      }, deps.streamRecheckMs ?? DEFAULT_RECHECK_MS);
      const stop = () => {
        clearInterval(heartbeat);
        clearTimeout(expiry);
        clearInterval(recheck);
        hub.unsubscribe(subscriber);
      };
      res.on('close', stop);

      try {
        const liveFrom = await hub.subscribe(subscriber);
        if (resumeFrom) await replay(resumeFrom, liveFrom, send);
        replaying = false;
        // After the watch on skipped ids has lapsed nothing replayed can come again.
        setTimeout(() => replayed.clear(), 2 * LATE_ROW_WAIT_MS).unref();
        send(held.splice(0));
        // From here on nothing is missed: a client (or a test) may rely on it.
        res.write(': connected\n\n');
      } catch (err) {
        request.log.error({ err }, 'live events: the stream could not start');
        stop();
        res.end();
      }
    },
  );

  /** What a reconnecting client missed: the changes after its cursor, up to where its live feed starts. */
  async function replay(from: Cursor, until: Cursor, send: (events: readonly PositionedEvent[], fromReplay: boolean) => void) {
    for (let cursor = from, more = true; more; ) {
      const read = await readChanges(deps.pool, cursor, until);
      send(read.events, true);
      ({ cursor, more } = read);
    }
  }
};

export default eventRoutes;
