import fp from 'fastify-plugin';
import type { FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Principal } from './principal.js';
import { ruleOf, type RouteRule } from './route-access.js';
import { sitesOfCall } from './site-scope.js';

/**
 * Authentication and access control for every /v1 route, as hooks of the root instance:
 * the bearer token is verified first (401), then the caller's role against the route's row of
 * route-access.ts (403), and, once the body and path are validated, the sites the call is about
 * (403). Routes outside /v1 (health, metrics, the OpenAPI document, the dashboard) stay public.
 */
const PROTECTED_PREFIX = '/v1/';

/**
 * Server-sent events: a browser's EventSource cannot set headers, so this route alone also takes
 * the token from `?access_token=` (the access log redacts it, src/api/app.ts).
 */
const QUERY_TOKEN_ROUTES = new Set(['GET /v1/events']);

function bearerToken(request: FastifyRequest, routeKey: string): string {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    return match[1]!;
  }
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.['access_token'];
  if (QUERY_TOKEN_ROUTES.has(routeKey) && typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  throw unauthenticated('This route requires a bearer token (Authorization: Bearer <token>).');
}

/** The route's key in route-access.ts, e.g. `POST /v1/batches/:id/handoffs`; HEAD follows its GET. */
function routeKeyOf(request: FastifyRequest): string {
  return `${request.method === 'HEAD' ? 'GET' : request.method} ${request.routeOptions.url}`;
}

/**
 * The bearer token a request was authenticated with, for a long-lived response (the event stream)
 * that must ask again later whether it still holds. Kept beside the request, never on the principal,
 * so nothing that logs a principal can log a token.
 */
const bearerOfRequest = new WeakMap<FastifyRequest, string>();
export const bearerOf = (request: FastifyRequest) => bearerOfRequest.get(request);

const isProtected = (request: FastifyRequest) => request.routeOptions.url?.startsWith(PROTECTED_PREFIX) ?? false;

/** Who calls and whether the role may call this route: before the body is even parsed. */
function authenticate(deps: ApiDeps): onRequestHookHandler {
  return async (request) => {
    if (!isProtected(request)) return;
    const routeKey = routeKeyOf(request);
    const token = bearerToken(request, routeKey);
    const principal = await deps.verifyToken(token);
    request.principal = principal;
    bearerOfRequest.set(request, token);
    const rule = ruleOf(request.method, request.routeOptions.url!);
    if (!rule) throw forbidden(`${routeKey} has no access rule yet, so it is refused to everyone.`);
    if (!rule.roles.includes(principal.role)) {
      throw forbidden(`The role "${principal.role}" may not call ${routeKey}; allowed: ${rule.roles.join(', ')}.`);
    }
  };
}

/** Whether the call's sites are the caller's: after validation, since the body may name them. */
function checkSites(deps: ApiDeps): preHandlerHookHandler {
  return async (request) => {
    if (!isProtected(request)) return;
    const principal = request.principal as Principal;
    // admin has no sites and sees every site (but its role list still keeps it from signing as QA).
    if (principal.role === 'admin') return;
    const rule = ruleOf(request.method, request.routeOptions.url!) as RouteRule;
    const sites = await sitesOfCall(deps, request, rule.site, principal);
    if (sites === undefined) return;
    if (!sites.some((site) => principal.sites.includes(site))) {
      throw forbidden(`This call concerns site(s) ${sites.join(', ')}, none of which is among your sites (${principal.sites.join(', ') || 'none'}).`);
    }
  };
}

export default fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    app.decorateRequest('principal', undefined);
    // Hooks of the root instance run for every route, whenever it was registered: a /v1 route
    // cannot escape them by being added early or in its own plugin.
    app.addHook('onRequest', authenticate(deps));
    app.addHook('preHandler', checkSites(deps));
  },
  { name: 'v2v-authenticate' },
);
