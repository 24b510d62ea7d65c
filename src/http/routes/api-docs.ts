// The emulated API's document, served as it is in openapi/ (never regenerated from routes), and Swagger UI
// over it. These paths live outside /v1, so they cannot shadow the emulated API.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';

export async function registerApiDocs(app: FastifyInstance, contract: Contract, withControlPlane = true): Promise<void> {
  await app.register(swagger, { mode: 'static', specification: { document: contract.document as never } });
  // The document's only server is `/`, so "Try it out" goes to whichever host served the page. The time
  // parameters carry no example on purpose: Swagger UI would pre-fill them and hide every task.
  // The control plane's document (served at /_mock/openapi.json by the control plane) is shown beside it.
  await app.register(swaggerUi, {
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
  app.get('/openapi.json', async () => app.swagger());
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })));
}
