#!/usr/bin/env node
// The mpc-mock command. Bad configuration prints one line and exits 2; SIGTERM and SIGINT stop it cleanly.
import { readFileSync } from 'node:fs';
import { ConfigError, helpText, parseConfig } from './config.js';
import { FixtureError } from './fixture-format/fixture-files.js';
import { startMpcMock } from './server.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function fail(message: string): never {
  process.stderr.write(`mpc-mock: ${message}\n`);
  process.exit(2);
}

async function generateCommand(argv: string[]): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (!['--count', '--seed', '--project'].includes(flag) || value === undefined) fail(`generate: unexpected ${flag} (see --help)`);
    args.set(flag, value);
  }
  const count = Number(args.get('--count') ?? '10');
  const seed = Number(args.get('--seed') ?? '1');
  if (!Number.isSafeInteger(count) || count < 0) fail('generate: --count must be a whole number');
  if (!Number.isSafeInteger(seed)) fail('generate: --seed must be an integer');
  const project = args.get('--project');
  const { generateFixtures } = await import('./fixture-format/generate-fixtures.js');
  process.stdout.write(JSON.stringify(generateFixtures({ count, seed, ...(project ? { projectId: project } : {}) }), null, 2) + '\n');
}

async function main(argv: string[]): Promise<void> {
  // The AWS SDK (the object store's client) warns on every start under Node 20 that its releases of 2027 will need
  // Node 22: news for whoever pins it (this package), not for the mock's user. The process is the CLI's own.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (argv[0] !== 'ctl' && (argv.includes('--help') || argv.includes('-h'))) return void process.stdout.write(helpText() + '\n');
  if (argv.includes('--version')) return void process.stdout.write(version + '\n');
  if (argv[0] === 'generate') return generateCommand(argv.slice(1));
  if (argv[0] === 'ctl') {
    const { ctlMain } = await import('./control/ctl.js');
    process.exitCode = await ctlMain(argv.slice(1), process.env);
    return;
  }

  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  let mock;
  try {
    mock = await startMpcMock(config);
  } catch (error) {
    // Anything the configuration can cause is one line and exit 2; anything else is a bug, with its stack.
    if (error instanceof FixtureError || error instanceof ConfigError) fail(error.message);
    throw error;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    mock.app.log.info({ signal }, 'stopping');
    mock.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`mpc-mock: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by `npm start`, the mock is npm's child, and npm does not pass a signal on: `npm start & kill $!`
  // would stop npm and leave the mock running. So it stops when npm does (its parent goes away).
  if (process.env.npm_lifecycle_event === 'start') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop('parent exited');
    }, 250).unref();
  }
  // Ready only once a signal stops it cleanly: a script that kills it as soon as it reads this line gets exit 0.
  const bound = new URL(mock.url).hostname === mock.host ? '' : ` (bound to ${mock.host})`;
  const obs = mock.obs.mode === 'off' ? '' : `; OBS ${mock.obs.mode} at ${mock.obs.endpoint}${mock.obs.directory !== undefined ? ` (objects under ${mock.obs.directory})` : ''}`;
  const media = mock.media.mode === 'off' ? '' : `; media by ${mock.media.ffmpeg} in ${mock.media.workers} worker${mock.media.workers === 1 ? '' : 's'}`;
  process.stdout.write(`mpc-mock ${version} listening on ${mock.url}${bound}${obs}${media}\n`);
}

await main(process.argv.slice(2));
