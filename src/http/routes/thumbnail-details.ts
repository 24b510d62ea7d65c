// The VOD snapshot-details query.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import { listThumbnailDetails, type ThumbnailDetailsParams } from '../../domain/thumbnail-details.js';
import type { TaskStore } from '../../storage/task-store.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';

export function registerThumbnailDetailsRoute(app: FastifyInstance, deps: { contract: Contract; store: TaskStore }): void {
  const op = deps.contract.operation('ListThumbnailDetails');
  // Deviation: the real VOD service answers bad parameters with VOD.10053; the mock answers MPC.10202 like
  // every other endpoint (SPEC 3.1), so clients see one error code for one kind of mistake.
  const readParams = bindParameters<ThumbnailDetailsParams & { project_id: string }>(op);
  app.get(fastifyPath(op.path), async (request) => {
    const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
    const page = listThumbnailDetails(deps.store, params.project_id, params);
    return { total: page.total, thumbnail_result: page.thumbnails };
  });
}
