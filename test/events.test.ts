// SPEC 12.1: GET /_mock/events streams what happens (tasks, requests, deliveries, control calls) as server-sent
// events, read here through the typed client as a test (or the dashboard) reads them.
import { afterEach, describe, expect, it } from 'vitest';
import { mockControl, type MockEvent } from '../src/control/client.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, PROJECT, TEST_NOW, type TestApp, type TestAppOptions } from './helper.js';
import { startReceiver } from './smn-receiver.js';

let t: TestApp;
let url: string;
const streams: AbortController[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  await t?.close();
});

async function setUp(options: TestAppOptions = {}) {
  t = await buildTestApp(options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
}

/** Opens a stream; `next(n)` answers the next n events, or fails after 10 s (no test waits on time otherwise). */
async function open(query: Parameters<ReturnType<typeof mockControl>['events']>[0] = {}, token?: string) {
  const abort = new AbortController();
  streams.push(abort);
  const events = await mockControl(url, token !== undefined ? { token } : {}).events({ ...query, signal: abort.signal });
  const next = async (n = 1): Promise<MockEvent[]> => {
    const got: MockEvent[] = [];
    const deadline = setTimeout(() => abort.abort(), 10_000);
    try {
      while (got.length < n) {
        const { value, done } = await events.next();
        if (done) throw new Error(`the stream ended after ${got.length} of ${n} events: ${JSON.stringify(got)}`);
        got.push(value);
      }
    } finally {
      clearTimeout(deadline);
    }
    return got;
  };
  return { next, close: () => abort.abort(), events };
}

const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('GET /_mock/events', () => {
  it('streams a task created and each state it enters, the requests the vendor API answered and the control calls', async () => {
    await setUp({ lifecycle: 'time:1' });
    const stream = await open();
    const created = await post(`/v1/${PROJECT}/thumbnails`, CREATE_BODIES.thumbnails);
    const taskId = String(((await created.json()) as { task_id: string }).task_id);
    const [first, request] = await stream.next(2);
    expect(first).toEqual({ id: 1, type: 'task', change: 'created', time: TEST_NOW, kind: 'thumbnails', project_id: PROJECT, task_id: taskId, status: 'WAITING' });
    expect(request).toMatchObject({ id: 2, type: 'request', time: TEST_NOW, method: 'POST', path: `/v1/${PROJECT}/thumbnails`, status: 202, project_id: PROJECT, kind: 'thumbnails', task_id: taskId, operation: 'CreateThumbnailsTask' });
    expect((request as { request_id: string }).request_id).toBe(created.headers.get('x-request-id'));

    // The clock moves: the task's states, at the times they were entered, then the control call itself.
    await post('/_mock/clock/advance', { seconds: 5 });
    const [processing, succeeded, control] = await stream.next(3);
    expect(processing).toMatchObject({ type: 'task', change: 'state', kind: 'thumbnails', task_id: taskId, status: 'PROCESSING', previous: 'WAITING', time: '2026-11-25T10:00:01.000Z' });
    expect(succeeded).toMatchObject({ type: 'task', change: 'state', status: 'SUCCEEDED', previous: 'PROCESSING', time: '2026-11-25T10:00:02.000Z' });
    expect(control).toMatchObject({ type: 'control', method: 'POST', path: '/_mock/clock/advance', status: 200 });

    // Changed and removed by hand; a GET of the control plane changes nothing and is not an event.
    await fetch(`${url}/_mock/tasks/thumbnails/${taskId}?project_id=${PROJECT}`);
    await fetch(`${url}/_mock/tasks/thumbnails/${taskId}?project_id=${PROJECT}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'FAILED', description: 'by hand' }) });
    await fetch(`${url}/_mock/tasks/thumbnails/${taskId}?project_id=${PROJECT}`, { method: 'DELETE' });
    const [changed, patchCall, removed, deleteCall] = await stream.next(4);
    expect(changed).toMatchObject({ type: 'task', change: 'changed', task_id: taskId, status: 'FAILED', previous: 'SUCCEEDED' });
    expect(patchCall).toMatchObject({ type: 'control', method: 'PATCH', project_id: PROJECT });
    expect(removed).toEqual({ id: removed!.id, type: 'task', change: 'removed', time: TEST_NOW.replace('00:00', '00:05'), kind: 'thumbnails', project_id: PROJECT, task_id: taskId });
    expect(deleteCall).toMatchObject({ type: 'control', method: 'DELETE' });
  });

  it('moves due tasks on a running clock while a stream is open, with nothing reading them', async () => {
    await setUp({ lifecycle: 'time:0.05' });
    t.clock.unfreeze();
    const stream = await open({ types: ['task'] });
    await post(`/v1/${PROJECT}/animated-graphics`, CREATE_BODIES['animated-graphics']);
    const states = (await stream.next(4)).map((e) => (e as { status: string }).status);
    expect(states).toEqual(['INIT', 'WAITING', 'PROCESSING', 'SUCCEED']);
  });

  it('filters by type and project; a control call of no project reaches every project’s stream', async () => {
    await setUp();
    const mine = await open({ project_id: 'p-mine', types: ['task', 'control'] });
    await post('/v1/p-other/thumbnails', CREATE_BODIES.thumbnails);
    await post('/v1/p-mine/thumbnails', CREATE_BODIES.thumbnails);
    await post('/_mock/reset', { project_id: 'p-other' });
    await post('/_mock/clock/advance', { seconds: 1 });
    // p-mine's task moves on with the clock; p-other's reset is not p-mine's, the clock is everyone's.
    const got = await mine.next(3);
    expect(got.map((e) => [e.type, 'project_id' in e ? e.project_id : undefined, 'status' in e ? e.status : undefined])).toEqual([
      ['task', 'p-mine', 'WAITING'],
      ['task', 'p-mine', 'PROCESSING'],
      ['control', undefined, 200],
    ]);
  });

  it('streams delivery attempts', async () => {
    await setUp();
    const receiver = await startReceiver();
    try {
      const stream = await open({ types: ['delivery'] });
      await post('/_mock/subscriptions', { topic_urn: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:e', endpoint: receiver.url });
      const [delivery] = await stream.next(1);
      expect(delivery).toMatchObject({ type: 'delivery', delivery: 1, message_type: 'SubscriptionConfirmation', topic_urn: 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:e', outcome: 'delivered', status: 200 });
    } finally {
      await receiver.close();
    }
  });

  it('goes on after Last-Event-ID with the events kept, and says resync when some were never made', async () => {
    await setUp();
    const watcher = await open({ types: ['control'] });
    const first = await open({ types: ['control'] });
    await post('/_mock/clock/advance', { seconds: 1 });
    const [seen] = await first.next(1);
    first.close();
    // While the watcher keeps listening, events are made and kept: a reconnect gets what it missed.
    await post('/_mock/clock/advance', { seconds: 2 });
    await watcher.next(2);
    const again = await open({ types: ['control'], lastEventId: seen!.id });
    expect((await again.next(1))[0]).toMatchObject({ id: seen!.id + 1, type: 'control', path: '/_mock/clock/advance' });
    // Nobody listening: nothing is made, so a reconnect cannot be told what happened.
    watcher.close();
    again.close();
    await new Promise<void>((resolve) => t.app.server.getConnections(() => resolve()));
    await waitUntil(() => !t.service.events.listening());
    await post('/_mock/clock/advance', { seconds: 3 });
    const late = await open({ lastEventId: seen!.id + 1 });
    expect((await late.next(1))[0]).toMatchObject({ type: 'resync', id: t.service.events.lastId() });
    // An id this mock never gave (another process's): resync too.
    const stranger = await open({ lastEventId: 999_999 });
    expect((await stranger.next(1))[0]).toMatchObject({ type: 'resync' });
  });

  it('sends a keep-alive comment after quiet, and ends every stream when the mock stops', async () => {
    await setUp({ controlPlane: { events: { keepAliveMs: 20 } } });
    const res = await fetch(`${url}/_mock/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    await t.close();
    for (;;) if ((await reader.read()).done) break;
    t = undefined as never;
  });

  it('needs the control token when there is one, answers a bad Last-Event-ID with MPC.10202, and is gone without the control plane', async () => {
    await setUp({ controlPlane: { token: 's3cret' } });
    expect((await fetch(`${url}/_mock/events`)).status).toBe(401);
    await expect(open({}, 'wrong')).rejects.toMatchObject({ status: 401, errorCode: 'MOCK.0401' });
    const ok = await open({ types: ['control'] }, 's3cret');
    await fetch(`${url}/_mock/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' }, body: '{"seconds":1}' });
    expect((await ok.next(1))[0]).toMatchObject({ type: 'control', path: '/_mock/clock/advance' });
    const bad = await fetch(`${url}/_mock/events`, { headers: { authorization: 'Bearer s3cret', 'last-event-id': 'yesterday' } });
    expect([bad.status, await bad.json()]).toEqual([400, { error_code: 'MPC.10202', error_msg: 'Invalid request parameter, Last-Event-ID must be an event id (an integer).' }]);
    const types = await fetch(`${url}/_mock/events?types=task,everything`, { headers: { authorization: 'Bearer s3cret' } });
    expect(types.status).toBe(400);
    await t.close();
    await setUp({ controlPlane: { enabled: false } });
    const gone = await fetch(`${url}/_mock/events`);
    expect([gone.status, ((await gone.json()) as { error_code: string }).error_code]).toEqual([404, 'APIGW.0101']);
  });
});

/** Waits for a condition the server reaches on its own (a closed connection seen), checking each turn. */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in 10 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
