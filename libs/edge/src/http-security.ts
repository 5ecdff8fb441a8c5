import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';

/** The `@fastify/helmet` plugin, registered on every HTTP listener by startHybridApp. */
export const helmet = fastifyHelmet;

/**
 * Security headers of every HTTP response (helmet's defaults plus a CSP for a JSON API): nothing
 * this server sends may run script, load anything, be framed or submit a form; responses are not
 * to be sniffed as another type. Helmet's other defaults stay: HSTS, `X-Content-Type-Options:
 * nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
 * `Cross-Origin-Resource-Policy: same-origin`, no `X-Powered-By`.
 */
export const HTTP_SECURITY_HEADERS: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
};
