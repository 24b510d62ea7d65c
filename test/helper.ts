// The one way tests build the app: a fresh in-memory store with the default fixtures (or the ones given),
// predictable request ids, and a hook that checks every response against the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { buildApp } from '../src/app.js';
import { loadContract, type Contract } from '../src/contract/openapi.js';
import { sequentialIds } from '../src/domain/ids.js';
import { DEFAULT_FIXTURES_DIR, readFixtureDirectory, type FixtureSet } from '../src/fixtures/fixture-files.js';
import { createTaskStore, type TaskStore } from '../src/storage/task-store.js';
import { installResponseValidation } from './response-validation.js';

let contract: Contract | undefined;
export function testContract(): Contract {
  contract ??= loadContract();
  return contract;
}

let defaults: FixtureSet | undefined;
export function defaultFixtures(): FixtureSet {
  defaults ??= readFixtureDirectory(testContract(), DEFAULT_FIXTURES_DIR);
  return defaults;
}

export interface TestApp {
  app: FastifyInstance;
  store: TaskStore;
  request: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export async function buildTestApp(options: { fixtures?: FixtureSet; logger?: object } = {}): Promise<TestApp> {
  const store = createTaskStore();
  const fixtures = options.fixtures ?? defaultFixtures();
  store.replaceAll(fixtures.tasks, fixtures.details);
  const app = await buildApp({
    contract: testContract(),
    store,
    ids: sequentialIds(),
    ...(options.logger ? { logger: options.logger } : {}),
    beforeReady: (instance) => installResponseValidation(instance, testContract()),
  });
  return {
    app,
    store,
    request: supertest(app.server),
    async close() {
      await app.close();
      store.close();
    },
  };
}

/** The body of a 400 MPC.10202 with the given detail. */
export const invalid = (detail: string) => ({ error_code: 'MPC.10202', error_msg: `Invalid request parameter, ${detail}.` });

/** A project id as the real service has them. */
export const PROJECT = '0123456789abcdef0123456789abcdef';
/** The project that owns fixtures/project-0a1b2c3d.json. */
export const FIXTURE_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
