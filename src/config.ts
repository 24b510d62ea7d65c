// mpc-mock's configuration: one table defines every option once (its flag, environment variable, type,
// default and help text); the Config type, the parser and --help all derive from it.

import { AUTH_MODES } from './domain/auth/auth.js';
import { LIFECYCLE_LIST_SYNTAX, parseLifecycleList } from './domain/tasks/lifecycle-settings.js';
import { TASK_KINDS, type TaskKind } from './domain/tasks/task-kinds.js';

/** --generate: `n` tasks of every kind, or `transcodings=1000000,thumbnails=100000,...`; undefined when neither. */
export function parseGenerateCount(text: string): number | Partial<Record<TaskKind['path'], number>> | undefined {
  const limit = 10_000_000;
  if (/^[0-9]+$/.test(text)) return Number(text) <= limit ? Number(text) : undefined;
  const counts: Partial<Record<TaskKind['path'], number>> = {};
  for (const entry of text.split(',')) {
    const m = /^([a-z-]+)=([0-9]+)$/.exec(entry);
    const kind = m && TASK_KINDS.find((k) => k.path === m[1]);
    if (!m || !kind || Number(m[2]) > limit || counts[kind.path] !== undefined) return undefined;
    counts[kind.path] = Number(m[2]);
  }
  return counts;
}

/** --subscribe: `<topic urn>=<http(s) url>` pairs, comma-separated; undefined when malformed. */
export function parseSubscriptions(text: string): Array<{ topic_urn: string; endpoint: string }> | undefined {
  const out: Array<{ topic_urn: string; endpoint: string }> = [];
  for (const entry of text.split(',')) {
    const m = /^(urn:smn:[^=\s]+)=(https?:\/\/\S+)$/.exec(entry.trim());
    if (!m) return undefined;
    try {
      new URL(m[2]!);
    } catch {
      return undefined;
    }
    out.push({ topic_urn: m[1]!, endpoint: m[2]! });
  }
  return out;
}

