// The mpc-mock command and its configuration, run as a user runs it: as a separate process.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, OPTIONS, parseConfig } from '../src/config.js';
import { parseLifecycleList } from '../src/domain/tasks/lifecycle-settings.js';

const CLI = ['--import', 'tsx', 'src/cli.ts'];
const NOT_A_DATABASE = join(mkdtempSync(join(tmpdir(), 'mpc-cli-')), 'not-a-database.db');
writeFileSync(NOT_A_DATABASE, 'these bytes are not SQLite\n'.repeat(200));
const BAD_RULES = join(mkdtempSync(join(tmpdir(), 'mpc-cli-')), 'rules.json');
writeFileSync(BAD_RULES, JSON.stringify({ rules: [{ outcome: 'explode' }] }));
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the CLI and resolves once it prints its ready line. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
  return { child, ready, exited, output: () => stdout };
}

describe('configuration', () => {
  it('takes defaults, then environment variables, then flags', () => {
    expect(parseConfig([])).toMatchObject({ port: 8080, host: '127.0.0.1', db: ':memory:', generate: '0', seed: 1, logLevel: 'info', noDefaultFixtures: false });
    const env = { MPC_MOCK_PORT: '9001', MPC_MOCK_SEED: '7', MPC_MOCK_NO_DEFAULT_FIXTURES: 'true' };
    expect(parseConfig([], env)).toMatchObject({ port: 9001, seed: 7, noDefaultFixtures: true });
    expect(parseConfig(['--port', '9002', '--seed=8'], env)).toMatchObject({ port: 9002, seed: 8, noDefaultFixtures: true });
  });

  it.each([
    [['--port', '70000'], /--port: "70000" is not a port number/],
    [['--port', 'abc'], /--port: "abc" is not a port number/],
    [['--generate', '-1'], /--generate: "-1" is not a whole number, or kind=n pairs/],
    [['--generate', 'remuxes=5'], /--generate: "remuxes=5" is not a whole number, or kind=n pairs/],
    [['--log-level', 'loud'], /--log-level: "loud" is not one of fatal/],
    [['--seed', '1.5'], /--seed: "1.5" is not an integer/],
    [['--nope'], /unknown option --nope/],
    [['--port'], /--port needs a value/],
    [['--lifecycle', 'slow'], /--lifecycle: "slow" is not comma-separated \[<scope>=\]<mode>/],
    [['--lifecycle', 'time:0'], /--lifecycle: "time:0" is not/],
    [['--lifecycle', 'remuxes=manual'], /--lifecycle: "remuxes=manual" is not/],
    [['--strict-templates=perhaps'], /--strict-templates: "perhaps" is not true or false/],
  ])('rejects %j with one readable line', (argv, message) => {
    expect(() => parseConfig(argv)).toThrowError(ConfigError);
    expect(() => parseConfig(argv)).toThrowError(message);
  });

  it('names every environment variable MPC_MOCK_<NAME>, and the README lists every option', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const [key, spec] of Object.entries(OPTIONS)) {
      expect(envName(key)).toMatch(/^MPC_MOCK_[A-Z_]+$/);
      expect(readme).toContain(`\`${envName(key)}\``);
      expect(readme).toContain(`\`${spec.flag}`);
    }
  });
});

describe('--lifecycle', () => {
  it('takes a global mode and modes per kind, per project, and per project and kind', () => {
    expect(parseConfig([]).lifecycle).toBe('time:1');
    const text = 'reads:2,thumbnails=manual,project:team-a=immediate,project:team-a/transcodings=time:0.5';
    expect(parseConfig(['--lifecycle', text]).lifecycle).toBe(text);
    expect(parseLifecycleList(text)).toEqual([
      { mode: 'reads', reads_per_state: 2 },
      { mode: 'manual', kind: 'thumbnails' },
      { mode: 'immediate', project_id: 'team-a' },
      { mode: 'time', seconds_per_state: 0.5, project_id: 'team-a', kind: 'transcodings' },
    ]);
    expect(parseConfig([], { MPC_MOCK_LIFECYCLE: 'manual' }).lifecycle).toBe('manual');
  });
});

