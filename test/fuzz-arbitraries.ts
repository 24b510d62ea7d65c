// fast-check arbitraries for test/fuzz.test.ts: values drawn from the OpenAPI documents' own schemas (so that a
// good share of the requests get past validation and reach the domain and the store), mutated now and then into
// what no schema allows, and the hostile strings, paths and bodies that clients and scanners send.
import fc from 'fast-check';
import type { OpenApiDocument, ParameterSchema } from '../src/contract/openapi.js';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema | false;
  prefixItems?: Schema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};

/** Strings that have broken servers before: SQL, path traversal, NUL, bidi and combining marks, prototype keys. */
export const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  "1' OR '1'='1",
  '1; DROP TABLE tasks; --',
  '" OR ""="',
  '%',
  '%00',
  '\u0000',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '$where',
  '*',
  '?',
  '\u202eevil',
  'Z̷̡͓̈a̸͙͝l̵̰̐g̶̞̓o̴̗͋',
  '日本語のタスク',
  '🎬🎞️👩‍👩‍👧',
  '\ud800',
  '\t\r\n',
  ' ',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
];

/** Query values that a parameter of any type might be given and must refuse or ignore, never choke on. */
export const HOSTILE_QUERY_VALUES = [
  ...HOSTILE_STRINGS,
  '-1',
  '1.5',
  '1e2',
  '0x10',
  ' 5',
  '5 ',
  '+5',
  '00000000000000000000000000001',
  '99999999999999999999999',
  '9007199254740993',
  'abc',
  '20230230000000',
  '20231301000000',
  '00000000000000',
  '99991231235959',
  '2023-01-01T00:00:00Z',
  'SUCCEEDED ',
  'succeeded',
];

/** A string of `n` characters, made once (fast-check would spend seconds drawing a megabyte char by char). */
const longString = (n: number, unit = 'x') => unit.repeat(n);

/** Anything in place of a value: wrong types, extremes, hostile strings, huge strings, deep nesting. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), Number.MIN_VALUE) },
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => longString(n)) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>([], {}, [null], [[[]]], { '': '' }) },
  // An own property named __proto__, as JSON.parse makes it.
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') as unknown) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 90 }).map((depth) => nest(depth)) },
);

/** A value nested `depth` arrays and objects deep. */
function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const mpcTime = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`);
const isoTime = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

export interface SchemaArbitraryOptions {
  /**
   * Whether a value may be mutated: about two in five are, in one place each (a field replaced by a weird value,
   * or removed), so that the rest stay valid and reach the domain. Mutating every node at random instead left
   * almost no large body valid.
   */
  mutate: boolean;
  /** Whether objects that allow them get unknown fields now and then. */
  extraFields: boolean;
}

/**
 * Values that the schema describes, from the document's components. `#/components/schemas/X` refs are followed;
 * recursion stops at a depth where the value gets simple. `if`/`then` is ignored (it only fills in defaults in
 * these documents).
 */
export function schemaArbitrary(document: OpenApiDocument, schema: Schema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const base = plain(document, schema, options, 0);
  if (!options.mutate) return base;
  const mutation = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.record({ at: fc.nat(), value: weirdValue }) },
    { weight: 1, arbitrary: fc.record({ at: fc.nat(), remove: fc.constant(true) }) },
  );
  return fc.tuple(base, mutation).map(([value, m]) => (m === null ? value : mutateOnce(value, m)));
}

