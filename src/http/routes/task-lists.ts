// The four MPC task lists: one route per kind descriptor, one implementation behind them all.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import { taskListBody, type ListTasksParams } from '../../domain/list-tasks.js';
import { TASK_KINDS } from '../../domain/task-kinds.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';

export function registerTaskListRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  for (const kind of TASK_KINDS) {
    const op = deps.contract.operation(kind.listOperationId);
    const readParams = bindParameters<ListTasksParams & { project_id: string }>(op);
    app.get(fastifyPath(op.path), async (request, reply) => {
      const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
      return reply.type('application/json').send(taskListBody(kind, deps.service.listTasks(kind, params.project_id, params)));
    });
  }
}
