// Issue 10: SIGTERM stops the CLI gracefully (README, Configuration: "SIGTERM or SIGINT stops accepting
// connections, lets requests in flight finish, closes the store and exits 0"). Requests are held in flight by a
// fault rule's delay (SPEC 6.3: a rule with only delay_ms delays the request and then answers it normally), the
// process gets SIGTERM while they wait, and then: each held request gets its normal answer in the envelope, a
// wait on the journal ends as timed out (408 MOCK.0408) rather than holding the close, a new connection is
// refused (or, if it slips in, answered 503 in the envelope), a request sent on a connection that was already
// open is answered 503 in the envelope, and the process exits 0 only after all of that, with its --db file sound.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { CREATE_BODIES } from './create-bodies.js';

const CLI = ['--import', 'tsx', 'src/cli.ts'];
const PROJECT = 'graceful-shutdown';
const JSON_TYPE = 'application/json;charset=UTF-8';
/** How long the fault rule holds each request: long enough that SIGTERM surely arrives while they wait. */
const HOLD_MS = 3_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a connection of its own (no agent), so that each held request holds its own socket. */
function send(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: url.pathname + url.search, agent: false, headers: { 'content-type': 'application/json', ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const expectEnvelope = (a: Answer, status: number) => {
  expect(a.status, a.body).toBe(status);
  expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  if (status !== 204) expect(a.headers['content-type']).toBe(JSON_TYPE);
};

it('lets requests in flight finish with their normal answers, refuses new ones, and exits 0', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'mpc-graceful-')), 'tasks.db');
  const child = spawn(process.execPath, [...CLI, '--port', '0', '--db', db, '--log-level', 'info', '--lifecycle', 'manual'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  child.stderr.on('data', (chunk) => (out += String(chunk)));
  /** What happened, in order: each answer as it arrived, and the exit. */
  const events: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      events.push('exit');
      resolve(code);
    }),
  );
  const until = async (re: RegExp) => {
    for (let i = 0; !re.test(out); i++) {
      if (child.exitCode !== null) throw new Error(`exited: ${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return re.exec(out)!;
  };
  try {
    const base = (await until(/listening on (http:\/\/\S+)/))[1]!;

    // Two tasks to poll and to cancel, made before the rule holds the transcoding API.
    const created = async () => JSON.parse((await send(base, 'POST', `/v1/${PROJECT}/transcodings`, CREATE_BODIES.transcodings)).body).task_id as number;
    const [polled, cancelled] = [await created(), await created()];
    expect((await send(base, 'POST', '/_mock/faults', { match: { kind: 'transcodings', project_id: PROJECT }, delay_ms: HOLD_MS })).status).toBe(201);

    const track = (name: string, p: Promise<Answer>) =>
      p.then((a) => {
        events.push(name);
        return a;
      });
    const held = {
      poll: track('poll', send(base, 'GET', `/v1/${PROJECT}/transcodings?task_id=${polled}`)),
      list: track('list', send(base, 'GET', `/v1/${PROJECT}/transcodings?size=5`)),
      create: track('create', send(base, 'POST', `/v1/${PROJECT}/transcodings`, CREATE_BODIES.transcodings)),
      cancel: track('cancel', send(base, 'DELETE', `/v1/${PROJECT}/transcodings?task_id=${cancelled}`)),
      invalid: track('invalid', send(base, 'GET', `/v1/${PROJECT}/transcodings?size=0`)),
      // A wait that nothing will satisfy, on the control plane (which no fault rule holds).
      wait: track('wait', send(base, 'POST', '/_mock/requests/wait', { match: { project_id: 'nobody' }, timeout_ms: 60_000 })),
    };
    // A connection opened now, with one held request on it; a second request goes on it after SIGTERM.
    const open = connect(Number(new URL(base).port), '127.0.0.1');
    let onOpen = '';
    open.on('data', (chunk) => (onOpen += chunk.toString('latin1')));
    const openClosed = new Promise<void>((resolve) => open.on('close', () => resolve()));
    open.on('error', () => undefined); // a reset shows as a missing answer below
    open.write(`GET /v1/${PROJECT}/transcodings?task_id=${polled} HTTP/1.1\r\nHost: mock\r\n\r\n`);

    // Every held request (five of the vendor API's, and the one on the open connection) has reached the mock
    // (the rule counts each as it arrives) before the signal.
    for (;;) {
      const { faults } = JSON.parse((await send(base, 'GET', '/_mock/faults')).body) as { faults: Array<{ matched: number }> };
      if (faults[0]!.matched >= 6) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    await until(/"msg":"stopping"/);

    // A new connection: refused, or answered 503 in the envelope if it was accepted before the listener closed.
    const fresh = await send(base, 'GET', `/v1/${PROJECT}/encryptions`).then(
      (a) => a,
      (error: NodeJS.ErrnoException) => String(error.code),
    );
    if (typeof fresh === 'string') expect(fresh).toBe('ECONNREFUSED');
    else {
      expectEnvelope(fresh, 503);
      expect(JSON.parse(fresh.body)).toEqual({ error_code: 'APIGW.0201', error_msg: 'Backend unavailable.', request_id: fresh.headers['x-request-id'] });
    }
    // The already open connection: its next request is answered 503, after the held one's answer.
    open.write(`GET /v1/${PROJECT}/thumbnails HTTP/1.1\r\nHost: mock\r\n\r\n`);

    const answers = Object.fromEntries(await Promise.all(Object.entries(held).map(async ([k, p]) => [k, await p] as const)));
    expectEnvelope(answers.poll!, 200);
    expect(JSON.parse(answers.poll!.body).task_array.map((t: { task_id: string }) => t.task_id)).toEqual([String(polled)]);
    expectEnvelope(answers.list!, 200);
    expect(JSON.parse(answers.list!.body).total).toBeGreaterThan(0);
    expectEnvelope(answers.create!, 202);
    expect(JSON.parse(answers.create!.body).task_id).toEqual(expect.any(Number));
    expectEnvelope(answers.cancel!, 204);
    expect(answers.cancel!.body).toBe('');
    expectEnvelope(answers.invalid!, 400);
    expect(JSON.parse(answers.invalid!.body).error_code).toBe('MPC.10202');
    expectEnvelope(answers.wait!, 408);
    expect(JSON.parse(answers.wait!.body).error_code).toBe('MOCK.0408');

    await openClosed;
    const onOpenAnswers = onOpen.split(/(?=HTTP\/1\.1 )/);
    expect(onOpenAnswers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 503']);
    expect(onOpenAnswers[1]).toMatch(/\r\ncontent-type: application\/json;charset=UTF-8\r\n/i);
    expect(onOpenAnswers[1]).toMatch(/"error_code":"APIGW\.0201"/);

    expect(await exited).toBe(0);
    // The exit came after every answer.
    expect(events.at(-1)).toBe('exit');
    expect(events).toHaveLength(Object.keys(held).length + 1);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  // What the held writes did is in the store the process closed.
  const conn = new Database(db, { readonly: true });
  try {
    expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    conn.close();
  }
}, 60_000);