/** The value with one of its nodes (the root included) replaced, or one field or item removed. */
function mutateOnce(value: unknown, m: { at: number; value?: unknown; remove?: boolean }): unknown {
  // A copy: generated values may share objects with constants (the default fixtures' tasks).
  const copy = JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
  const places: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    for (const key of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      places.push([v as Record<string, unknown>, key]);
      walk((v as Record<string | number, unknown>)[key]);
    }
  };
  walk(copy);
  const i = m.at % (places.length + 1);
  if (i === places.length) return m.remove ? undefined : m.value;
  const [parent, key] = places[i]!;
  if (m.remove) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    Object.defineProperty(parent, key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  while (s.$ref !== undefined) {
    const { $ref, ...rest } = s;
    const found = document.components.schemas[$ref.replace('#/components/schemas/', '')] as Schema | undefined;
    if (!found) throw new Error(`unresolved ${$ref}`);
    s = { ...found, ...rest };
  }
  return s;
}

function plain(document: OpenApiDocument, raw: Schema, options: SchemaArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  const next = (s: Schema) => plain(document, s, options, depth + 1);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const { oneOf: _o, anyOf: _a, ...parent } = schema;
    return fc.oneof(...branches.map((b) => plain(document, { ...parent, ...resolve(document, b) }, options, depth)));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? (schema.properties ? 'object' : undefined));
  switch (type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Math.floor(schema.exclusiveMinimum) + 1 : -100_000);
      const max = schema.maximum ?? Math.max(min, 0) + 100_000;
      const step = schema.multipleOf ?? 1;
      return fc.integer({ min: Math.ceil(min / step), max: Math.floor(max / step) }).map((k) => k * step);
    }
    case 'number': {
      if (schema.multipleOf !== undefined) {
        const step = schema.multipleOf;
        return fc.integer({ min: Math.ceil((schema.minimum ?? 0) / step), max: Math.floor((schema.maximum ?? 100_000) / step) }).map((k) => k * step);
      }
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -100_000;
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(schema.maximum ?? 100_000) }).filter((n) => schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum),
        fc.double({ min, max: schema.maximum ?? 100_000, noNaN: true, noDefaultInfinity: true, minExcluded: schema.exclusiveMinimum !== undefined }),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = schema.minItems ?? 0;
      if (schema.prefixItems) {
        // (The documents' one tuple says `items: false`: nothing after the prefix.)
        return fc.tuple(...schema.prefixItems.map(next));
      }
      if (depth > 7) return fc.constant([]);
      const items = schema.items ? next(schema.items) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: min, maxLength: Math.min(schema.maxItems ?? min + 3, min + 3) });
    }
    case 'object': {
      if (depth > 7) return fc.constant({});
      const properties = schema.properties ?? {};
      const required = (schema.required ?? []).filter((k) => k in properties);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, next(s)])),
        { requiredKeys: required },
      ) as fc.Arbitrary<Record<string, unknown>>;
      const extras =
        options.extraFields && schema.additionalProperties !== false
          ? fc.oneof(
              { weight: 6, arbitrary: fc.constant({}) },
              { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('unknown_field', 'x-extra', '__proto__', 'task_id', 'é'), weirdValue, { maxKeys: 2 }) },
            )
          : fc.constant({});
      return fc.tuple(record, extras).map(([value, more]) => {
        const out: Record<string, unknown> = { ...value };
        // defineProperty, so that a key named __proto__ is an own field, as JSON.parse would make it.
        for (const [k, v] of Object.entries(more)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        return out;
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') return isoTime;
  if (schema.format === 'yyyymmddhhmmss') return mpcTime;
  if (schema.format === 'uri') return fc.webUrl({ validSchemes: ['https', 'http'] });
  if (schema.pattern !== undefined) {
    const re = new RegExp(schema.pattern);
    return fc.stringMatching(re).filter((s) => (schema.minLength ?? 0) <= s.length && s.length <= (schema.maxLength ?? Infinity));
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, 48));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
  );
}

/** A query value for one parameter: valid by its schema (as text), or one that is not. */
export function parameterValue(document: OpenApiDocument, schema: ParameterSchema): fc.Arbitrary<string> {
  const valid = schemaArbitrary(document, schema as Schema, { mutate: false, extraFields: false }).map((v) => String(v));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 3_000 }).map((n) => longString(n, '7')) },
  );
}
