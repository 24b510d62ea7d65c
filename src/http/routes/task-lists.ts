// The task lists: one route per kind descriptor, one implementation behind them all.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import { taskListBody, type ListTasksParams } from '../../domain/tasks/list-tasks.js';
import { TASK_KINDS } from '../../domain/tasks/task-kinds.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { JSON_CONTENT_TYPE, vendorHandler } from '../vendor-envelope.js';

export function registerTaskListRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  for (const kind of TASK_KINDS) {
    const op = deps.contract.operation(kind.listOperationId);
    const readParams = bindParameters<ListTasksParams & { project_id: string; job_id?: string[] }>(op);
    app.get(
      fastifyPath(op.path),
      vendorHandler((request, reply) => {
        const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
        // Editing jobs are asked for by job_id; the domain knows every kind's ids as task ids.
        if (kind.idParam === 'job_id' && params.job_id !== undefined) params.task_id = params.job_id;
        reply.type(JSON_CONTENT_TYPE).send(taskListBody(kind, deps.service.listTasks(kind, params.project_id, params)));
      }),
    );
  }
}
