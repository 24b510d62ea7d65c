// GET and HEAD /_mock/health (SPEC 6.1): 200 once the server listens. The app is only built after the
// fixtures are loaded into the store, so a server that answers at all has its fixtures.
import type { FastifyInstance } from 'fastify';

export function registerHealthRoute(app: FastifyInstance): void {
  for (const method of ['GET', 'HEAD'] as const) {
    app.route({ method, url: '/_mock/health', handler: async () => ({ status: 'ok' }) });
  }
}
