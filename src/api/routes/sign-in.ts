import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { stackPaths } from '../../stack/paths.js';
import { redeemCode } from '../auth/sign-in/code-exchange.js';
import { cachedEndpoints } from '../auth/sign-in/oidc-provider-endpoints.js';
import { SIGN_IN_ERR, signInWithPassword, type SignedIn } from '../auth/sign-in/password-sign-in.js';
import type { RouteOptions } from '../deps.js';
import { ApiError, errorBodySchema } from '../errors.js';
import { oidcTokenBody, passwordSignInBody, sessionSchema, signInConfigSchema, type SignInConfig } from '../schemas/sign-in.js';

/**
 * How the dashboard signs in, outside /v1 because nobody has a token yet: which method this
 * installation uses (GET /auth/config), the embedded user name and password (POST /auth/sign-in,
 * only without an identity provider) and the provider's code exchange (POST /auth/oidc/token).
 * Answers carry `Cache-Control: no-store` (RFC 6749 §5.1): a token must not sit in a cache.
 */
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 503: errorBodySchema };
const session = (signedIn: SignedIn) => ({ token: signedIn.token, ...(signedIn.expiresAt ? { expiresAt: signedIn.expiresAt.toISOString() } : {}) });

const signIn: FastifyPluginAsyncZod<RouteOptions> = async (app, { deps }) => {
  const { config } = deps;
  const oidc = config.V2V_OIDC_CLIENT_ID !== undefined;
  const endpoints = cachedEndpoints(config);

  app.get(
    '/auth/config',
    { schema: { tags: ['sign-in'], summary: 'How the dashboard signs in here', response: { 200: signInConfigSchema, 503: errorBodySchema } } },
    async (): Promise<SignInConfig> => {
      if (!oidc) return { method: 'password' };
      const { issuer, authorizationEndpoint } = await endpoints();
      return {
        method: 'oidc',
        issuer,
        authorizationEndpoint,
        clientId: config.V2V_OIDC_CLIENT_ID!,
        scope: config.V2V_OIDC_SCOPE,
        ...(config.V2V_OIDC_RESOURCE ? { resource: config.V2V_OIDC_RESOURCE } : {}),
      };
    },
  );

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'Sign in with a user name and login password (no identity provider configured)',
        body: passwordSignInBody,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (oidc || config.V2V_AUTH_JWKS_URL) {
        throw new ApiError(409, SIGN_IN_ERR.ELSEWHERE, 'This installation signs in through its identity provider, not with a V2V password.');
      }
      const signedIn = await signInWithPassword(
        { db: deps.db, logger: deps.logger, stackRoot: stackPaths(config).root, attempts: config.V2V_SIGN_IN_ATTEMPTS, session: config.V2V_SIGN_IN_SESSION },
        request.body.username,
        request.body.password,
      );
      return reply.header('cache-control', 'no-store').send(session(signedIn));
    },
  );

  app.post(
    '/auth/oidc/token',
    {
      schema: {
        tags: ['sign-in'],
        summary: "Redeem the identity provider's authorization code (with its PKCE code verifier) for a session",
        body: oidcTokenBody,
        response: { 200: sessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const signedIn = await redeemCode({ config, verifyToken: deps.verifyToken, endpoints }, request.body);
      return reply.header('cache-control', 'no-store').send(session(signedIn));
    },
  );
};

export default signIn;
