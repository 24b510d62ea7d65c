// Starting and stopping a listening mpc-mock: shared by the CLI and by test suites that start it in-process.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, parseGenerateCount, parseObs, parseSubscriptions, resolveConfig, type Config } from './config.js';
import { loadContract, loadControlContract, type Contract } from './contract/openapi.js';
import { mockControl, type MockControl } from './control/client.js';
import { inProcessControls, type InProcessControls } from './control/in-process.js';
import { AuthSettings, type Credentials } from './domain/auth/auth.js';
import { MockClock } from './domain/steering/clock.js';
import { LifecycleSettings, parseLifecycleList } from './domain/tasks/lifecycle-settings.js';
import { createMpcService, type MpcService } from './domain/mpc-service.js';
import { OutcomeRules, type OutcomeRule } from './domain/tasks/outcomes.js';
import type { TaskKind } from './domain/tasks/task-kinds.js';
import { VendorError } from './domain/vendor-errors.js';
import {
  DEFAULT_FIXTURES_DIR,
  FixtureError,
  mergeFixtureSets,
  PRESET_TEMPLATES_FILE,
  readFixtureFile,
  readFixtureFiles,
  type FixtureSet,
} from './fixture-format/fixture-files.js';
import { bindBody } from './http/request-body.js';
import { parseCorsOrigins } from './http/cors.js';
import { replaceTemplateState } from './domain/templates/template-state.js';
import { createTaskStore, StoreVersionError, type StoredTask, type TaskRowBatch, type TaskStore } from './storage/tasks/task-store.js';
import type { ObjectStore } from './storage/objects/object-store.js';
import { obsPlace, type ObsPlace } from './domain/objects/object-listing.js';
import type { MediaSettings } from './domain/objects/task-media-io.js';
import { locateMediaTools, MediaToolError } from './media/ffmpeg.js';
import { availableParallelism } from 'node:os';
import { ObjectStoreError, openObjectStore } from './storage/objects/open-object-store.js';

export type MpcMockOptions = Omit<Partial<Config>, 'outcomes' | 'generate' | 'credentials'> & {
  /** SPEC 5.1's credentials: a JSON file (as --credentials takes it), or the object itself. */
  credentials?: string | Credentials;
  /** Outcome rules: a JSON file of `{"rules": [...]}` (as --outcomes takes it), or the rules themselves. */
  outcomes?: string | OutcomeRule[];
  /** Generated tasks: n per kind, or a count per kind (`{ transcodings: 1000000 }`), or as --generate takes it. */
  generate?: number | string | Partial<Record<TaskKind['path'], number>>;
};

/** The running mock, with the control plane's operations to call directly: clock, lifecycle, outcomes, tasks. */
export interface RunningMpcMock extends InProcessControls {
  /** The control plane's typed client, over HTTP, as `mockControl(url, { token })` gives it for a remote mock. */
  control: MockControl;
  /** http://host:port, with 127.0.0.1 in place of a wildcard host. */
  url: string;
  port: number;
  /** The address it is bound to, as configured (0.0.0.0 in the Docker image). */
  host: string;
  app: FastifyInstance;
  store: TaskStore;
  /** The object store (SPEC 11.1): where it is, when one is configured (`obs`). */
  obs: ObsPlace;
  /** Whether tasks really process their media (SPEC 11.3), with what and in how many workers. */
  media: { mode: 'off' } | { mode: 'ffmpeg'; ffmpeg: string; version: string; workers: number };
  /** Stops accepting, lets requests in flight finish, closes the store. */
  close(): Promise<void>;
}

/** The tasks a configuration asks for: default fixtures, a fixture directory, generated tasks. */
export async function collectFixtures(config: Config, contract = loadContract()): Promise<FixtureSet> {
  // The preset templates are data the mock needs whatever fixtures it is given.
  const sets: Array<{ name: string; set: FixtureSet }> = [readFixtureFile(contract, PRESET_TEMPLATES_FILE)];
  if (!config.noDefaultFixtures) sets.push(...readFixtureFiles(contract, DEFAULT_FIXTURES_DIR));
  if (config.fixtures !== undefined) sets.push(...readFixtureFiles(contract, config.fixtures));
  return mergeFixtureSets(sets);
}

/**
 * The generated tasks a configuration asks for, as a stream that can be made again (a reset needs them again):
 * a million tasks go into the store without being held in memory, and without the fixture check, which the
 * generator's own tests stand for. Undefined when none are asked for.
 */
