// SPEC 6.3 and 6.4: fault rules, and the request journal with its waits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, PROJECT, type TestApp } from './helper.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ lifecycle: 'manual' });
});
afterEach(() => t.close());

const addFault = async (rule: object) => (await t.request.post('/_mock/faults').send(rule).expect(201)).body;
const list = (path = 'transcodings', project = PROJECT) => t.request.get(`/v1/${project}/${path}`);

describe('fault rules (SPEC 6.3)', () => {
  it.each([
    [500, { error_code: 'MPC.10050', error_msg: 'System error. Contact technical support.' }],
    [403, { error_code: 'MPC.10208', error_msg: 'Failed to verify the tenant ID.' }],
    [429, { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' }],
    [504, { error_code: 'APIGW.0201', error_msg: 'Backend timeout.' }],
  ])('answers %i in the vendor’s envelope for the next matching request, with the request id', async (status, body) => {
    const rule = await addFault({ match: { method: 'GET', kind: 'transcodings' }, response: { status }, times: 1 });
    expect(rule).toMatchObject({ id: expect.stringMatching(/^f-\d+$/), matched: 0, fired: 0, times: 1 });
    const res = await list().expect(status);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.body).toMatchObject(body);
    if ('request_id' in res.body) expect(res.body.request_id).toBe(res.headers['x-request-id']);
    await list().expect(200);
    expect((await t.request.get('/_mock/faults').expect(200)).body.faults[0]).toMatchObject({ matched: 2, fired: 1 });
  });

  it('answers a body and headers of the rule’s own', async () => {
    await addFault({ response: { status: 418, body: { anything: [1, 2] }, headers: { 'retry-after': '3' } } });
    const res = await list().expect(418);
    expect(res.body).toEqual({ anything: [1, 2] });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('matches by method, kind, path glob, project and task id, and never the control plane', async () => {
    await addFault({ match: { method: 'POST', kind: 'thumbnails', project_id: 'p1' }, response: { status: 500 } });
    await addFault({ match: { path: '/v1/*/encryptions', task_id: '31207' }, response: { status: 503 } });
    await t.request.post('/v1/p1/thumbnails').send(CREATE_BODIES.thumbnails).expect(500);
    await t.request.post('/v1/p2/thumbnails').send(CREATE_BODIES.thumbnails).expect(202);
    await t.request.get('/v1/p1/thumbnails').expect(200);
    await t.request.get('/v1/p1/encryptions?task_id=31207').expect(503);
    await t.request.get('/v1/p1/encryptions?task_id=31301').expect(200);
    await addFault({ response: { status: 500 } });
    await t.request.get('/_mock/faults').expect(200);
    await t.request.get('/_mock/health').expect(200);
  });

  it('skips the first `after` matches and fires `times` times', async () => {
    await addFault({ match: { kind: 'encryptions' }, response: { status: 500 }, after: 2, times: 2 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await list('encryptions')).status);
    expect(statuses).toEqual([200, 200, 500, 500, 200, 200]);
  });

  it('fires with a probability from a seeded generator: the same seed, the same run', async () => {
    const run = async (seed: number) => {
      await t.request.delete('/_mock/faults').expect(200);
      await addFault({ response: { status: 500 }, probability: 0.5, seed });
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await list()).status);
      return statuses;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(await run(8)).not.toEqual(a);
  });

  it('drops the connection without an answer', async () => {
    await addFault({ match: { kind: 'animated-graphics' }, drop: true, times: 1 });
    await expect(list('animated-graphics')).rejects.toThrow(/socket hang up|ECONNRESET/);
    await list('animated-graphics').expect(200);
  });

  it('sends a broken body: the answer’s JSON cut short', async () => {
    await addFault({ match: { kind: 'thumbnails' }, broken_body: true, times: 1 });
    const res = await list('thumbnails').buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => done(null, text));
    });
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.body as string)).toThrow();
    expect((res.body as string).startsWith('{"task_array":[')).toBe(true);
  });

  it('waits a fixed or a uniform delay first, then answers (normally, when the rule says no more)', async () => {
    await addFault({ match: { kind: 'encryptions' }, delay_ms: 120, times: 1 });
    let start = performance.now();
    await list('encryptions').expect(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(110);
    await addFault({ match: { kind: 'thumbnails' }, delay_ms: [50, 80], response: { status: 500 }, times: 1 });
    start = performance.now();
    await list('thumbnails').expect(500);
    expect(performance.now() - start).toBeGreaterThanOrEqual(45);
  });

  it('refuses a rule with two answers, a reversed range, or a bad status (400 MPC.10202)', async () => {
    const bad = async (rule: object) => (await t.request.post('/_mock/faults').send(rule).expect(400)).body.error_msg as string;
    expect(await bad({ drop: true, response: { status: 500 } })).toBe('Invalid request parameter, a fault rule takes at most one of response, drop and broken_body.');
    expect(await bad({ delay_ms: [80, 50] })).toBe('Invalid request parameter, delay_ms [min, max] needs min <= max.');
    expect(await bad({ delay_ms: 'soon' })).toContain('delay_ms must be');
    expect(await bad({ response: { status: 99 } })).toContain('response.status');
    expect(await bad({ probability: 2 })).toContain('probability');
  });

  it('lists rules with how often each fired, removes one by id, and clears a project’s or all', async () => {
    const a = await addFault({ match: { project_id: 'p1' }, response: { status: 500 } });
    const b = await addFault({ match: { project_id: 'p2' }, response: { status: 500 } });
    await addFault({ match: { kind: 'thumbnails' }, response: { status: 500 } });
    await t.request.get('/v1/p1/transcodings').expect(500);
    const listed = (await t.request.get('/_mock/faults').expect(200)).body.faults;
    expect(listed.map((r: { id: string; fired: number }) => [r.id, r.fired])).toEqual([[a.id, 1], [b.id, 0], [expect.any(String), 0]]);
    await t.request.delete(`/_mock/faults/${a.id}`).expect(204);
    expect((await t.request.delete(`/_mock/faults/${a.id}`).expect(404)).body).toEqual({ error_code: 'MOCK.0404', error_msg: `Fault rule ${a.id} not found` });
    expect((await t.request.delete('/_mock/faults?project_id=p2').expect(200)).body.faults).toHaveLength(1);
    expect((await t.request.delete('/_mock/faults').expect(200)).body.faults).toEqual([]);
  });
});

