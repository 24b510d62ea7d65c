// The emulated API's OpenAPI document is the single source of truth for shapes: request parameters,
// task documents and fixture files are all validated against the schemas read from it here.
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, CodeOptions, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import * as precompiled from './fixture-validator.generated.js';
import { FORMATS } from './formats.js';

export const MPC_API_DOCUMENT_PATH = new URL('../../openapi/mpc-api.yaml', import.meta.url);
/** What the mock reads at start: JSON derived from the YAML (scripts/derive-documents.ts; CI checks it is current). */
const derived = (yaml: URL) => new URL(yaml.href.replace(/\.yaml$/, '.json'));
/** The control plane's own document (SPEC 6), beside the vendor API's. */
export const MOCK_CONTROL_DOCUMENT_PATH = new URL('../../openapi/mock-control.yaml', import.meta.url);

export interface ParameterSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  items?: ParameterSchema;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: ParameterSchema;
  /** The vendor's "If task_id is specified, this parameter is invalid": skipped entirely when that parameter is present. */
  'x-ignored-when-present'?: string;
}

export interface OperationObject {
  operationId: string;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content?: { 'application/json'?: { schema?: object } } };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown>; parameters: Record<string, ParameterObject> };
}

export interface BoundOperation {
  method: string;
  /** The OpenAPI path template, e.g. /v1/{project_id}/thumbnails. */
  path: string;
  operation: OperationObject;
  parameters: ParameterObject[];
}

export interface Contract {
  document: OpenApiDocument;
  operation(operationId: string): BoundOperation;
  operations(): BoundOperation[];
  /** The allowed values of one query parameter of an operation, e.g. a list's status words. */
  queryEnum(operationId: string, name: string): readonly string[];
  /** A validator for an arbitrary schema that may $ref the document as `<id>#/components/schemas/X`. */
  compile(schema: object): ValidateFunction;
  /** The id under which the document's components resolve (`mpc-api`, `mock-control`). */
  id: string;
  /**
   * The validator of an operation's JSON request body, compiled on first use: fields the schema does not know
   * are dropped, documented defaults are filled in, and every error is reported. Undefined when the operation
   * takes no body.
   */
  requestBody(operationId: string): ValidateFunction | undefined;
}

const require = createRequire(import.meta.url);
let ajvClass: typeof Ajv2020 | undefined;

/**
 * A new Ajv for the documents. Ajv is loaded here, on the first schema that needs compiling, not when this
 * module is: importing it costs a start ~45 ms, and a start with the default fixtures compiles nothing (their
 * validator is precompiled, see `compile` below; request bodies compile on their operation's first request).
 * `code` is for scripts/derive-documents.ts, which writes that precompiled validator with these same options.
 */