export async function generatedTasks(config: Config): Promise<(() => Iterable<StoredTask>) | undefined> {
  const count = generateCount(config);
  if (count === undefined) return undefined;
  // Loaded only when asked for: importing faker costs more than the rest of the start-up's imports.
  const { generateTasks } = await import('./fixture-format/generate-fixtures.js');
  return function* () {
    for (const { kind, task } of generateTasks({ count, seed: config.seed })) yield { kind: kind.name, projectId: null, task };
  };
}

/**
 * The same generated tasks as generatedTasks, made by a worker thread in batches of rows while the store writes
 * the previous ones: how a new store is seeded. Undefined when none are asked for.
 */
export async function generatedRowBatches(config: Config): Promise<AsyncIterable<TaskRowBatch> | undefined> {
  const count = generateCount(config);
  if (count === undefined) return undefined;
  const { generateRowBatches } = await import('./fixture-format/generate-in-worker.js');
  return generateRowBatches({ count, seed: config.seed });
}

function generateCount(config: Config) {
  const count = parseGenerateCount(config.generate) ?? 0;
  return count === 0 || (typeof count === 'object' && Object.values(count).every((n) => n === 0)) ? undefined : count;
}

/** The outcome rules a configuration asks for, checked by the control plane's document. Throws ConfigError. */
export function loadOutcomeRules(source: string | OutcomeRule[] | undefined, controlContract: Contract): OutcomeRules {
  if (source === undefined) return new OutcomeRules();
  const where = typeof source === 'string' ? `--outcomes ${source}` : 'outcomes';
  try {
    const data = typeof source === 'string' ? JSON.parse(readFileSync(source, 'utf8')) : { rules: structuredClone(source) };
    return new OutcomeRules(bindBody<{ rules: OutcomeRule[] }>(controlContract, 'setOutcomes')(data).rules);
  } catch (error) {
    const message = error instanceof VendorError ? error.errorMsg : (error as Error).message;
    throw new ConfigError(`${where}: ${message}`);
  }
}

/**
 * The authentication settings a configuration asks for: --auth, and the credentials (a file, or the object)
 * checked by the control plane's document (SPEC 5.1). Throws ConfigError naming the field, never a secret.
 */
export function loadAuthSettings(mode: Config['auth'], source: string | Credentials | undefined, controlContract: Contract): AuthSettings {
  if (source === undefined) return new AuthSettings(mode);
  const where = typeof source === 'string' ? `--credentials ${source}` : 'credentials';
  try {
    const data: unknown = typeof source === 'string' ? JSON.parse(readFileSync(source, 'utf8')) : structuredClone(source);
    const { credentials } = bindBody<{ credentials: Credentials }>(controlContract, 'setAuth')({ credentials: data });
    return new AuthSettings(mode, credentials);
  } catch (error) {
    // A JSON syntax error's message quotes the text around it, which may be a secret: only where it is.
    const message = error instanceof VendorError ? error.errorMsg : error instanceof SyntaxError ? 'the file is not valid JSON' : (error as Error).message;
    throw new ConfigError(`${where}: ${message}`);
  }
}