describe('the request journal (SPEC 6.4)', () => {
  it('records each vendor request oldest first, with its facts, secrets redacted and the body of writes', async () => {
    await t.request
      .post('/v1/p1/transcodings')
      .set({ Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc', 'X-Auth-Token': 'tok', 'X-Security-Token': 'sec', 'X-Project-Id': 'p1' })
      .send(CREATE_BODIES.transcodings)
      .expect(202);
    await t.request.get('/v1/p1/transcodings?task_id=22123973&status=SUCCEEDED').expect(200);
    await t.request.get('/v1/p1/nothing').expect(404);
    await t.request.get('/_mock/clock').expect(200);
    const { requests, dropped } = (await t.request.get('/_mock/requests').expect(200)).body;
    expect(dropped).toBe(0);
    expect(requests.map((r: { method: string; path: string; status: number }) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v1/p1/transcodings 202',
      'GET /v1/p1/transcodings 200',
      'GET /v1/p1/nothing 404',
    ]);
    const [post, get] = requests;
    expect(post).toMatchObject({ project_id: 'p1', kind: 'transcodings', task_id: expect.stringMatching(/^\d+$/), body: CREATE_BODIES.transcodings, time: '2026-11-25T10:00:00.000Z' });
    expect(post.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(post.headers).toMatchObject({ authorization: '[redacted]', 'x-auth-token': '[redacted]', 'x-security-token': '[redacted]', 'x-project-id': 'p1' });
    expect(JSON.stringify(requests)).not.toMatch(/Signature=abc|"tok"|"sec"/);
    expect(get).toMatchObject({ query: { task_id: ['22123973'], status: ['SUCCEEDED'] }, task_id: '22123973' });
    expect(get).not.toHaveProperty('body');
    expect(typeof get.duration_ms).toBe('number');
  });

  it('keeps a body that is not JSON as it came', async () => {
    await t.request.post('/v1/p1/encryptions').set('Content-Type', 'application/json').send('{"input":').expect(400);
    expect((await t.request.get('/_mock/requests').expect(200)).body.requests[0]).toMatchObject({ status: 400, body: '{"input":' });
  });

  it('filters by method, kind, status, project, task id and path', async () => {
    await t.request.get('/v1/p1/transcodings').expect(200);
    await t.request.get('/v1/p2/thumbnails?task_id=7684').expect(200);
    await t.request.post('/v1/p2/thumbnails').send({}).expect(400);
    const count = async (query: string) => (await t.request.get(`/_mock/requests?${query}`).expect(200)).body.requests.length;
    expect(await count('method=POST')).toBe(1);
    expect(await count('kind=thumbnails')).toBe(2);
    expect(await count('status=400')).toBe(1);
    expect(await count('project_id=p1')).toBe(1);
    expect(await count('task_id=7684')).toBe(1);
    expect(await count('path=/v1/*/thumbnails')).toBe(2);
    expect((await t.request.get('/_mock/requests?kind=remuxes').expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('is bounded: the oldest entries go first, and it says how many went', async () => {
    t = (await t.close(), await buildTestApp({ journalSize: 3 }));
    for (let i = 0; i < 5; i++) await t.request.get(`/v1/p1/transcodings?page=${i}`).expect(200);
    const body = (await t.request.get('/_mock/requests').expect(200)).body;
    expect(body.requests.map((r: { query: { page: string[] } }) => r.query.page[0])).toEqual(['2', '3', '4']);
    expect(body.dropped).toBe(2);
  });

  it('clears a project’s entries or all', async () => {
    await t.request.get('/v1/p1/transcodings').expect(200);
    await t.request.get('/v1/p2/transcodings').expect(200);
    await t.request.delete('/_mock/requests?project_id=p1').expect(204);
    expect((await t.request.get('/_mock/requests').expect(200)).body.requests.map((r: { project_id: string }) => r.project_id)).toEqual(['p2']);
    await t.request.delete('/_mock/requests').expect(204);
    expect((await t.request.get('/_mock/requests').expect(200)).body.requests).toEqual([]);
  });
});

describe('POST /_mock/requests/wait', () => {
  it('answers at once when enough matching requests are already there', async () => {
    await t.request.get('/v1/p1/transcodings').expect(200);
    const res = await t.request.post('/_mock/requests/wait').send({ match: { project_id: 'p1' }, count: 1, timeout_ms: 1000 }).expect(200);
    expect(res.body.requests).toHaveLength(1);
  });

  it('returns when the requests arrive, counting those already there', async () => {
    await t.request.get('/v1/p1/thumbnails').expect(200);
    const waiting = t.request.post('/_mock/requests/wait').send({ match: { kind: 'thumbnails', method: 'GET' }, count: 3, timeout_ms: 10_000 }).then((r) => r);
    await t.request.get('/v1/p1/thumbnails').expect(200);
    await t.request.get('/v1/p1/encryptions').expect(200);
    await t.request.get('/v1/p2/thumbnails').expect(200);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.requests.map((r: { project_id: string }) => r.project_id)).toEqual(['p1', 'p1', 'p2']);
  });

  it('answers 408 MOCK.0408 in the envelope after its timeout, saying how many arrived', async () => {
    await t.request.post('/v1/p1/thumbnails').send({}).expect(400);
    const res = await t.request.post('/_mock/requests/wait').send({ match: { method: 'POST' }, count: 2, timeout_ms: 50 }).expect(408);
    expect(res.body).toEqual({ error_code: 'MOCK.0408', error_msg: 'Timed out waiting for 2 requests matching {"method":"POST"} (1 arrived)' });
  });

  it('waits for a task to reach a state, as the clock moves it', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 5 }).expect(200);
    const id = String((await t.request.post('/v1/p1/encryptions').send(CREATE_BODIES.encryptions).expect(202)).body.task_id);
    const waiting = t.request.post('/_mock/requests/wait').send({ task: { kind: 'encryptions', task_id: id, project_id: 'p1', status: 'SUCCEEDED' }, timeout_ms: 10_000 }).then((r) => r);
    await t.request.post('/_mock/clock/advance').send({ seconds: 10 }).expect(200);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ task_id: id, status: 'SUCCEEDED' });
  });

  it('answers 408 at once for a task that ended in another state, or that does not exist', async () => {
    const failed = (await t.request.post('/_mock/requests/wait').send({ task: { kind: 'transcodings', task_id: '22124103', status: 'SUCCEEDED' }, timeout_ms: 60_000 }).expect(408)).body;
    expect(failed.error_msg).toBe('Timed out waiting for task transcodings/22124103 is FAILED, a final state');
    expect((await t.request.post('/_mock/requests/wait').send({ task: { kind: 'transcodings', task_id: 'nope', status: 'SUCCEEDED' } }).expect(408)).body.error_code).toBe('MOCK.0408');
    expect((await t.request.post('/_mock/requests/wait').send({ task: { kind: 'transcodings', task_id: '1', status: 'X' }, count: 2 }).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('ends a wait when the mock stops, instead of holding its close', async () => {
    const waiting = t.request.post('/_mock/requests/wait').send({ match: { method: 'PATCH' }, timeout_ms: 300_000 }).then((r) => r.status);
    await t.request.get('/_mock/clock').expect(200);
    const started = performance.now();
    await t.app.close();
    expect(await waiting).toBe(408);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
