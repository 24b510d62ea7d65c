// --cors <origins>: answers browsers from these origins (local development of a web client), off by default.
// Deviation: the real gateway's CORS is configured per API by whoever publishes it; for MPC's endpoints it is not documented,
// so this is the mock's own: the listed origins (or `*`) may call every endpoint, with any request header, and read
// X-Request-Id.
import type { FastifyInstance } from 'fastify';

const METHODS = 'GET, POST, PUT, PATCH, DELETE';

/** `https://a.example,http://localhost:5173` or `*`, as --cors takes it. */
export function parseCorsOrigins(text: string): string[] {
  return text
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allowedOrigin = (origin: string | undefined) => (origin === undefined ? undefined : any ? '*' : allowed.has(origin) ? origin : undefined);

  app.addHook('onRequest', (request, reply, done) => {
    const origin = allowedOrigin(request.headers.origin);
    if (origin === undefined) return done();
    reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'X-Request-Id');
    if (!any) reply.header('vary', 'Origin');
    done();
  });
  // A preflight is the gateway's to answer, before any API sees it: 204 without a body, for an allowed origin.
  // From any other origin it is what any OPTIONS is, a method the API does not have (404).
  app.options('*', (request, reply) => {
    const origin = allowedOrigin(request.headers.origin);
    if (origin === undefined || request.headers['access-control-request-method'] === undefined) {
      return reply.callNotFound();
    }
    const headers = request.headers['access-control-request-headers'];
    reply
      .code(204)
      .header('access-control-allow-methods', METHODS)
      .header('access-control-max-age', '600');
    if (headers) reply.header('access-control-allow-headers', headers);
    return reply.send();
  });
}
