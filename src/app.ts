// Builds the Fastify application from the dependencies it is given. It never reads process.env and never
// listens: src/server.ts does that.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Contract } from './contract/openapi.js';
import { randomIds, type IdSource } from './domain/ids.js';
import { Fastify, LogController } from './http/fastify.js';
import { parseQueryString } from './http/parameters.js';
import { registerApiDocs } from './http/routes/api-docs.js';
import { registerControlPlane, type ControlPlaneOptions } from './control/control-plane.js';
import type { MpcService } from './domain/mpc-service.js';
import { registerJsonBodyParser } from './http/request-body.js';
import { lazySchemaCompilers } from './http/schema-compilers.js';
import { registerTaskListRoutes } from './http/routes/task-lists.js';
import { registerTaskWriteRoutes } from './http/routes/task-writes.js';
import { registerThumbnailDetailsRoute } from './http/routes/thumbnail-details.js';
import { registerVendorHooks } from './http/vendor-hooks.js';
import { clientErrorHandler, frameworkErrorHandler, MAX_PARAM_LENGTH, registerVendorEnvelope } from './http/vendor-envelope.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: ReadonlyArray<{ method: string; url: string }>;
  }
}

export interface AppDependencies {
  /** The vendor API's document. */
  contract: Contract;
  /** The control plane's document (SPEC 6). */
  controlContract: Contract;
  /** The emulated backend, over the store, the clock and the lifecycle settings. */
  service: MpcService;
  /** The control plane switched off, or behind a token. */
  controlPlane?: ControlPlaneOptions;
  ids?: IdSource;
  logger?: FastifyServerOptions['logger'];
  /** Called after the routes are registered and before the app is ready: where tests add their hooks. */
  beforeReady?: (app: FastifyInstance) => void;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const ids = deps.ids ?? randomIds;
  const app = Fastify({
    logger: deps.logger ?? false,
    // The request id is ours (32 hex digits), never taken from the caller.
    genReqId: () => ids.requestId(),
    requestIdHeader: false,
    // One line per request (the onResponse hook below), not Fastify's two: half the log, and the one line that
    // is left carries it all.
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    routerOptions: {
      querystringParser: parseQueryString,
      // A long project id must reach the parameter check (400), not fall out of routing (404).
      maxParamLength: MAX_PARAM_LENGTH,
    },
    // Deviation: HEAD on an API path answers 404, as for any method the vendor does not document; only
    // explicitly registered HEAD routes (the health check) exist.
    exposeHeadRoutes: false,
    frameworkErrors: frameworkErrorHandler,
    // Node would answer a request without Host with a bare 400 of its own, outside the vendor's envelope;
    // the mock answers it like any other.
    http: { requireHostHeader: false },
    clientErrorHandler: clientErrorHandler(ids),
    // Loaded only if a route ever carries a schema: none of the mock's do.
    schemaController: lazySchemaCompilers,
  });

  // The route table, so that tests can hold it against the document both ways.
  const routeTable: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  app.decorate('routeTable', routeTable);

  // The request's one log line: its id (also its X-Request-Id), method, path, status and time (SPEC 1.5).
  // Above info, the line is never written: not even its fields are gathered.
  const logsRequests = (app.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') ?? false;
  app.addHook('onResponse', (request, reply, done) => {
    if (logsRequests) {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
    }
    done();
  });
  registerVendorEnvelope(app);
  registerJsonBodyParser(app);
  // Fault rules and the journal see every request to the vendor API (through the domain, not the routes).
  registerVendorHooks(app, { faults: deps.service.faults, journal: deps.service.journal, clock: deps.service.clock });
  // Waits on the journal or a task end when the mock stops, rather than holding its close.
  app.addHook('preClose', async () => deps.service.cancelWaits());
  await registerApiDocs(app, deps.contract, deps.controlPlane?.enabled !== false);
  // The vendor API.
  registerTaskListRoutes(app, deps);
  registerTaskWriteRoutes(app, deps);
  registerThumbnailDetailsRoute(app, deps);
  // The control plane, a layer of its own under /_mock/.
  registerControlPlane(app, deps);
  deps.beforeReady?.(app);
  await app.ready();
  return app;
}