type OptionType = 'port' | 'count' | 'integer' | 'string' | 'boolean' | 'log-level' | 'auth-mode' | 'lifecycle' | 'counts' | 'subscriptions' | 'obs' | 'media';
interface OptionSpec {
  flag: string;
  type: OptionType;
  default?: number | string | boolean;
  help: string;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const OPTIONS = {
  port: { flag: '--port', type: 'port', default: 8080, help: 'TCP port to listen on; 0 picks a free one' },
  host: { flag: '--host', type: 'string', default: '127.0.0.1', help: 'interface to listen on (0.0.0.0 in the Docker image)' },
  db: { flag: '--db', type: 'string', default: ':memory:', help: "task store: ':memory:' or a SQLite file (seeded from the fixtures when new, kept across restarts)" },
  fresh: { flag: '--fresh', type: 'boolean', default: false, help: 'rebuild a --db file from the fixtures, whatever it holds' },
  fixtures: { flag: '--fixtures', type: 'string', help: 'a directory of fixture files to load beside the default ones' },
  noDefaultFixtures: { flag: '--no-default-fixtures', type: 'boolean', default: false, help: 'do not load the bundled default fixtures' },
  generate: {
    flag: '--generate',
    type: 'counts',
    default: '0',
    help: 'also generate tasks with faker: n per kind, or per kind (transcodings=1000000,thumbnails=100000,...)',
  },
  seed: { flag: '--seed', type: 'integer', default: 1, help: 'seed for --generate; the same seed gives the same tasks' },
  logLevel: { flag: '--log-level', type: 'log-level', default: 'info', help: `one of ${LOG_LEVELS.join(', ')} (startMpcMock: warn)` },
  lifecycle: {
    flag: '--lifecycle',
    type: 'lifecycle',
    default: 'time:1',
    help: `how created tasks move through their states: ${LIFECYCLE_LIST_SYNTAX}`,
  },
  outcomes: { flag: '--outcomes', type: 'string', help: 'a JSON file of outcome rules, {"rules": [...]} (default: inputs named fail-* fail)' },
  strictTemplates: { flag: '--strict-templates', type: 'boolean', default: false, help: 'refuse transcoding template ids the catalogue does not hold' },
  journalSize: { flag: '--journal-size', type: 'count', default: 1000, help: 'how many requests the journal keeps (GET /_mock/requests)' },
  noControlPlane: { flag: '--no-control-plane', type: 'boolean', default: false, help: 'switch the control plane off: /_mock/ answers 404, health excepted' },
  auth: {
    flag: '--auth',
    type: 'auth-mode',
    default: 'off',
    help: `how the vendor API authenticates requests: ${AUTH_MODES.join(', ')} (presence: a token or signature must be there; verify: SDK-HMAC-SHA256 recomputed)`,
  },
  credentials: { flag: '--credentials', type: 'string', help: 'a JSON file of access keys (with secret keys and projects) and tokens that --auth verify takes' },
  controlToken: { flag: '--control-token', type: 'string', help: 'require Authorization: Bearer <token> on the control plane (health excepted)' },
  subscribe: {
    flag: '--subscribe',
    type: 'subscriptions',
    help: 'subscribe HTTP endpoints to SMN topics from the start (and after every reset): <urn>=<url>, comma-separated',
  },
  deliveryRetries: { flag: '--delivery-retries', type: 'count', default: 3, help: 'how many times a failed event delivery is tried again (backoff 1 s, doubling, on the mock clock)' },
  publicUrl: { flag: '--public-url', type: 'string', help: "the mock's address as event receivers reach it, for signing_cert_url (default: the address it listens on)" },
  cors: { flag: '--cors', type: 'string', help: 'answer browsers from these origins (comma-separated, or *): local development of a web client; off by default' },
  obs: {
    flag: '--obs',
    type: 'obs',
    default: 'off',
    help: 'the object store tasks read and write: off, embedded (an S3-compatible store in the process), or the http(s) URL of one (MinIO, LocalStack, OBS)',
  },
  obsPort: { flag: '--obs-port', type: 'port', default: 9000, help: 'port of the embedded object store; 0 picks a free one' },
  obsDir: { flag: '--obs-dir', type: 'string', help: "directory the embedded store keeps objects under, across restarts (default: a temporary one, gone at exit)" },
  obsAccessKey: { flag: '--obs-access-key', type: 'string', help: 'access key for the object store (embedded default: mpc-mock)' },
  obsSecretKey: { flag: '--obs-secret-key', type: 'string', help: 'secret key for the object store (embedded default: mpc-mock-secret)' },
  obsWait: { flag: '--obs-wait', type: 'count', default: 30, help: 'seconds to wait at start for an --obs URL to answer (compose starts services in parallel)' },
  media: { flag: '--media', type: 'media', default: 'off', help: 'off, or ffmpeg: tasks really process their inputs with ffmpeg and report what ffprobe reads (needs --obs)' },
  ffmpeg: { flag: '--ffmpeg', type: 'string', help: 'the directory holding ffmpeg and ffprobe (default: PATH)' },
  mediaWorkers: { flag: '--media-workers', type: 'count', help: 'how many tasks ffmpeg processes at once; the rest wait in WAITING (default: half the cores, at least 1)' },
  mediaTimeout: { flag: '--media-timeout', type: 'count', default: 600, help: "seconds a task's processing may take before it is stopped and the task fails" },
  mediaMaxInput: { flag: '--media-max-input', type: 'count', default: 4096, help: 'the largest input ffmpeg is given, in MB; a larger one fails its task' },
} as const satisfies Record<string, OptionSpec>;

type ValueOf<T extends OptionType> = T extends 'port' | 'count' | 'integer'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'log-level'
      ? (typeof LOG_LEVELS)[number]
      : T extends 'auth-mode'
        ? (typeof AUTH_MODES)[number]
        : T extends 'media'
          ? 'off' | 'ffmpeg'
          : string;

/** --obs: off, embedded, or an http(s) URL; undefined when it is none of them. */
export function parseObs(text: string): { mode: 'off' } | { mode: 'embedded' } | { mode: 'external'; url: string } | undefined {
  if (text === 'off' || text === 'embedded') return { mode: text };
  try {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.search === '' && url.hash === '') return { mode: 'external', url: text.replace(/\/+$/, '') };
  } catch {
    // not a URL
  }
  return undefined;
}

