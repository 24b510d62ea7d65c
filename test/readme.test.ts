// Every fenced code block in README.md runs here as it is written, top to bottom, as a new user would run it:
// in one scratch copy of the clone, so a block sees what earlier ones did (the CI example builds dist/, which the
// later `npx mpc-mock ctl` block runs). A block that cannot run says so in the README source with a marker
// comment right before its fence.
//
//   sh    bash -e -o pipefail, in a scratch copy of the clone (its tracked files, node_modules linked), against
//         a mock this file starts from the CLI; 8080 in the text becomes that mock's port, and MPC_MOCK_PORT
//         and MPC_MOCK_URL point at it. Every command must succeed. The mock is reset between blocks.
//   js    written to a .mjs file in the scratch copy and run with node, against the same mock.
//   ts    a vitest example must be one of test/readme/*.test.ts word for word (with the package's name in
//         place of the relative import); any other ts runs with `node --import tsx` like js.
//   json  outcome rules ({"rules": [...]}) go through the mock's rule loader; anything else is a fixture file
//         and is loaded from a directory the way --fixtures loads one.
//
// Markers (an HTML comment on the line before the fence):
//   <!-- runs until stopped -->   a server in the foreground: it must answer GET /_mock/health on a free port
//                                 (8080 replaced, MPC_MOCK_PORT set), then SIGTERM stops it.
//   <!-- starts its own mock -->  the block starts and stops a mock itself, on a free port (8080 replaced):
//                                 it must exit 0 with nothing left answering on that port.
//   <!-- not run: <why> -->       not run, and listed as skipped with the reason.
// Any other block, or any other marker, fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { loadControlContract } from '../src/contract/openapi.js';
import { collectFixtures, loadOutcomeRules } from '../src/server.js';

interface Block {
  line: number;
  lang: string;
  code: string;
  marker: { kind: 'not run'; reason: string } | { kind: 'runs until stopped' | 'starts its own mock' } | undefined;
}

/** The fenced blocks of a Markdown text, each with the marker comment right before its fence, if any. */
function readmeBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`README.md:${start + 1}: a code fence that is never closed`);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const comment = before >= 0 ? /^<!--\s*(.*?)\s*-->$/.exec(lines[before]!.trim()) : null;
    let marker: Block['marker'];
    if (comment) {
      const notRun = /^not run: (.+)$/.exec(comment[1]!);
      if (notRun) marker = { kind: 'not run', reason: notRun[1]! };
      else if (comment[1] === 'runs until stopped' || comment[1] === 'starts its own mock') marker = { kind: comment[1] };
      else throw new Error(`README.md:${before + 1}: unknown marker <!-- ${comment[1]} --> before a code block`);
    }
    blocks.push({ line: start + 1, lang: open[1]!, code: body.join('\n') + '\n', marker });
  }
  return blocks;
}

const readme = readFileSync('README.md', 'utf8');
const blocks = readmeBlocks(readme);
const examples = readdirSync('test/readme')
  .filter((f) => f.endsWith('.test.ts'))
  .map((file) => ({ file, code: readFileSync(`test/readme/${file}`, 'utf8').replace("'../../src/index.js'", "'mpc-mock'").trimEnd() }));
const isVitestExample = (b: Block) => b.lang === 'ts' && /from 'vitest'/.test(b.code);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status,
    () => undefined,
  );

/** The environment of a user's shell: none of the test runner's or npm's own variables. */
function userEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VITEST|npm_|MPC_MOCK_)/i.test(k) && !['NODE_ENV', 'TEST'].includes(k)) env[k] = v;
  }
  // npm puts node_modules/.bin (tsx, vitest, ...) on the PATH of `npm test`; a user's shell has none of it.
  // The user's node is the one running this suite (CI runs it on the Docker image's Node too, from a folder that
  // is itself under a node_modules).
  env.PATH = [
    dirname(process.execPath),
    ...(env.PATH ?? '').split(':').filter((dir) => !dir.includes('node_modules')),
  ].join(':');
  // npx must never fetch a package from the registry here: what it runs is the clone's own.
  return { ...env, MPC_MOCK_PORT: String(port), MPC_MOCK_URL: `http://127.0.0.1:${port}`, npm_config_yes: 'false', ...extra };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the whole process group (a block's background jobs included) and waits for the block's shell. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Runs a command in a process group of its own, so nothing it starts outlives the test. */
function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    child,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      kill('SIGKILL');
    },
  };
}

/** Waits until GET url answers 200, or fails with the output so far if the process ends or time runs out. */
async function untilHealthy(run: Run, url: string, timeoutMs: number): Promise<void> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await answers(url)) === 200) return;
    if (ended) throw new Error(`it ended before ${url} answered:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${run.output()}`);
}