describe('the mpc-mock command', () => {
  it('prints help naming every flag and variable, and its version', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const [key, spec] of Object.entries(OPTIONS)) {
      expect(help.stdout).toContain(spec.flag);
      expect(help.stdout).toContain(envName(key));
    }
    expect(run(['--version']).stdout.trim()).toBe(version);
  });

  it.each([
    [['--port', 'abc'], {}],
    [[], { MPC_MOCK_PORT: 'abc' }],
    [['--fixtures', '/no/such/dir'], {}],
    [['--frobnicate'], {}],
    [['--db', '/no/such/dir/tasks.db'], {}],
    [['--db', NOT_A_DATABASE], {}],
    [['--host', '999.1.1.1'], {}],
    [['--outcomes', '/no/such/rules.json'], {}],
    [['--outcomes', BAD_RULES], {}],
  ])('exits 2 with one line and no stack trace for %j %j', (args, env) => {
    const result = run(args, env);
    expect(result.status).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mpc-mock: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 with one line for a store file it may not write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-cli-'));
    const db = join(dir, 'tasks.db');
    const made = start(['--port', '0', '--log-level', 'silent', '--db', db]);
    expect((await fetch(`${await made.ready}/_mock/health`)).status).toBe(200);
    made.child.kill('SIGTERM');
    expect(await made.exited).toBe(0);
    // root writes whatever the mode says: an immutable file is read-only for it too.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) expect(spawnSync('chattr', ['+i', db]).status, 'chattr +i (root needs an immutable file)').toBe(0);
    else chmodSync(db, 0o444);
    try {
      const result = run(['--port', '0', '--db', db]);
      expect(result.status).toBe(2);
      const lines = result.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
      expect(lines).toEqual([expect.stringMatching(/^mpc-mock: cannot open the task store .*tasks\.db: attempt to write a readonly database$/)]);
    } finally {
      if (asRoot) spawnSync('chattr', ['-i', db]);
    }
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('stops when the `npm start` that started it is stopped with %s (`npm start & kill $!`)', async (signal) => {
    const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      npm.stdout.on('data', (chunk) => {
        out += String(chunk);
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      npm.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${out}`)));
    });
    expect((await fetch(`${url}/_mock/health`)).status).toBe(200);
    npm.kill(signal);
    // Gone within a few seconds: the port no longer answers.
    let answering = true;
    for (let i = 0; i < 40 && answering; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answering = await fetch(`${url}/_mock/health`).then(
        () => true,
        () => false,
      );
    }
    expect(answering).toBe(false);
  });

  it('exits 2 with one line when the port is taken', async () => {
    const first = start(['--port', '0', '--log-level', 'silent']);
    const url = await first.ready;
    const result = run(['--port', new URL(url).port]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('prints one ready line with its URL, serves, and exits 0 on %s', async (signal) => {
    const port = await freePort();
    const mock = start(['--log-level', 'silent'], { MPC_MOCK_PORT: String(port) });
    const url = await mock.ready;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(mock.output().trim().split('\n')).toEqual([`mpc-mock ${version} listening on ${url}`]);
    expect((await fetch(`${url}/_mock/health`)).status).toBe(200);
    const res = await fetch(`${url}/v1/p/transcodings?task_id=22123973`);
    expect(((await res.json()) as { total: number }).total).toBe(1);
    mock.child.kill(signal);
    expect(await mock.exited).toBe(0);
    await expect(fetch(`${url}/_mock/health`)).rejects.toThrow();
  });

  it('takes its lifecycle and outcome rules from flags', async () => {
    const rules = join(mkdtempSync(join(tmpdir(), 'mpc-cli-')), 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ input_object: '*.mov', outcome: 'fail', description: 'No MOV today.' }] }));
    const mock = start(['--port', '0', '--log-level', 'silent', '--lifecycle', 'immediate', '--outcomes', rules]);
    const url = await mock.ready;
    const body = { input: { bucket: 'b', location: 'cn-north-4', object: 'clip.mov' }, output: { bucket: 'b', location: 'cn-north-4', object: 'out' }, encryption: { hls_encrypt: { key: 'mpc-mock-key-16b', url: 'u' } } };
    const created = (await (await fetch(`${url}/v1/p/encryptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { task_id: string };
    const listed = (await (await fetch(`${url}/v1/p/encryptions?task_id=${created.task_id}`)).json()) as { task_array: Array<{ status: string; description: string }> };
    expect(listed.task_array[0]).toMatchObject({ status: 'FAILED', description: 'No MOV today.' });
    mock.child.kill('SIGTERM');
    expect(await mock.exited).toBe(0);
  });

  it('says when it is bound to every interface', async () => {
    const mock = start(['--port', '0', '--host', '0.0.0.0', '--log-level', 'silent']);
    const url = await mock.ready;
    expect(mock.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(bound to 0\.0\.0\.0\)\n/);
    expect((await fetch(`${url}/_mock/health`)).status).toBe(200);
    mock.child.kill('SIGTERM');
    expect(await mock.exited).toBe(0);
  });

  it('generates fixtures to stdout, the same for the same seed', () => {
    const a = run(['generate', '--count', '3', '--seed', '9']);
    expect(a.status).toBe(0);
    const file = JSON.parse(a.stdout) as Record<string, unknown[]>;
    expect(file.transcodings).toHaveLength(3);
    expect(run(['generate', '--count', '3', '--seed', '9']).stdout).toBe(a.stdout);
  });
});
