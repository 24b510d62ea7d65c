// Every response the suite receives from the emulated API and the control plane is checked against its
// OpenAPI document: the body against the operation's response schema for that status, and the headers every
// response carries. A documented 204 has no body and needs no Content-Type.
// A violation is recorded here and fails the test that caused it (see test/setup.ts), so a field the
// document does not allow, a wrong type or a missing required field cannot pass unnoticed.
import type { FastifyInstance } from 'fastify';
import type { ValidateFunction } from 'ajv';
import type { Contract } from '../src/contract/openapi.js';
import { fastifyPath } from '../src/http/parameters.js';
import { faultOf } from '../src/http/vendor-hooks.js';

export const violations: string[] = [];

interface ResponseObject {
  $ref?: string;
  content?: { 'application/json'?: { schema?: object }; [type: string]: { schema?: object } | undefined };
}

export function installResponseValidation(app: FastifyInstance, contracts: Contract[]): void {
  const compiled = new Map<string, ValidateFunction | null>();
  /**
   * The body validator of a documented response; the content type of a documented body that is not JSON (the
   * signing certificate's PEM); null for a documented response without a body (204).
   */
  const validatorFor = (contract: Contract, key: string, response: ResponseObject | undefined): ValidateFunction | { contentType: string } | null | undefined => {
    if (!response) return undefined;
    const doc = contract.document as unknown as { components: { responses: Record<string, ResponseObject> } };
    const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').pop()!] : response;
    const schema = resolved?.content?.['application/json']?.schema;
    // A documented body of another type (the signing certificate's PEM): its type is what is checked.
    const other = Object.keys(resolved?.content ?? {}).find((t) => t !== 'application/json');
    if (!schema && other) return { contentType: other };
    if (!schema) return resolved ? null : undefined;
    const cacheKey = `${contract.id} ${key}`;
    let v = compiled.get(cacheKey);
    if (!v) {
      // Rewrite the document's local refs to the id under which the contract registered the document.
      v = contract.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${contract.id}#/components/`)));
      compiled.set(cacheKey, v);
    }
    return v;
  };
  const operations = new Map(
    contracts.flatMap((contract) => contract.operations().map((op) => [`${op.method} ${fastifyPath(op.path)}`, { contract, op }] as const)),
  );
  const notFound = validatorFor(contracts[0]!, '404', { $ref: '#/components/responses/ApiNotFound' });

  app.addHook('onSend', async (request, reply, payload) => {
    // A fault rule's answer is what the test asked for, on purpose outside the document.
    if (faultOf(request) !== undefined) return payload;
    const found = operations.get(`${request.method} ${request.routeOptions.url}`);
    if (!found && reply.statusCode !== 404) return payload;
    const where = `${request.method} ${request.url} -> ${reply.statusCode}`;
    const requestId = reply.getHeader('x-request-id');
    if (typeof requestId !== 'string' || !/^[0-9a-f]{32}$/.test(requestId)) violations.push(`${where}: X-Request-Id is ${String(requestId)}`);
    const status = String(reply.statusCode);
    const validate = found
      ? validatorFor(found.contract, `${found.op.operation.operationId} ${status}`, found.op.operation.responses[status] as ResponseObject)
      : notFound;
    if (validate === undefined) {
      violations.push(`${where}: the document defines no response ${status} here`);
      return payload;
    }
    // HEAD answers carry no body.
    if (request.method === 'HEAD') return payload;
    if (validate === null) {
      if (payload !== undefined && payload !== null && String(payload) !== '') violations.push(`${where}: a bodiless response has a body`);
      return payload;
    }
    const type = reply.getHeader('content-type');
    if ('contentType' in validate) {
      if (!String(type).startsWith(validate.contentType)) violations.push(`${where}: Content-Type is ${String(type)}, not ${validate.contentType}`);
      return payload;
    }
    if (type !== 'application/json;charset=UTF-8') violations.push(`${where}: Content-Type is ${String(type)}`);
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
