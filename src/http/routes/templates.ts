// A project's transcoding templates (SPEC 10.1): CreateTransTemplate, ListTemplate, UpdateTransTemplate and
// DeleteTemplate, bound to their operations in the document, which validates their parameters and bodies.
import type { FastifyInstance } from 'fastify';
import type { Contract } from '../../contract/openapi.js';
import type { CreateTransTemplateBody, ModifyTransTemplateBody } from '../../domain/templates/custom-templates.js';
import type { MpcService } from '../../domain/mpc-service.js';
import { bindParameters, fastifyPath, type RawQuery } from '../parameters.js';
import { bindBody } from '../request-body.js';
import { JSON_CONTENT_TYPE, vendorHandler } from '../vendor-envelope.js';

export function registerTemplateRoutes(app: FastifyInstance, deps: { contract: Contract; service: MpcService }): void {
  const { contract, service } = deps;

  const create = contract.operation('CreateTransTemplate');
  const readCreate = bindParameters<{ project_id: string }>(create);
  const readCreateBody = bindBody<CreateTransTemplateBody>(contract, 'CreateTransTemplate');
  app.post(
    fastifyPath(create.path),
    vendorHandler((request, reply) => {
      const { project_id } = readCreate(request.params as Record<string, string>, request.query as RawQuery);
      const id = service.createTransTemplate(project_id, readCreateBody(request.body));
      reply.code(201).type(JSON_CONTENT_TYPE).send(JSON.stringify({ template_id: id }));
    }),
  );

  const list = contract.operation('ListTemplate');
  const readList = bindParameters<{ project_id: string; template_id?: number[]; page: number; size: number }>(list);
  app.get(
    fastifyPath(list.path),
    vendorHandler((request, reply) => {
      const { project_id, ...q } = readList(request.params as Record<string, string>, request.query as RawQuery);
      reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(service.listTransTemplates(project_id, q)));
    }),
  );

  const update = contract.operation('UpdateTransTemplate');
  const readUpdate = bindParameters<{ project_id: string }>(update);
  const readUpdateBody = bindBody<ModifyTransTemplateBody>(contract, 'UpdateTransTemplate');
  app.put(
    fastifyPath(update.path),
    vendorHandler((request, reply) => {
      const { project_id } = readUpdate(request.params as Record<string, string>, request.query as RawQuery);
      service.updateTransTemplate(project_id, readUpdateBody(request.body));
      reply.code(204).send();
    }),
  );

  const remove = contract.operation('DeleteTemplate');
  const readRemove = bindParameters<{ project_id: string; template_id: number }>(remove);
  app.delete(
    fastifyPath(remove.path),
    vendorHandler((request, reply) => {
      const { project_id, template_id } = readRemove(request.params as Record<string, string>, request.query as RawQuery);
      service.deleteTransTemplate(project_id, template_id);
      reply.code(204).send();
    }),
  );
}
