// The emulated API's document, served as it is in openapi/ (never regenerated from routes), and Swagger UI
// over it. These paths live outside /v1, so they cannot shadow the emulated API.
//
// Swagger UI is built on the first request that needs it, not at start: @fastify/swagger and
// @fastify/swagger-ui (with @fastify/static, glob, yaml) took a quarter of the time to the first answer, for
// pages most runs of the mock never open. Fastify takes no routes once it is ready, so they live in a small
// Fastify app of their own, made on demand, and the main app forwards /docs to it in-process.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import { Fastify, LogController } from '../fastify.js';
import { lazySchemaCompilers } from '../schema-compilers.js';
import { registerVendorEnvelope } from '../vendor-envelope.js';

/** Headers of the forwarded answer that belong to its own connection, not to the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/** The Swagger UI app as a plugin would have registered it on the main app, with the same options. */
async function buildDocsApp(app: FastifyInstance, contract: Contract, withControlPlane: boolean): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
  const docs = Fastify({
    loggerInstance: app.log,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    // The forwarded request carries the main app's request id: the answer and its log line keep it.
    requestIdHeader: 'x-request-id',
    // As in the main app: only explicitly registered HEAD routes (the static files') exist.
    exposeHeadRoutes: false,
    // Swagger UI's routes carry no schema that validates anything either.
    schemaController: lazySchemaCompilers,
  });
  // A missing file or a failure answers in the vendor's envelope, as everything else the mock answers.
  registerVendorEnvelope(docs);
  await docs.register(swagger, { mode: 'static', specification: { document: contract.document as never } });
  // The document's only server is `/`, so "Try it out" goes to whichever host served the page. The time
  // parameters carry no example on purpose: Swagger UI would pre-fill them and hide every task.
  // The control plane's document (served at /_mock/openapi.json by the control plane) is shown beside it.
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      docExpansion: 'list',
      deepLinking: true,
      urls: [
        { url: '/openapi.json', name: 'MPC API (emulated)' },
        ...(withControlPlane ? [{ url: '/_mock/openapi.json', name: 'mpc-mock control plane' }] : []),
      ],
      'urls.primaryName': 'MPC API (emulated)',
    } as never,
  });
  await docs.ready();
  return docs;
}

export async function registerApiDocs(app: FastifyInstance, contract: Contract, withControlPlane = true): Promise<void> {
  let building: Promise<FastifyInstance> | undefined;
  const docsApp = () => {
    building ??= buildDocsApp(app, contract, withControlPlane).catch((error: unknown) => {
      // A failed build is not kept: the next request tries again.
      building = undefined;
      throw error;
    });
    return building;
  };
  app.addHook('onClose', async () => {
    if (building) await (await building.catch(() => undefined))?.close();
  });

  /** Answers with whatever the docs app answers the same request: status, headers and bytes. */
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const docs = await docsApp();
    const answer = await docs.inject({ method: request.method as 'GET', url: request.url, headers: { ...request.headers, 'x-request-id': request.id } });
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    // No bytes is no payload: a Buffer, even an empty one, would be given a content type (a redirect has none).
    const empty = request.method === 'HEAD' || answer.rawPayload.length === 0;
    return reply.send(empty ? undefined : answer.rawPayload);
  };
  app.get('/docs', forward);
  app.route({ method: ['GET', 'HEAD'], url: '/docs/*', handler: forward });

  // The documents themselves need no Swagger: the vendor document is the one already loaded (what
  // @fastify/swagger's static mode served), and its YAML is that plugin's rendering of it.
  app.get('/openapi.json', async () => contract.document);
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml; charset=utf-8').send((await docsApp()).swagger({ yaml: true })));
}
