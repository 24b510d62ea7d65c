// The one way tests build the app: a fresh in-memory store with the default fixtures (or the ones given),
// predictable request ids, and a hook that checks every response against the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { buildApp } from '../src/app.js';
import { loadContract, loadControlContract, type Contract } from '../src/contract/openapi.js';
import type { ControlPlaneOptions } from '../src/control/control-plane.js';
import { inProcessControls, type InProcessControls } from '../src/control/in-process.js';
import { MockClock } from '../src/domain/steering/clock.js';
import { sequentialIds } from '../src/domain/ids.js';
import { LifecycleSettings, parseLifecycleList } from '../src/domain/tasks/lifecycle-settings.js';
import { createMpcService, type MpcService, type MpcServiceOptions } from '../src/domain/mpc-service.js';
import { OutcomeRules, type OutcomeRule } from '../src/domain/tasks/outcomes.js';
import {
  DEFAULT_FIXTURES_DIR,
  mergeFixtureSets,
  PRESET_TEMPLATES_FILE,
  readFixtureFile,
  readFixtureFiles,
  type FixtureSet,
} from '../src/fixture-format/fixture-files.js';
import { replaceTemplateState } from '../src/domain/templates/template-state.js';
import { createTaskStore, type TaskStore } from '../src/storage/tasks/task-store.js';
import { installResponseValidation } from './response-validation.js';

let contract: Contract | undefined;
export function testContract(): Contract {
  contract ??= loadContract();
  return contract;
}

let controlContract: Contract | undefined;
export function testControlContract(): Contract {
  controlContract ??= loadControlContract();
  return controlContract;
}

let defaults: FixtureSet | undefined;
/** The default fixtures and the preset templates, as a server started with no options loads them. */
export function defaultFixtures(): FixtureSet {
  defaults ??= mergeFixtureSets([readFixtureFile(testContract(), PRESET_TEMPLATES_FILE), ...readFixtureFiles(testContract(), DEFAULT_FIXTURES_DIR)]);
  return defaults;
}

/** Where the test clock stands unless a test says otherwise: frozen, so that no test depends on the wall clock. */
export const TEST_NOW = '2026-11-25T10:00:00.000Z';

export interface TestApp extends InProcessControls {
  app: FastifyInstance;
  store: TaskStore;
  service: MpcService;
  request: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  fixtures?: FixtureSet;
  logger?: object;
  /** As --lifecycle takes it; default time:1 as the CLI's. */
  lifecycle?: string;
  outcomes?: OutcomeRule[];
  strictTemplates?: boolean;
  journalSize?: number;
  /** See AppDependencies.corsOrigins. */
  cors?: string[];
  /** See AppDependencies.requestTimeoutMs. */
  requestTimeoutMs?: number;
  controlPlane?: ControlPlaneOptions;
  /** See TaskStoreOptions.nearTop. */
  nearTop?: number;
  /** Event deliveries: retries, backoff, a sender (SPEC 8). */
  deliveries?: MpcServiceOptions['deliveries'];
  /** Routes or hooks a test adds before the app is ready (after the response check is installed). */
  beforeReady?: (app: FastifyInstance) => void;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const store = createTaskStore(options.nearTop !== undefined ? { nearTop: options.nearTop } : {});
  const fixtures = options.fixtures ?? defaultFixtures();
  store.replaceAll(fixtures.tasks, fixtures.details, fixtures.templates);
  replaceTemplateState(store.templates, undefined, fixtures);
  const clock = new MockClock();
  clock.freeze(Date.parse(TEST_NOW));
  const lifecycle = new LifecycleSettings();
  for (const setting of parseLifecycleList(options.lifecycle ?? 'time:1') ?? []) lifecycle.set(setting);
  const service = createMpcService({
    store,
    clock,
    baseline: fixtures,
    ...(options.journalSize !== undefined ? { journalSize: options.journalSize } : {}),
    lifecycle,
    ...(options.outcomes ? { outcomes: new OutcomeRules(options.outcomes) } : {}),
    strictTemplates: options.strictTemplates ?? false,
    ...(options.deliveries ? { deliveries: options.deliveries } : {}),
  });
  const app = await buildApp({
    contract: testContract(),
    controlContract: testControlContract(),
    service,
    ...(options.controlPlane ? { controlPlane: options.controlPlane } : {}),
    ids: sequentialIds(),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.cors ? { corsOrigins: options.cors } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    beforeReady: (instance) => {
      installResponseValidation(instance, [testContract(), testControlContract()]);
      options.beforeReady?.(instance);
    },
  });
  return {
    app,
    store,
    service,
    request: supertest(app.server),
    ...inProcessControls(service, testControlContract()),
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
