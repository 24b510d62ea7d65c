// Request bodies are read as real clients send them and checked against the operation's schema in the
// OpenAPI document, so the document is the only place the rules are written (SPEC 4.1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
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
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return done(invalidParameter('the body is not valid JSON'), undefined);
    }
    // Nothing the APIs take nests deeper; a body that does would only exhaust the stack of whoever walks it.
    if (tooDeep(data, MAX_BODY_DEPTH)) return done(invalidParameter(`the body nests deeper than ${MAX_BODY_DEPTH} levels`), undefined);
    done(null, data);
  });
}

export const MAX_BODY_DEPTH = 64;
/** The journal keeps bodies up to this many characters; a longer one is kept cut, as text. */
export const MAX_JOURNALED_BODY = 64 * 1024;

/** A body as the journal shows it: the JSON the client sent, or its text when it is not JSON, too deep or too long. */
export function journaledBody(raw: string): unknown {
  if (raw.length > MAX_JOURNALED_BODY) return `${raw.slice(0, MAX_JOURNALED_BODY)}… (${raw.length} characters in all)`;
  try {
    const data: unknown = JSON.parse(raw);
    return tooDeep(data, MAX_BODY_DEPTH) ? raw : data;
  } catch {
    return raw;
  }
}

/** Whether a parsed JSON value nests deeper than `limit` objects and arrays; iterative, so it cannot overflow. */
function tooDeep(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

const NUMERIC = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * Real clients send numeric strings where an integer is due (`"trans_template_id": ["556813"]`) and the real
 * service takes them (SPEC 4.1). Only those are taken: a string of digits where the schema says integer or
 * number becomes that number. Nothing else changes type (a null, a boolean, a non-numeric string stay errors).
 * Answers whether anything changed.
 */
function takeNumericStrings(data: unknown, errors: readonly ErrorObject[]): boolean {
  let changed = false;
  for (const error of errors) {
    if (error.keyword !== 'type') continue;
    const wanted = String((error.params as { type: unknown }).type);
    if (!/\b(integer|number)\b/.test(wanted)) continue;
    const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (path.length === 0) continue;
    let parent = data as Record<string, unknown>;
    for (const key of path.slice(0, -1)) parent = parent?.[key] as Record<string, unknown>;
    const last = path.at(-1)!;
    const value = parent?.[last];
    if (typeof value !== 'string' || !NUMERIC.test(value)) continue;
    const n = Number(value);
    if (wanted.includes('integer') && !Number.isSafeInteger(n)) continue;
    parent[last] = n;
    changed = true;
  }
  return changed;
}

export type BodyReader<T> = (body: unknown) => T;

/** A reader of one operation's body: the validated (coerced, stripped, defaulted) body, or a 400 naming the field. */
export function bindBody<T>(contract: Contract, operationId: string): BodyReader<T> {
  return (body) => {
    const validate = contract.requestBody(operationId);
    if (!validate) throw new Error(`${operationId} takes no request body`);
    // No body at all (no Content-Type) is read like an empty one.
    const data = body === undefined || body === null ? {} : body;
    // Validate, take the numeric strings the errors point at, and validate again, until nothing more changes.
    for (let round = 0; round < 8; round++) {
      if (validate(data)) return data as T;
      if (!takeNumericStrings(data, validate.errors ?? [])) break;
    }
    const errors = validate.errors ?? [];
    // Ajv reports an anyOf's (oneOf's) branches before it; the anyOf says the rule as the document words it.
    const error = errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf') ?? errors[0]!;
    const { field, message } = describeSchemaError(error);
    throw invalidParameter(field ? `${field} ${message}` : `the body ${message}`);
  };
}