export async function startMpcMock(options: MpcMockOptions = {}): Promise<RunningMpcMock> {
  const { outcomes, generate, credentials, ...rest } = options;
  const generateText =
    generate === undefined || typeof generate !== 'object'
      ? generate
      : Object.entries(generate)
          .map(([kind, n]) => `${kind}=${n}`)
          .join(',');
  // In-process, the log defaults to warnings: a test run is not a server log. The CLI passes info.
  const config = resolveConfig({
    logLevel: 'warn',
    ...rest,
    ...(generateText !== undefined ? { generate: String(generateText) } : {}),
    ...(typeof outcomes === 'string' ? { outcomes } : {}),
    ...(typeof credentials === 'string' ? { credentials } : {}),
  });
  const contract = loadContract();
  const controlContract = loadControlContract();
  // Everything is read and validated before the store is touched: a bad fixture stops the start whole.
  const fixtures = await collectFixtures(config, contract);
  const outcomeRules = loadOutcomeRules(outcomes, controlContract);
  const auth = loadAuthSettings(config.auth, typeof credentials === 'object' ? credentials : config.credentials, controlContract);
  const lifecycle = new LifecycleSettings();
  for (const setting of parseLifecycleList(config.lifecycle) ?? []) lifecycle.set(setting);
  // Media processing (SPEC 11.3) needs a store to read from and ffmpeg to read with: refused at once otherwise.
  let media: MediaSettings | undefined;
  if (config.media === 'ffmpeg') {
    if (config.obs === 'off') throw new ConfigError('--media ffmpeg needs an object store to read inputs from and write outputs to: add --obs embedded or --obs <URL>');
    if (config.mediaWorkers === 0) throw new ConfigError('--media-workers must be at least 1');
    try {
      media = {
        tools: locateMediaTools(config.ffmpeg),
        workers: config.mediaWorkers ?? Math.max(1, Math.floor(availableParallelism() / 2)),
        timeoutMs: config.mediaTimeout * 1000,
        maxInputBytes: config.mediaMaxInput * 1024 * 1024,
      };
    } catch (error) {
      if (error instanceof MediaToolError) throw new ConfigError(error.message);
      throw error;
    }
  }
  // The object store first: an external one may take a while to come up, and nothing else is open yet.
  let objects: ObjectStore | undefined;
  try {
    objects = await openObjectStore({
      obs: parseObs(config.obs)!,
      port: config.obsPort,
      host: config.host,
      waitSeconds: config.obsWait,
      ...(config.obsDir !== undefined ? { directory: config.obsDir } : {}),
      ...(config.obsAccessKey !== undefined ? { accessKey: config.obsAccessKey } : {}),
      ...(config.obsSecretKey !== undefined ? { secretKey: config.obsSecretKey } : {}),
    });
  } catch (error) {
    if (error instanceof ObjectStoreError) throw new ConfigError(error.message);
    throw error;
  }
  let store: TaskStore;
  try {
    store = createTaskStore({ filename: config.db, fresh: config.fresh });
  } catch (error) {
    await objects?.close();
    if (error instanceof StoreVersionError) throw new ConfigError(error.message);
    throw new ConfigError(`cannot open the task store ${config.db}: ${(error as Error).message}`);
  }
  let app: FastifyInstance | undefined;
  let service: MpcService | undefined;
  try {
    // A new (or --fresh) store is seeded from the fixtures; a file that holds state is opened as it is. The
    // fixtures are read either way: a reset goes back to them.
    if (store.opened === 'new') {
      try {
        await store.seed(fixtures.tasks, fixtures.details, fixtures.templates, (await generatedRowBatches(config)) ?? []);
        store.replaceNotifications(undefined, fixtures.notifications ?? []);
        replaceTemplateState(store.templates, undefined, fixtures);
      } catch (error) {
        if (/UNIQUE constraint failed: tasks/.test((error as Error).message)) {
          throw new FixtureError(`Invalid fixture generated (seed ${config.seed}): a generated task id is already a fixture task's`);
        }
        throw error;
      }
    }
    // After the seed: faker, which a reset needs, would otherwise sit in memory beside the seeding worker's own.
    const generated = await generatedTasks(config);
    service = createMpcService({
      store,
      clock: new MockClock(),
      baseline: { ...fixtures, ...(generated ? { more: generated } : {}) },
      journalSize: config.journalSize,
      lifecycle,
      outcomes: outcomeRules,
      strictTemplates: config.strictTemplates,
      ...(objects ? { objects } : {}),
      ...(media ? { media } : {}),
      auth,
      deliveries: {
        retries: config.deliveryRetries,
        ...(config.subscribe !== undefined ? { initial: parseSubscriptions(config.subscribe) ?? [] } : {}),
      },
    });
    const controlPlane = { enabled: !config.noControlPlane, ...(config.controlToken !== undefined ? { token: config.controlToken } : {}) };
    app = await buildApp({
      contract,
      controlContract,
      service,
      controlPlane,
      logger: { level: config.logLevel },
      ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
      ...(config.cors !== undefined ? { corsOrigins: parseCorsOrigins(config.cors) } : {}),
    });
    await app.listen({ port: config.port, host: config.host });
    // The subscriptions given at start get their confirmations now that the mock's address is known.
    service.deliveries.kick();
  } catch (error) {
    await app?.close();
    await service?.close();
    store.close();
    await objects?.close();
    // The address is the configuration's: taken, not ours, or not a host at all.
    const code = (error as NodeJS.ErrnoException).code;
    if (code && /^(EADDRINUSE|EACCES|EADDRNOTAVAIL|ENOTFOUND|EAI_\w+)$/.test(code)) {
      throw new ConfigError(`cannot listen on ${config.host}:${config.port}: ${code}`);
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const running = app;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Made on first use: the typed client reads globalThis.fetch, which loads Node's fetch (undici), a tenth of
  // the time to the first answer, and the CLI never uses it.
  let control: MockControl | undefined;
  return {
    url,
    port,
    host: config.host,
    app: running,
    store,
    obs: obsPlace(objects),
    media: media ? { mode: 'ffmpeg', ffmpeg: media.tools.ffmpeg, version: media.tools.version, workers: media.workers } : { mode: 'off' },
    ...inProcessControls(service!, controlContract),
    get control() {
      control ??= mockControl(url, config.controlToken !== undefined ? { token: config.controlToken } : {});
      return control;
    },
    async close() {
      await running.close();
      await service!.close();
      store.close();
      await objects?.close();
    },
  };
}
