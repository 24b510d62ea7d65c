// Repeat answers (src/http/repeat-answers.ts): a read asked again, with the store unchanged, is answered from
// Node's request event without going through Fastify. These tests hold it to what Fastify's own path answers:
// the same bytes, a fresh request id, the journal entry and log line, never a stale answer, and nothing kept
// that something other than the URL and the store decided.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, PROJECT, type TestApp, type TestAppOptions } from './helper.js';
import { pythonSigned } from './python-signer.js';

let t: TestApp | undefined;
afterEach(() => t?.close());

/** An app that counts the requests that reach Fastify's hooks: a repeated answer never does. */
async function countingApp(options: TestAppOptions = {}): Promise<TestApp & { throughFastify: () => number }> {
  let count = 0;
  const app = await buildTestApp({
    ...options,
    beforeReady: (instance) => {
      instance.addHook('onRequest', (_request, _reply, done) => {
        count++;
        done();
      });
      options.beforeReady?.(instance);
    },
  });
  t = app;
  return Object.assign(app, { throughFastify: () => count });
}

const READS = [
  `/v1/${PROJECT}/transcodings`,
  `/v1/${PROJECT}/transcodings?size=100`,
  `/v1/${PROJECT}/transcodings?size=5&page=2`,
  `/v1/${PROJECT}/thumbnails?status=SUCCEEDED`,
  `/v1/${PROJECT}/encryptions?status=SUCCEEDED&start_time=20201101000000&end_time=20201231235959`,
  `/v1/${PROJECT}/transcodings?task_id=22123973`,
  `/v1/${PROJECT}/asset/thumbnail/details?task_id=7684`,
  `/v1/${PROJECT}/transcodings?size=0`,
  `/v1/${PROJECT}/remuxes`,
  `/v1/${PROJECT}/animated-graphics?page=abc`,
];