type Options = typeof OPTIONS;
export type Config = {
  [K in keyof Options]: Options[K] extends { default: unknown } ? ValueOf<Options[K]['type']> : ValueOf<Options[K]['type']> | undefined;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** MPC_MOCK_NO_DEFAULT_FIXTURES for noDefaultFixtures. */
export function envName(key: string): string {
  return 'MPC_MOCK_' + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

function convert(key: string, spec: OptionSpec, raw: string, source: string): number | string | boolean {
  const bad = (rule: string) => new ConfigError(`${source}: ${JSON.stringify(raw)} is not ${rule}`);
  switch (spec.type) {
    case 'port': {
      if (!/^[0-9]+$/.test(raw) || Number(raw) > 65535) throw bad('a port number from 0 to 65535');
      return Number(raw);
    }
    case 'count': {
      if (!/^[0-9]+$/.test(raw) || Number(raw) > 1_000_000) throw bad('a whole number from 0 to 1000000');
      return Number(raw);
    }
    case 'integer': {
      if (!/^-?[0-9]+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw bad('an integer');
      return Number(raw);
    }
    case 'boolean': {
      if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
      if (['0', 'false', 'no', 'off', ''].includes(raw.toLowerCase())) return false;
      throw bad('true or false');
    }
    case 'log-level': {
      if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw bad(`one of ${LOG_LEVELS.join(', ')}`);
      return raw;
    }
    case 'auth-mode': {
      if (!(AUTH_MODES as readonly string[]).includes(raw)) throw bad(`one of ${AUTH_MODES.join(', ')}`);
      return raw;
    }
    case 'counts': {
      if (parseGenerateCount(raw) === undefined) throw bad('a whole number, or kind=n pairs such as transcodings=1000000,thumbnails=100000');
      return raw;
    }
    case 'lifecycle': {
      if (!parseLifecycleList(raw)) throw bad(LIFECYCLE_LIST_SYNTAX);
      return raw;
    }
    case 'obs': {
      if (!parseObs(raw)) throw bad('off, embedded, or an http(s) URL such as http://minio:9000');
      return raw;
    }
    case 'media': {
      if (raw !== 'off' && raw !== 'ffmpeg') throw bad('off or ffmpeg');
      return raw;
    }
    case 'subscriptions': {
      if (!parseSubscriptions(raw)) throw bad('<topic urn>=<http(s) url> pairs, comma-separated, such as urn:smn:cn-north-4:0123:mpc=http://receiver:4000/smn');
      return raw;
    }
    default:
      if (raw === '') throw bad(`a value for ${key}`);
      return raw;
  }
}

/** Defaults, then environment variables, then flags. Throws ConfigError with one readable line. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Config {
  const specs = OPTIONS as Record<string, OptionSpec>;
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    config[key] = spec.default;
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined) config[key] = convert(key, spec, fromEnv, envName(key));
  }
  const byFlag = new Map(Object.entries(specs).map(([key, spec]) => [spec.flag, key]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`unknown option ${flag} (see --help)`);
    const spec = specs[key]!;
    if (spec.type === 'boolean') {
      config[key] = eq > 0 ? convert(key, spec, arg.slice(eq + 1), flag) : true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    config[key] = convert(key, spec, value, flag);
  }
  return config as Config;
}

/** Options given in code (startMpcMock), checked by the same rules as flags. Throws ConfigError. */
export function resolveConfig(options: Partial<Config>): Config {
  const specs = OPTIONS as Record<string, OptionSpec>;
  const config: Record<string, unknown> = parseConfig([]);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = specs[key];
    if (!spec) throw new ConfigError(`unknown option ${key}`);
    config[key] = convert(key, spec, String(value), key);
  }
  return config as Config;
}

export function helpText(): string {
  const rows = Object.entries(OPTIONS as Record<string, OptionSpec>).map(([key, spec]) => {
    const arg = spec.type === 'boolean' ? spec.flag : `${spec.flag} <${spec.type === 'string' ? 'value' : spec.type}>`;
    const def = spec.default === undefined || spec.type === 'boolean' ? '' : ` (default ${String(spec.default)})`;
    return `  ${arg.padEnd(28)} ${spec.help}${def}\n  ${''.padEnd(28)} env ${envName(key)}`;
  });
  return [
    'Usage: mpc-mock [options]            start the mock',
    '       mpc-mock generate [--count <n>] [--seed <s>] [--project <id>]   print generated fixtures as JSON',
    '       mpc-mock ctl [--url <url>] <command> ...   steer a running mock (mpc-mock ctl --help)',
    '',
    'Options:',
    ...rows,
    '  --help                       print this help',
    '  --version                    print the version',
  ].join('\n');
}
