import fp from 'fastify-plugin';
import type { FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { forbidden, unauthenticated } from '../errors.js';
import { type Principal } from './principal.js';
import { ruleOf, type RouteRule } from './route-access.js';
import { sitesOfCall } from './site-scope.js';

/**
 * Authentication and access control for every /v1 route, attached to each route as it is added:
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
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    return match[1]!;
  }
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.['access_token'];
  if (QUERY_TOKEN_ROUTES.has(routeKey) && typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  throw unauthenticated('This route requires a bearer token (Authorization: Bearer <token>).');
}

function describeRoute(method: string, url: string) {
  return `${method} ${url}`;
}

function authenticate(deps: ApiDeps, method: string, url: string, rule: RouteRule | undefined): onRequestHookHandler {
  const routeKey = describeRoute(method === 'HEAD' ? 'GET' : method, url);
  return async (request) => {
    const principal = await deps.verifyToken(bearerToken(request, routeKey));
    request.principal = principal;
    if (!rule) throw forbidden(`${routeKey} has no access rule yet, so it is refused to everyone.`);
    if (!rule.roles.includes(principal.role)) {
      throw forbidden(`The role "${principal.role}" may not call ${routeKey}; allowed: ${rule.roles.join(', ')}.`);
    }
  };
}

function checkSites(deps: ApiDeps, rule: RouteRule): preHandlerHookHandler {
  return async (request) => {
    const principal = request.principal as Principal;
    // admin has no sites and sees every site (but its role list still keeps it from signing as QA).
    if (principal.role === 'admin') return;
    const sites = await sitesOfCall(deps, request, rule.site, principal);
    if (sites === undefined) return;
    if (!sites.some((site) => principal.sites.includes(site))) {
      throw forbidden(`This call concerns site(s) ${sites.join(', ')}, none of which is among your sites (${principal.sites.join(', ') || 'none'}).`);
    }
  };
}

const asArray = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]);

export default fp<{ deps: ApiDeps }>(
  async (app, { deps }) => {
    app.decorateRequest('principal', undefined);
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith(PROTECTED_PREFIX)) return;
      const method = [route.method].flat()[0]!;
      const rule = ruleOf(method, route.url);
      route.onRequest = [authenticate(deps, method, route.url, rule), ...asArray(route.onRequest)];
      if (rule) route.preHandler = [checkSites(deps, rule), ...asArray(route.preHandler)];
    });
  },
  { name: 'v2v-authenticate' },
);
