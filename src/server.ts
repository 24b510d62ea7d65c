// Starting and stopping a listening mpc-mock: shared by the CLI and by test suites that start it in-process.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { ConfigError, resolveConfig, type Config } from './config.js';
import { loadContract } from './contract/openapi.js';
import { DEFAULT_FIXTURES_DIR, mergeFixtureSets, parseFixtureFile, readFixtureFiles, type FixtureSet } from './fixtures/fixture-files.js';
import { createTaskStore, type TaskStore } from './storage/task-store.js';

export type MpcMockOptions = Partial<Config>;

export interface RunningMpcMock {
  /** http://host:port, with 127.0.0.1 in place of a wildcard host. */
  url: string;
  port: number;
  /** The address it is bound to, as configured (0.0.0.0 in the Docker image). */
  host: string;
  app: FastifyInstance;
  store: TaskStore;
  /** Stops accepting, lets requests in flight finish, closes the store. */
  close(): Promise<void>;
}

/** The tasks a configuration asks for: default fixtures, a fixture directory, generated tasks. */
export async function collectFixtures(config: Config, contract = loadContract()): Promise<FixtureSet> {
  const sets: Array<{ name: string; set: FixtureSet }> = [];
  if (!config.noDefaultFixtures) sets.push(...readFixtureFiles(contract, DEFAULT_FIXTURES_DIR));
  if (config.fixtures !== undefined) sets.push(...readFixtureFiles(contract, config.fixtures));
  if (config.generate > 0) {
    // Loaded only when asked for: importing faker costs more than the rest of the start-up's imports.
    const { generateFixtures } = await import('./fixtures/generate-fixtures.js');
    const name = `generated (seed ${config.seed})`;
    sets.push({ name, set: parseFixtureFile(contract, name, generateFixtures({ count: config.generate, seed: config.seed })) });
  }
  return mergeFixtureSets(sets);
}

export async function startMpcMock(options: MpcMockOptions = {}): Promise<RunningMpcMock> {
  const config = resolveConfig(options);
  const contract = loadContract();
  // Everything is read and validated before the store is touched: a bad fixture stops the start whole.
  const fixtures = await collectFixtures(config, contract);
  let store: TaskStore;
  try {
    store = createTaskStore({ filename: config.db });
  } catch (error) {
    throw new ConfigError(`cannot open the task store ${config.db}: ${(error as Error).message}`);
  }
  let app: FastifyInstance | undefined;
  try {
    // A --db file is rebuilt from the fixtures at every start: the fixtures, not the file, are the state's source.
    store.replaceAll(fixtures.tasks, fixtures.details);
    app = await buildApp({ contract, store, logger: { level: config.logLevel } });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close();
    store.close();
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
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host: config.host,
    app: running,
    store,
    async close() {
      await running.close();
      store.close();
    },
  };
}