describe('repeat answers', () => {
  it.each(READS)('answers %s a third time with the bytes Fastify answered, under a new request id, without Fastify', async (path) => {
    const app = await countingApp();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await app.request.get(path));
    // Kept on the second ask, repeated on the third.
    expect(app.throughFastify()).toBe(2);
    const ids = answers.map((a) => a.headers['x-request-id']);
    expect(new Set(ids).size).toBe(3);
    const [first, , third] = answers;
    expect(third!.status).toBe(first!.status);
    expect(third!.headers['content-type']).toBe(first!.headers['content-type']);
    expect(third!.headers['content-length']).toBe(first!.headers['content-length']);
    // A gateway error carries its own request id in its body: the new one.
    expect(third!.text).toBe(first!.text.replace(ids[0]!, ids[2]!));
    if (first!.body.request_id !== undefined) expect(third!.body.request_id).toBe(ids[2]);
  });

  it('journals a repeated answer like any other, and writes its one log line', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = await countingApp({ logger: { level: 'info', stream } });
    const path = `/v1/${PROJECT}/transcodings?task_id=22123973`;
    for (let i = 0; i < 3; i++) await app.request.get(path).set('X-Auth-Token', 'secret-token').expect(200);
    expect(app.throughFastify()).toBe(2);
    const journal = app.service.journal.list({});
    expect(journal).toHaveLength(3);
    const [byFastify, , repeated] = journal;
    expect(repeated).toMatchObject({ method: 'GET', status: 200, project_id: PROJECT, kind: 'transcodings', task_id: '22123973' });
    expect(Object.keys(repeated!).sort()).toEqual(Object.keys(byFastify!).sort());
    expect(repeated!.headers['x-auth-token']).toBe(byFastify!.headers['x-auth-token']);
    expect(JSON.stringify(repeated)).not.toContain('secret-token');
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(3);
    const shape = (l: Record<string, unknown>) => Object.keys(l).filter((k) => k !== 'time');
    expect(shape(requestLines[2]!)).toEqual(shape(requestLines[0]!));
    expect(requestLines[2]).toMatchObject({ request_id: repeated!.request_id, method: 'GET', url: path, status: 200 });
  });

  it('never repeats a stale answer: a created task polled while the clock moves it, is cancelled, reset', async () => {
    const app = await countingApp();
    const created = await app.request.post(`/v1/${PROJECT}/transcodings`).send(CREATE_BODIES.transcodings).expect(202);
    const poll = `/v1/${PROJECT}/transcodings?task_id=${created.body.task_id}`;
    const list = `/v1/${PROJECT}/transcodings?size=100`;
    const status = async () => (await app.request.get(poll).expect(200)).body.task_array[0]?.status;
    const listed = async () => (await app.request.get(list).expect(200)).body.task_array.find((task: { task_id: number }) => String(task.task_id) === String(created.body.task_id))?.status;
    const seen: string[] = [];
    for (let step = 0; step < 6; step++) {
      // Asked three times: kept, then repeated; each must still be what the store says now.
      for (let i = 0; i < 3; i++) expect(await listed()).toBe(await status());
      seen.push(await status());
      app.clock.advance(1);
    }
    expect(seen[0]).toBe('WAITING');
    expect(seen.at(-1)).toBe('SUCCEEDED');
    // Repeats happened at all (else this proves nothing about them).
    const asked = 6 * 3 * 2 + 6;
    expect(app.throughFastify()).toBeLessThan(asked);
    await app.request.post('/_mock/reset').expect(200);
    expect((await app.request.get(poll).expect(200)).body.total).toBe(0);
  });

  it('counts every read in reads mode: a repeated question still moves the task', async () => {
    const app = await countingApp({ lifecycle: 'reads:1' });
    const created = await app.request.post(`/v1/${PROJECT}/thumbnails`).send(CREATE_BODIES.thumbnails).expect(202);
    const poll = `/v1/${PROJECT}/thumbnails?task_id=${created.body.task_id}`;
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request.get(poll).expect(200)).body.task_array[0].status);
    expect(statuses).toEqual(['WAITING', 'PROCESSING', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('steps aside for a fault rule added after an answer was kept, and keeps nothing a rule answered', async () => {
    const app = await countingApp();
    const path = `/v1/${PROJECT}/transcodings?task_id=22123973`;
    for (let i = 0; i < 3; i++) await app.request.get(path).expect(200);
    await app.request.post('/_mock/faults').send({ match: { kind: 'transcodings' }, response: { status: 500, body: { error_code: 'MPC.10201', error_msg: 'x' } }, times: 2 }).expect(201);
    await app.request.get(path).expect(500);
    await app.request.get(path).expect(500);
    // The rule is spent (and still listed, so still "active" until deleted): answered by the route again.
    await app.request.delete('/_mock/faults').expect(200);
    const after = await app.request.get(path).expect(200);
    expect(String(after.body.task_array[0].task_id)).toBe('22123973');
  });

  it('with --cors, answers a browser through Fastify, with its headers, even when an answer is kept', async () => {
    const origin = 'http://localhost:5173';
    const app = await countingApp({ cors: [origin] });
    const path = `/v1/${PROJECT}/transcodings`;
    for (let i = 0; i < 3; i++) await app.request.get(path).expect(200);
    const before = app.throughFastify();
    const browser = await app.request.get(path).set('Origin', origin).expect(200);
    expect(browser.headers['access-control-allow-origin']).toBe(origin);
    expect(app.throughFastify()).toBe(before + 1);
    // A refused origin's answer (not the API's) is never kept for everyone else.
    for (let i = 0; i < 3; i++) await app.request.get(`/v1/${PROJECT}/thumbnails`).set('Origin', 'https://elsewhere.example');
    const plain = await app.request.get(`/v1/${PROJECT}/thumbnails`).expect(200);
    expect(plain.body.total).toBeGreaterThan(0);
  });

  it('goes through Fastify for a request with a body', async () => {
    const app = await countingApp();
    const path = `/v1/${PROJECT}/transcodings`;
    for (let i = 0; i < 3; i++) await app.request.get(path).expect(200);
    const before = app.throughFastify();
    await app.request.get(path).set('Content-Type', 'application/json').send('{}');
    expect(app.throughFastify()).toBe(before + 1);
  });

  it('in verify mode, checks every repeated request: a signed one is repeated with its key journaled, others get their 401', async () => {
    const app = await countingApp();
    app.auth.set({ mode: 'verify', credentials: { access_keys: [{ ak: 'TESTAK', sk: 'TESTSK' }] } });
    // The test clock stands at 2026-11-25T10:00:00Z.
    const signed = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, params: { task_id: ['22123973'] }, date: '20261125T100000Z' });
    const get = (headers: Record<string, string>) => app.request.get(signed.url).set(headers);
    for (let i = 0; i < 3; i++) await get(signed.headers).expect(200);
    expect(app.throughFastify()).toBe(2);
    expect(app.service.journal.list({}).at(-1)!.auth).toMatchObject({ mode: 'verify', outcome: 'accepted', access_key: 'TESTAK' });
    // Refused ones go to Fastify for their 401, and their answer is never repeated to anyone.
    const { authorization: _, ...unsigned } = signed.headers;
    for (let i = 0; i < 3; i++) expect((await get(unsigned).expect(401)).body.error_code).toBe('APIGW.0301');
    const forged = { ...signed.headers, authorization: signed.headers.authorization.replace(/Signature=.*/, `Signature=${'0'.repeat(64)}`) };
    expect((await get(forged).expect(401)).body.error_msg).toContain('verify aksk signature fail');
    expect(app.throughFastify()).toBe(6);
    await get(signed.headers).expect(200);
    expect(app.throughFastify()).toBe(6);
    // Past the 15 minutes, the same signature no longer passes.
    app.clock.advance(15 * 60 + 1);
    expect((await get(signed.headers).expect(401)).body.error_msg).toContain('signature expired');
    // Off again: anyone gets the kept answer.
    app.auth.set({ mode: 'off' });
    await get(unsigned).expect(200);
  });
});
