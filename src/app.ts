// Builds the Fastify application from the dependencies it is given. It never reads process.env and never
// listens: src/server.ts does that.
import { createServer } from 'node:http';
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
import { registerTaskRecordRoutes } from './http/routes/task-records.js';
import { registerNotificationRoutes } from './http/routes/notifications.js';
import { registerTemplateRoutes } from './http/routes/templates.js';
import { registerAccountRoutes } from './http/routes/account.js';
import { registerCors } from './http/cors.js';
import { FairTurns } from './http/fair-turns.js';
import { RepeatAnswers } from './http/repeat-answers.js';
import { registerVendorHooks, useOperations } from './http/vendor-hooks.js';
import { clientErrorHandler, frameworkErrorHandler, MAX_BODY_BYTES, MAX_PARAM_LENGTH, registerServerAnswers, registerVendorEnvelope } from './http/vendor-envelope.js';

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
  /** Origins whose browsers may call the mock (--cors); none by default. */
  corsOrigins?: readonly string[];
  /** How long a client may take to send its whole request; default 50 s (checked every 5 s: dropped within 60). */
  requestTimeoutMs?: number;
  /**
   * The mock's address as its event deliveries write it (signing_cert_url, unsubscribe_url); default: the
   * address the server listens on, with 127.0.0.1 for a wildcard host.
   */
  publicUrl?: string;
  /** Called after the routes are registered and before the app is ready: where tests add their hooks. */
  beforeReady?: (app: FastifyInstance) => void;
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const ids = deps.ids ?? randomIds;
  const requestTimeout = deps.requestTimeoutMs ?? 50_000;
  const { faults, journal, clock } = deps.service;
  // First of all: under load, requests past the loop turn's budget wait for a later turn, so that new
  // connections are accepted and answered too (src/http/fair-turns.ts). Then a read asked before, with the
  // store where it was, is answered again at once (src/http/repeat-answers.ts); everything else goes to Fastify.
  const turns = new FairTurns();
  // Whether the mock is shutting down: the gateway's envelope knows, once it is registered below.
  let closing = () => false;
  const repeats = new RepeatAnswers({
    settledVersion: () => deps.service.settledVersion(),
    version: () => deps.service.store.version(),
    faults,
    auth: deps.service.auth,
    journal,
    clock,
    ids,
    cors: (deps.corsOrigins?.length ?? 0) > 0,
    closing: () => closing(),
  });
  const httpOptions = {
    requireHostHeader: false,
    requestTimeout,
    headersTimeout: requestTimeout,
    connectionsCheckingInterval: Math.min(5_000, requestTimeout),
  };
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
    // A client that stalls in its request (headers or body) is dropped within a minute (checked every 5 s).
    // Given to Node when the server is made: set afterwards (as Fastify's own option does), Node applies the
    // request timeout to stalled headers but not to a stalled body.
    http: httpOptions,
    requestTimeout,
    // The gateway's limit (SPEC 1.6 and error-codes.md: 413 APIGW.0201 over 12 MB).
    bodyLimit: MAX_BODY_BYTES,
    // At shutdown, requests still arriving get the envelope's 503 (registerVendorEnvelope), not Fastify's body.
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(ids),
    // The server Fastify would make, with the two steps above in front of its handler.
    serverFactory: (fastifyHandler) => {
      const server = createServer(httpOptions, (req, res) =>
        turns.admit(() => {
          if (!repeats.answer(req, res)) fastifyHandler(req, res);
        }),
      );
      // Fastify's default (72 s: longer than the usual load balancer's 60, so that it is never the one to close).
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = requestTimeout;
      return server;
    },
    // Loaded only if a route ever carries a schema: none of the mock's do.
    schemaController: lazySchemaCompilers,
  });

  // The route table, so that tests can hold it against the document both ways.
  const routeTable: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  app.decorate('routeTable', routeTable);

  // The gateway's refusals (a request line too long, the mock shutting down) first.
  const gateway = registerVendorEnvelope(app);
  const refused = gateway.refused;
  closing = gateway.closing;
  app.addHook('onRequest', (request, reply, done) => {
    if (!refused(request, reply)) done();
  });

  // The request's one log line: its id (also its X-Request-Id), method, path, status and time (SPEC 1.5).
  // Above info, the line is never written, and the hook not even registered.
  const logsRequests = (app.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info') ?? false;
  if (logsRequests) {
    repeats.logLine = (line) => app.log.info(line, 'request');
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
      done();
    });
  }
  registerServerAnswers(app, ids);
  if (deps.corsOrigins?.length) registerCors(app, deps.corsOrigins);
  registerJsonBodyParser(app);
  // Fault rules, authentication and the journal see every request to the vendor API (through the domain, not the routes).
  useOperations(deps.contract.operations());
  registerVendorHooks(app, { faults, journal, clock, auth: deps.service.auth });
  // Last of the onSend hooks: the answer as it is sent, kept to be repeated if it may be.
  app.addHook('onSend', (request, reply, payload, done) => {
    repeats.keep(request, reply, payload);
    done(null, payload);
  });
  deps.service.useLog((details, message) => app.log.warn(details, message));
  // Deliveries write the mock's own URLs into their envelopes: the address it listens on, once it does.
  deps.service.deliveries.useBaseUrl(() => {
    if (deps.publicUrl !== undefined) return deps.publicUrl.replace(/\/+$/, '');
    const address = app.server.address();
    if (!address || typeof address === 'string') return 'http://127.0.0.1';
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  });
  // Waits on the journal or a task end when the mock stops, rather than holding its close.
  app.addHook('preClose', async () => deps.service.cancelWaits());
  await registerApiDocs(app, deps.contract, deps.controlPlane?.enabled !== false);
  // The vendor API.
  registerTaskListRoutes(app, deps);
  registerTaskWriteRoutes(app, deps);
  registerTaskRecordRoutes(app, deps);
  registerThumbnailDetailsRoute(app, deps);
  registerNotificationRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerAccountRoutes(app, deps);
  // The control plane, a layer of its own under /_mock/.
  registerControlPlane(app, deps);
  deps.beforeReady?.(app);
  await app.ready();
  return app;
}
