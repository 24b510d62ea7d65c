// Fastify, loaded with require rather than import. Imported from an ES module, a CommonJS package goes through
// Node's ES module loader (a lexer pass over its source for named exports, asynchronous resolution): on Node 20
// that made loading Fastify take half as long again, a sixth of the mock's time to its first answer.
import { createRequire } from 'node:module';

const fastifyModule = createRequire(import.meta.url)('fastify') as typeof import('fastify');

export const Fastify = fastifyModule.fastify;
export const LogController = fastifyModule.LogController;
