// Request bodies are read as real clients send them and checked against the operation's schema in the
// OpenAPI document, so the document is the only place the rules are written (SPEC 4.1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeSchemaError, type Contract } from '../contract/openapi.js';
import { invalidParameter } from '../domain/vendor-errors.js';

/**
 * JSON bodies, with an empty one read as `{}`: the Python SDK sends a body-less POST or DELETE with
 * `Content-Type: application/json` and `Content-Length: 0`, which Fastify's own parser refuses.
 */
const rawBodies = new WeakMap<FastifyRequest, string>();

/** The body as it arrived, for the journal (which shows what the client sent, parsable or not). */
export function rawBodyOf(request: FastifyRequest): string | undefined {
  return rawBodies.get(request);
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    rawBodies.set(request, text);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(invalidParameter('the body is not valid JSON'), undefined);
    }
  });
}

export type BodyReader<T> = (body: unknown) => T;

/** A reader of one operation's body: the validated (coerced, stripped, defaulted) body, or a 400 naming the field. */
export function bindBody<T>(contract: Contract, operationId: string): BodyReader<T> {
  return (body) => {
    const validate = contract.requestBody(operationId);
    if (!validate) throw new Error(`${operationId} takes no request body`);
    // No body at all (no Content-Type) is read like an empty one.
    const data = body === undefined || body === null ? {} : body;
    if (validate(data)) return data as T;
    const errors = validate.errors ?? [];
    // Ajv reports an anyOf's (oneOf's) branches before it; the anyOf says the rule as the document words it.
    const error = errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ?? errors[0]!;
    const { field, message } = describeSchemaError(error);
    throw invalidParameter(field ? `${field} ${message}` : `the body ${message}`);
  };
}
