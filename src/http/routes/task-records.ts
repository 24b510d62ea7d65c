// Operations on a task's record beside create, list and cancel (SPEC 9.1, 9.2): deleting a finished task's record
// and retrying a failed one, where a kind's descriptor names such an operation, and the reads derived from
// transcoding tasks (ListTranscodeDetail, ListStatSummary).
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { TASK_KINDS } from '../../domain/tasks/task-kinds.js';
import type { StatType } from '../../domain/tasks/transcoding-reads.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { bindBody } from '../request-body.js';
import { JSON_CONTENT_TYPE, vendorHandler } from '../vendor-envelope.js';

export function registerTaskRecordRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  const { contract, service } = deps;
  for (const kind of TASK_KINDS) {
    if (kind.recordDeleteOperationId) {
      const op = contract.operation(kind.recordDeleteOperationId);
      const readParams = bindParameters<{ project_id: string; task_id: string }>(op);
      app.delete(
        fastifyPath(op.path),
        vendorHandler((request, reply) => {
          const { project_id, task_id } = readParams(request.params as Record<string, string>, request.query as RawQuery);
          service.deleteTaskRecord(kind, project_id, String(task_id));
          reply.code(204).send();
        }),
      );
    }
    if (kind.retryOperationId) {
      const op = contract.operation(kind.retryOperationId);
      const readParams = bindParameters<{ project_id: string }>(op);
      const readBody = bindBody<{ task_id?: string }>(contract, kind.retryOperationId);
      app.put(
        fastifyPath(op.path),
        vendorHandler((request, reply) => {
          const { project_id } = readParams(request.params as Record<string, string>, request.query as RawQuery);
          const { task_id } = readBody(request.body);
          service.retryTask(kind, project_id, String(task_id));
          // Deviation: the vendor answers 200 with no body; the mock's bodies are never empty but for a 204 (SPEC 1.5).
          reply.code(200).send({});
        }),
      );
    }
  }

  const detail = contract.operation('ListTranscodeDetail');
  const readDetail = bindParameters<{ project_id: string; task_id: string[] }>(detail);
  app.get(
    fastifyPath(detail.path),
    vendorHandler((request, reply) => {
      const { project_id, task_id } = readDetail(request.params as Record<string, string>, request.query as RawQuery);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify({ task_array: service.listTranscodeDetail(project_id, task_id) }));
    }),
  );

  const summaries = contract.operation('ListStatSummary');
  const readSummaries = bindParameters<{ project_id: string; start_time: string; end_time: string; stat_type: StatType }>(summaries);
  app.get(
    fastifyPath(summaries.path),
    vendorHandler((request, reply) => {
      const q = readSummaries(request.params as Record<string, string>, request.query as RawQuery);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(service.listStatSummary(q.project_id, q.start_time, q.end_time, q.stat_type)));
    }),
  );
}