describe('README.md', () => {
  it('has code blocks, and a word-for-word copy of every example in test/readme/', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const { file, code } of examples) {
      expect(blocks.some((b) => b.code.trimEnd() === code), `test/readme/${file} is shown in README.md word for word`).toBe(true);
    }
  });

  describe('every code block runs as written', () => {
    let scratch: string; // a scratch copy of the clone, as a new user has it after `npm ci`
    let home: string;
    let mock: Run;
    let mockUrl: string;
    let mockPort: number;

    beforeAll(async () => {
      const root = mkdtempSync(join(tmpdir(), 'mpc-mock-readme-'));
      scratch = join(root, 'mpc-mock');
      home = join(root, 'home');
      mkdirSync(home);
      const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
        .split('\0')
        .filter((f) => f && f !== 'node_modules' && existsSync(f));
      for (const file of files) {
        mkdirSync(join(scratch, dirname(file)), { recursive: true });
        cpSync(file, join(scratch, file));
      }
      symlinkSync(realpathSync('node_modules'), join(scratch, 'node_modules'));

      mock = start(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'warn'], process.cwd(), userEnv(0));
      const deadline = Date.now() + 30_000;
      let m: RegExpExecArray | null = null;
      while (!(m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(mock.output())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!m) throw new Error(`the mock did not start:\n${mock.output()}`);
      [mockUrl, mockPort] = [m[1]!, Number(m[2])];
    }, 60_000);

    afterAll(async () => {
      await mock?.stop();
      if (scratch) rmSync(dirname(scratch), { recursive: true, force: true });
    });

    /** A fresh state for the next block: fixtures as loaded, no rules, an empty journal, a running clock. */
    async function resetMock(): Promise<void> {
      const post = (path: string, method: string, body: object) =>
        fetch(`${mockUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/_mock/reset', 'POST', {})).status).toBe(200);
      expect((await post('/_mock/clock', 'PUT', { frozen: false })).status).toBe(200);
    }

    const at = (b: Block) => `README.md:${b.line} (${b.lang || 'no language'})`;
    const withPort = (code: string, port: number) => code.replace(/\b8080\b/g, String(port));
    const failure = (b: Block, what: string, output: string) => `${at(b)} ${what}:\n${b.code}\n--- output ---\n${output}`;

    for (const b of blocks) {
      if (b.marker?.kind === 'not run') {
        it.skip(`${at(b)} is not run: ${b.marker.reason}`, () => {});
        continue;
      }

      if (b.marker?.kind === 'runs until stopped') {
        it(`${at(b)} runs until stopped, answering /_mock/health meanwhile`, async () => {
          expect(b.lang).toBe('sh');
          const port = await freePort();
          const run = start('bash', ['-e', '-o', 'pipefail', '-c', withPort(b.code, port)], scratch, userEnv(port));
          try {
            await untilHealthy(run, `http://127.0.0.1:${port}/_mock/health`, 90_000);
          } finally {
            await run.stop('SIGTERM');
          }
        }, 120_000);
        continue;
      }

      if (b.marker?.kind === 'starts its own mock') {
        it(`${at(b)} starts a mock, uses it and stops it`, async () => {
          expect(b.lang).toBe('sh');
          const port = await freePort();
          const run = start('bash', ['-e', '-o', 'pipefail', '-c', withPort(b.code, port)], scratch, userEnv(port));
          const timer = setTimeout(() => void run.stop('SIGKILL'), 170_000);
          const { code } = await run.exited;
          clearTimeout(timer);
          const left = await answers(`http://127.0.0.1:${port}/_mock/health`);
          await run.stop('SIGKILL');
          expect(code, failure(b, 'exited with an error', run.output())).toBe(0);
          expect(left, `${at(b)} left a mock answering on its port`).toBeUndefined();
        }, 180_000);
        continue;
      }

      if (isVitestExample(b)) {
        it(`${at(b)} is a test in test/readme/ word for word`, () => {
          const match = examples.find((e) => e.code === b.code.trimEnd());
          expect(match, `${at(b)}: put this vitest example in test/readme/ (importing '../../src/index.js') so it runs`).toBeDefined();
        });
        continue;
      }

      if (b.lang === 'sh' || b.lang === 'js' || b.lang === 'ts') {
        it(`${at(b)} runs against the mock and succeeds`, async () => {
          await resetMock();
          let run: Run;
          if (b.lang === 'sh') {
            run = start('bash', ['-e', '-o', 'pipefail', '-c', withPort(b.code, mockPort)], scratch, userEnv(mockPort));
          } else {
            const file = join(scratch, `readme-example-${b.line}.${b.lang === 'js' ? 'mjs' : 'mts'}`);
            writeFileSync(file, withPort(b.code, mockPort));
            const args = b.lang === 'js' ? [file] : ['--import', 'tsx', file];
            // Huawei's SDK writes ~/.huaweicloud/application_id: a home of its own keeps that out of the real one.
            run = start(process.execPath, args, scratch, userEnv(mockPort, { HOME: home }));
          }
          const timer = setTimeout(() => void run.stop('SIGKILL'), 55_000);
          const { code } = await run.exited;
          clearTimeout(timer);
          await run.stop('SIGKILL');
          expect(code, failure(b, 'exited with an error', run.output())).toBe(0);
        }, 60_000);
        continue;
      }

      if (b.lang === 'json') {
        it(`${at(b)} is taken by the mock`, async () => {
          const data = JSON.parse(b.code) as Record<string, unknown>;
          const dir = mkdtempSync(join(tmpdir(), 'mpc-mock-readme-json-'));
          try {
            if ('rules' in data) {
              // As --outcomes <file> reads it.
              writeFileSync(join(dir, 'rules.json'), b.code);
              const rules = loadOutcomeRules(join(dir, 'rules.json'), loadControlContract()).list();
              expect(rules.length).toBe((data.rules as unknown[]).length);
            } else {
              // As --fixtures <dir> reads it, beside the default fixtures: valid, and no task clashes with theirs.
              writeFileSync(join(dir, 'example.json'), b.code);
              const set = await collectFixtures(parseConfig(['--fixtures', dir], {}));
              const defaults = await collectFixtures(parseConfig([], {}));
              const own = ['transcodings', 'thumbnails', 'animated-graphics', 'encryptions'].reduce((n, k) => n + ((data[k] as unknown[] | undefined)?.length ?? 0), 0);
              expect(own).toBeGreaterThan(0);
              expect(set.tasks.length - defaults.tasks.length).toBe(own);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
        continue;
      }

      it(`${at(b)} is a block the test can run, or is marked <!-- not run: why -->`, () => {
        expect.fail(`${at(b)}: the test cannot run a ${b.lang || 'plain'} block; mark it <!-- not run: <why> --> in README.md`);
      });
    }
  });
});
