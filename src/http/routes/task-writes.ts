// Creating and cancelling tasks (SPEC 4.1, 4.2, 4.4, 9.1): one create and one cancel route per kind descriptor,
// one implementation behind them all.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { createResponse, type CreateRequest } from '../../domain/tasks/task-documents.js';
import { TASK_KINDS } from '../../domain/tasks/task-kinds.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { bindBody } from '../request-body.js';
import { vendorHandler } from '../vendor-envelope.js';

export function registerTaskWriteRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  for (const kind of TASK_KINDS) {
    const create = deps.contract.operation(kind.createOperationId);
    const readCreateParams = bindParameters<{ project_id: string }>(create);
    const readBody = bindBody<CreateRequest>(deps.contract, kind.createOperationId);
    app.post(
      fastifyPath(create.path),
      vendorHandler(async (request, reply) => {
        const { project_id } = readCreateParams(request.params as Record<string, string>, request.query as RawQuery);
        const body = readBody(request.body);
        const created = await deps.service.createTask(kind, project_id, body);
        // A synchronous create is answered 200; a queued one with the kind's documented status (SPEC 4.1, 9.1).
        reply.code(created.synchronous ? 200 : kind.createStatus).send(createResponse(kind, created.task, body));
      }),
    );

    const cancel = deps.contract.operation(kind.cancelOperationId);
    const readCancelParams = bindParameters<{ project_id: string } & Record<'task_id' | 'job_id', string>>(cancel);
    app.delete(
      fastifyPath(cancel.path),
      vendorHandler((request, reply) => {
        const params = readCancelParams(request.params as Record<string, string>, request.query as RawQuery);
        deps.service.cancelTask(kind, params.project_id, params[kind.idParam]);
        reply.code(204).send();
      }),
    );
  }
}