export function createAjv(options: { forRequests?: boolean; id?: string; document?: OpenApiDocument; code?: CodeOptions } = {}): Ajv2020 {
  ajvClass ??= (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020;
  // strict mode stays on: an unknown keyword in the document is a mistake in the document.
  // The document is linted against the OpenAPI schema in CI (npm run lint:openapi); checking it against
  // the JSON Schema meta-schema again at every start would cost a third of the contract's load time.
  const ajv = new ajvClass({
    allErrors: false,
    strict: true,
    validateSchema: false,
    // Request bodies (SPEC 4.1): unknown fields are ignored, documented defaults filled in, every error is
    // collected (so numeric strings can be taken where a number is due, see src/http/request-body.ts), and the
    // schema's parent is kept on each error so an anyOf failure can be told as the rule it describes.
    ...(options.forRequests ? { allErrors: true, removeAdditional: true, useDefaults: true, verbose: true } : {}),
    ...(options.code ? { code: options.code } : {}),
  });
  // `components` lets the document's own `#/components/...` pointers resolve inside Ajv; it validates nothing.
  ajv.addVocabulary(['components']);
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  if (options.document && options.id) ajv.addSchema({ $id: options.id, components: options.document.components }, options.id);
  return ajv;
}

/**
 * What a precompiled validator is keyed on: the document's id and exact text and the schema. A validator
 * compiled from anything else (a stale generated file, another document) never matches, and the schema is
 * compiled by Ajv instead.
 */
export function validatorKey(id: string, documentText: string, schema: object): string {
  return keyOf(documentHash(id, documentText), schema);
}
const documentHash = (id: string, documentText: string): Hash => createHash('sha256').update(`${id}\n${documentText}\n`);
const keyOf = (base: Hash, schema: object) => base.copy().update(JSON.stringify(schema)).digest('hex');

export function loadContract(path: URL = derived(MPC_API_DOCUMENT_PATH), id = 'mpc-api'): Contract {
  const text = readFileSync(path, 'utf8');
  const document = JSON.parse(text) as OpenApiDocument;
  // Made on first use, like the request bodies' below.
  let ajv: Ajv2020 | undefined;
  let baseHash: Hash | undefined;
  let requestAjv: Ajv2020 | undefined;
  const bodies = new Map<string, ValidateFunction | undefined>();
  const localRefs = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${id}#/components/`)) as object;

  // A parameter's schema may itself be a $ref to a component schema (the control document's ProjectId,
  // TaskKind): the parameter reader needs the rules, so they are followed here, once, at load.
  const resolveSchema = (schema: ParameterSchema & { $ref?: string }): ParameterSchema => {
    let resolved: ParameterSchema & { $ref?: string } = schema;
    if (schema.$ref !== undefined) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const found = document.components.schemas[name] as ParameterSchema | undefined;
      if (!found) throw new Error(`OpenAPI document: unresolved schema ${schema.$ref}`);
      const { $ref: _ref, ...rest } = schema;
      resolved = { ...resolveSchema(found), ...rest };
    }
    return resolved.items ? { ...resolved, items: resolveSchema(resolved.items) } : resolved;
  };
  const resolveParameter = (p: ParameterObject | { $ref: string }): ParameterObject => {
    let found: ParameterObject | undefined = p as ParameterObject;
    if ('$ref' in p) {
      const name = p.$ref.replace('#/components/parameters/', '');
      found = document.components.parameters[name];
      if (!found) throw new Error(`OpenAPI document: unresolved parameter ${p.$ref}`);
    }
    return { ...found, schema: resolveSchema(found.schema) };
  };

  const bound = new Map<string, BoundOperation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      bound.set(operation.operationId, {
        method: method.toUpperCase(),
        path,
        operation,
        parameters: (operation.parameters ?? []).map(resolveParameter),
      });
    }
  }

  return {
    document,
    operation(operationId) {
      const op = bound.get(operationId);
      if (!op) throw new Error(`OpenAPI document has no operation ${operationId}`);
      return op;
    },
    operations: () => [...bound.values()],
    queryEnum(operationId, name) {
      const op = bound.get(operationId);
      const param = op?.parameters.find((p) => p.in === 'query' && p.name === name);
      if (!param?.schema.enum) throw new Error(`OpenAPI document: ${operationId} has no enumerated query parameter ${name}`);
      return param.schema.enum as string[];
    },
    compile(schema) {
      // The fixture file's validator, checked at every start, comes precompiled when it was made from this very
      // document and schema; anything else is compiled here.
      baseHash ??= documentHash(id, text);
      if (keyOf(baseHash, schema) === precompiled.key) return precompiled.validate as ValidateFunction;
      ajv ??= createAjv({ id, document });
      return ajv.compile(schema);
    },
    id,
    requestBody(operationId) {
      if (bodies.has(operationId)) return bodies.get(operationId);
      const schema = bound.get(operationId)?.operation.requestBody?.content?.['application/json']?.schema;
      let validate: ValidateFunction | undefined;
      if (schema) {
        // A second Ajv, because stripping and defaults change the data they validate: never for fixtures.
        requestAjv ??= createAjv({ forRequests: true, id, document });
        validate = requestAjv.compile(localRefs(schema));
      }
      bodies.set(operationId, validate);
      return validate;
    },
  };
}

/** The control plane's document, as a contract of its own. */
export function loadControlContract(): Contract {
  return loadContract(derived(MOCK_CONTROL_DOCUMENT_PATH), 'mock-control');
}

/** One Ajv error as "field: message", with the JSON pointer turned into a dotted field path. */
export function describeSchemaError(error: ErrorObject, base = ''): { field: string; message: string } {
  const pointer = (base + error.instancePath).split('/').filter(Boolean).join('.');
  let field = pointer;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    field = pointer ? `${pointer}.${extra}` : extra;
    message = 'is not a field of this schema';
  } else if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    field = pointer ? `${pointer}.${missing}` : missing;
    message = 'is required';
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  } else if ((error.keyword === 'anyOf' || error.keyword === 'oneOf') && typeof (error.parentSchema as { description?: unknown } | undefined)?.description === 'string') {
    // The document phrases a range of several intervals as its description ("0, or 40 to 50000").
    message = `must be ${(error.parentSchema as { description: string }).description}`;
  }
  return { field, message };
}
