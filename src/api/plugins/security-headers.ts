import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Security headers on every answer (helmet), with a Content-Security-Policy the dashboard and /docs
 * run under: scripts, styles, images, fonts and connections (fetch, the event stream) from this
 * origin only; no plugins, no framing, no foreign form targets. Inline styles are allowed because
 * the API documentation page (Swagger UI) sets them; scripts never run inline. HSTS is left to the
 * TLS-terminating proxy, which knows whether the site is served over https.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: 'v2v-security-headers' },
);
