// Every response the suite receives from the emulated API is checked against the OpenAPI document: the
// body against the operation's response schema for that status, and the headers every response carries.
// A violation is recorded here and fails the test that caused it (see test/setup.ts), so a field the
// document does not allow, a wrong type or a missing required field cannot pass unnoticed.
import type { FastifyInstance } from 'fastify';
import type { ValidateFunction } from 'ajv';
import type { Contract } from '../src/contract/openapi.js';
import { fastifyPath } from '../src/http/parameters.js';

export const violations: string[] = [];

interface ResponseObject {
  $ref?: string;
  content?: { 'application/json'?: { schema?: object } };
}

export function installResponseValidation(app: FastifyInstance, contract: Contract): void {
  const doc = contract.document as unknown as { components: { responses: Record<string, ResponseObject> } };
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, response: ResponseObject | undefined): ValidateFunction | undefined => {
    if (!response) return undefined;
    const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!] : response;
    const schema = resolved?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    let v = compiled.get(key);
    if (!v) {
      // Rewrite the document's local refs to the id under which the contract registered the document.
      v = contract.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"mpc-api#/components/')));
      compiled.set(key, v);
    }
    return v;
  };
  const operations = new Map(contract.operations().map((op) => [`${op.method} ${fastifyPath(op.path)}`, op]));
  const notFound = validatorFor('404', { $ref: '#/components/responses/ApiNotFound' });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/v1/') && reply.statusCode !== 404) return payload;
    const where = `${request.method} ${request.url} -> ${reply.statusCode}`;
    const requestId = reply.getHeader('x-request-id');
    if (typeof requestId !== 'string' || !/^[0-9a-f]{32}$/.test(requestId)) violations.push(`${where}: X-Request-Id is ${String(requestId)}`);
    const type = reply.getHeader('content-type');
    if (type !== 'application/json;charset=UTF-8') violations.push(`${where}: Content-Type is ${String(type)}`);
    const op = operations.get(`${request.method} ${request.routeOptions.url}`);
    const status = String(reply.statusCode);
    const validate = op ? validatorFor(`${op.operation.operationId} ${status}`, op.operation.responses[status] as ResponseObject) : reply.statusCode === 404 ? notFound : undefined;
    if (!validate) {
      violations.push(`${where}: the document defines no response ${status} here`);
      return payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(String(payload));
    } catch {
      violations.push(`${where}: body is not JSON`);
      return payload;
    }
    if (!validate(body)) violations.push(`${where}: ${JSON.stringify(validate.errors)}`);
    return payload;
  });
}
