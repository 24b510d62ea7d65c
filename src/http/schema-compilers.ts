// Fastify's default schema compilers, loaded only when a route with a schema needs one. Fastify loads them (and
// an Ajv of its own) when an app is made, a fifth of the time to the mock's first answer; the mock's routes
// carry no schemas (parameters and bodies are checked against the documents by src/http), so they never load.
import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

// Resolved from where Fastify resolves them: they are its dependencies, not the mock's.
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'));

type CompilerBuilder = (...args: unknown[]) => unknown;
let validatorBuilder: CompilerBuilder | undefined;
let serializerBuilder: CompilerBuilder | undefined;

/**
 * For Fastify's `schemaController` option. One difference follows from passing builders at all: Fastify then
 * counts the validator as custom and leaves a route's `headers` schema keys as written instead of lowercasing
 * them, so a route that adds one must write them in lowercase.
 */
export const lazySchemaCompilers = {
  compilersFactory: {
    buildValidator: (...args: unknown[]) => (validatorBuilder ??= (fastifyRequire('@fastify/ajv-compiler') as () => CompilerBuilder)())(...args),
    buildSerializer: (...args: unknown[]) =>
      (serializerBuilder ??= (fastifyRequire('@fastify/fast-json-stringify-compiler') as () => CompilerBuilder)())(...args),
  },
} as unknown as NonNullable<FastifyServerOptions['schemaController']>;
