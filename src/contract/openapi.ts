// The emulated API's OpenAPI document is the single source of truth for shapes: request parameters,
// task documents and fixture files are all validated against the schemas read from it here.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { isMpcTime } from '../domain/mpc-time.js';

export const MPC_API_DOCUMENT_PATH = new URL('../../openapi/mpc-api.yaml', import.meta.url);
const DOCUMENT_ID = 'mpc-api';

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
  /** A validator for an arbitrary schema that may $ref the document as `mpc-api#/components/schemas/X`. */
  compile(schema: object): ValidateFunction;
}

function createAjv(): Ajv2020 {
  // strict mode stays on: an unknown keyword in the document is a mistake in the document.
  // The document is linted against the OpenAPI schema in CI (npm run lint:openapi); checking it against
  // the JSON Schema meta-schema again at every start would cost a third of the contract's load time.
  const ajv = new Ajv2020({ allErrors: false, strict: true, validateSchema: false });
  // `components` lets the document's own `#/components/...` pointers resolve inside Ajv; it validates nothing.
  ajv.addVocabulary(['components']);
  ajv.addFormat('yyyymmddhhmmss', { type: 'string', validate: isMpcTime });
  // A URL as the VOD API returns it; a strict RFC 3986 check buys nothing here.
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => /^https?:\/\/\S+$/.test(s) });
  return ajv;
}

export function loadContract(path: URL | string = MPC_API_DOCUMENT_PATH): Contract {
  const document = parseYaml(readFileSync(path, 'utf8')) as OpenApiDocument;
  const ajv = createAjv();
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components }, DOCUMENT_ID);

  const resolveParameter = (p: ParameterObject | { $ref: string }): ParameterObject => {
    if ('$ref' in p) {
      const name = p.$ref.replace('#/components/parameters/', '');
      const found = document.components.parameters[name];
      if (!found) throw new Error(`OpenAPI document: unresolved parameter ${p.$ref}`);
      return found;
    }
    return p;
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
    compile: (schema) => ajv.compile(schema),
  };
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
  }
  return { field, message };
}
