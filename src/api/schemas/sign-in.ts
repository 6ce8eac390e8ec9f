import { z } from 'zod';
import { MAX_LOGIN_PASSWORD_LENGTH, USERNAME_RULE, USERNAME_RULE_TEXT } from '../auth/sign-in/login-credentials.js';

/** Bodies and answers of the public sign-in routes (src/api/routes/sign-in.ts). */

/** No control characters (NUL included): nothing a person types into a field holds one. */
const noControl = (s: string) => !/\p{Cc}/u.test(s);

export const passwordSignInBody = z
  .object({
    username: z.string().max(64).regex(USERNAME_RULE, `must be ${USERNAME_RULE_TEXT}`),
    password: z.string().min(1).max(MAX_LOGIN_PASSWORD_LENGTH).refine(noControl, 'must not contain control characters'),
  })
  .strict();

/** RFC 7636 §4.1: the code verifier's alphabet and length. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** RFC 6749 §A.11: a code is visible ASCII; providers' codes are far shorter than the bound. */
const AUTHORIZATION_CODE = /^[\x21-\x7E]{1,2048}$/;

export const oidcTokenBody = z
  .object({
    code: z.string().regex(AUTHORIZATION_CODE, 'must be 1–2048 visible ASCII characters (the code the provider returned)'),
    codeVerifier: z.string().regex(CODE_VERIFIER, "must be RFC 7636's code verifier: 43–128 of A–Z a–z 0–9 . _ ~ -"),
    redirectUri: z.url({ protocol: /^https?$/ }).max(2048),
  })
  .strict();

export const sessionSchema = z
  .object({
    token: z.string().describe('A bearer token for every /v1 call (and `access_token` of the event stream).'),
    expiresAt: z.iso.datetime().optional().describe('When the token, and so the session, ends.'),
  })
  .meta({ id: 'SignInSession' });

export const signInConfigSchema = z
  .discriminatedUnion('method', [
    z.object({ method: z.literal('password') }),
    z.object({
      method: z.literal('oidc'),
      issuer: z.string(),
      authorizationEndpoint: z.string(),
      clientId: z.string(),
      scope: z.string(),
      resource: z.string().optional(),
    }),
  ])
  .meta({ id: 'SignInConfig' });
export type SignInConfig = z.infer<typeof signInConfigSchema>;
