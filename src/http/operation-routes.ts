// One binder for the operations whose handler is a call into the service (templates, account, callbacks): each
// operation of the document is bound to its method and path, its parameters and body validated by the document,
// and the service's answer written as a status and, but for a 204, a JSON body.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { VendorError } from '../domain/vendor-errors.js';
import type { Contract } from '../contract/openapi.js';
import { bindParameters, fastifyPath, type RawQuery } from './parameters.js';
import { bindBody } from './request-body.js';
import { JSON_CONTENT_TYPE, sendVendorError, vendorHandler } from './vendor-envelope.js';

/** What an operation answers: a status and, but for a 204, a JSON body. */
export type Answer = ({ status: 200 | 201 } & { body: unknown }) | { status: 204 };
export type Params = Record<string, unknown> & { project_id: string };
/** Each operation: whether it takes a body, and what the service makes of its parameters and body (now, or once an object store has answered). */
export type OperationTable = Record<string, { body: boolean; answer: (p: Params, body: unknown) => Answer | Promise<Answer> }>;

function send(reply: FastifyReply, result: Answer): void {
  if (result.status === 204) reply.code(204).send();
  else reply.code(result.status).type(JSON_CONTENT_TYPE).send(JSON.stringify(result.body));
}

export function registerOperationRoutes(app: FastifyInstance, contract: Contract, table: OperationTable): void {
  for (const [operationId, { body, answer }] of Object.entries(table)) {
    const op = contract.operation(operationId);
    const readParams = bindParameters<Params>(op);
    const readBody = body ? bindBody<unknown>(contract, operationId) : undefined;
    app.route({
      method: op.method as 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: fastifyPath(op.path),
      handler: vendorHandler((request, reply) => {
        const params = readParams(request.params as Record<string, string>, request.query as RawQuery);
        const result = answer(params, readBody?.(request.body));
        if (!(result instanceof Promise)) return send(reply, result);
        // A VendorError thrown later is answered in the envelope, as one thrown now is.
        return result.then(
          (r) => send(reply, r),
          (error: unknown) => {
            if (!(error instanceof VendorError)) throw error;
            sendVendorError(request, reply, error);
          },
        );
      }),
    });
  }
}
