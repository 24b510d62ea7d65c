// The VOD snapshot-details query.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { MpcService } from '../../domain/mpc-service.js';
import type { ThumbnailDetailsParams } from '../../domain/tasks/thumbnail-details.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { JSON_CONTENT_TYPE, vendorHandler } from '../vendor-envelope.js';

export function registerThumbnailDetailsRoute(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  const op = deps.contract.operation('ListThumbnailDetails');
  // Deviation: the real VOD service answers bad parameters with VOD.10053; the mock answers MPC.10202 like
  // every other endpoint (SPEC 3.1), so clients see one error code for one kind of mistake.
  const readParams = bindParameters<ThumbnailDetailsParams & { project_id: string }>(op);
  app.get(
    fastifyPath(op.path),
    vendorHandler((request, reply) => {
      const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
      const page = deps.service.listThumbnailDetails(params.project_id, params);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify({ total: page.total, thumbnail_result: page.thumbnails }));
    }),
  );
}
