// SPEC 4.2: cancelling tasks, including the DELETE and the body-less POST exactly as the SDKs send them.
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskKind } from '../src/domain/tasks/task-kinds.js';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, FIXTURE_PROJECT, invalid, PROJECT, type TestApp } from './helper.js';

// The kinds whose cancel takes any task not yet final (SPEC 4.2); the later kinds cancel queued tasks only
// (test/more-task-kinds.test.ts).
const CANCEL_ANY = TASK_KINDS.filter((k) => k.cancellable === undefined);

describe.each(CANCEL_ANY.map((k) => [k.path, k] as const))('DELETE /v1/{project_id}/%s', (path, kind: TaskKind) => {
  let t: TestApp;
  const url = `/v1/${PROJECT}/${path}`;
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'time:1' });
  });
  afterEach(() => t.close());
  const create = async () => String((await t.request.post(url).send(CREATE_BODIES[path]!).expect(202)).body.task_id);
  const read = async (id: string) => (await t.request.get(`${url}?task_id=${id}`).expect(200)).body[kind.listKey][0];

  it.each([
    ['waiting', 0],
    ['running', kind.states.length - 2],
  ])('cancels a %s task: 204 with no body, and it reads CANCELED with an end_time from then on', async (_what, seconds) => {
    const id = await create();
    if (seconds > 0) t.clock.advance(seconds);
    expect((await read(id)).status).toBe(kind.states[seconds]);
    t.clock.advance(0.5);
    // As the SDKs send it: Content-Type application/json, no body.
    const res = await t.request.delete(`${url}?task_id=${id}`).set('Content-Type', 'application/json').expect(204);
    expect(res.text).toBe('');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    t.clock.advance(3600);
    const task = await read(id);
    expect(task).toMatchObject({ status: 'CANCELED', end_time: `2026112510000${seconds}`, description: 'The task has been canceled.' });
    expect((await t.request.get(`${url}?status=CANCELED&task_id=${id}`).expect(200)).body.total).toBe(1);
  });

  it('answers 400 MPC.10212 for a task that is already final, and leaves it as it was', async () => {
    const id = await create();
    t.clock.advance(60);
    const before = await read(id);
    const res = await t.request.delete(`${url}?task_id=${id}`).expect(400);
    expect(res.body).toEqual({ error_code: 'MPC.10212', error_msg: `Operation failed, task ${id} is already ${kind.succeededStatus}.` });
    expect(await read(id)).toEqual(before);
  });

  it('answers 400 MPC.10202 for an unknown id, an id of another project, and no id at all', async () => {
    expect((await t.request.delete(`${url}?task_id=987654321`).expect(400)).body).toEqual(invalid('task_id 987654321 does not exist'));
    const id = await create();
    expect((await t.request.delete(`/v1/someone-else/${path}?task_id=${id}`).expect(400)).body).toEqual(invalid(`task_id ${id} does not exist`));
    expect((await t.request.delete(url).expect(400)).body).toEqual(invalid('task_id is required'));
    expect((await t.request.delete(`${url}?task_id=1&task_id=2`).expect(400)).body).toEqual(invalid('task_id must be given only once'));
    expect((await read(id)).status).toBe(kind.states[0]);
  });

  it('refuses to cancel a shared fixture task (MPC.10212), so no project changes what every project sees', async () => {
    const shared = t.store.allTasks().find((s) => s.kind === kind.name && s.projectId === null && !kind.finalStatuses.includes(s.task.status))!;
    const res = await t.request.delete(`${url}?task_id=${shared.task.task_id}`).expect(400);
    expect(res.body.error_code).toBe('MPC.10212');
    expect(res.body.error_msg).toContain('shared fixture task');
    const other = await t.request.get(`/v1/another-project/${path}?task_id=${shared.task.task_id}`).expect(200);
    expect(other.body[kind.listKey][0].status).toBe(shared.task.status);
  });
});

describe('a project’s own fixture task', () => {
  it('can be cancelled by its project, and by no other', async () => {
    const t = await buildTestApp();
    try {
      const own = t.store.allTasks().find((s) => s.projectId === FIXTURE_PROJECT && !['SUCCEEDED', 'SUCCEED', 'FAILED', 'CANCELED'].includes(s.task.status));
      expect(own, 'fixtures/project-0a1b2c3d.json holds a task that is not final').toBeDefined();
      const path = TASK_KINDS.find((k) => k.name === own!.kind)!.path;
      await t.request.delete(`/v1/${PROJECT}/${path}?task_id=${own!.task.task_id}`).expect(400);
      await t.request.delete(`/v1/${FIXTURE_PROJECT}/${path}?task_id=${own!.task.task_id}`).expect(204);
    } finally {
      await t.close();
    }
  });
});

describe('the Python SDK on the wire (shared/reference/mpc-api.md §15)', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, lifecycle: 'manual' });
  });
  afterAll(() => mock.close());

  /** Sends exactly these bytes' worth of request: Content-Type application/json, Content-Length 0, no body. */
  const send = (method: string, path: string) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown>; reused: boolean }>((resolve, reject) => {
      const req = httpRequest(
        `${mock.url}${path}`,
        {
          method,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': '0',
            'User-Agent': 'huaweicloud-usdk-python/3.0; Linux',
            'X-Project-Id': 'py-project',
            'X-Sdk-Date': '20261125T100000Z',
            Accept: '*/*',
            'Accept-Encoding': 'gzip, deflate',
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers, reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('takes the body-less POST of CreateTranscodingTask as {} and names what is missing', async () => {
    const res = await send('POST', '/v1/py-project/transcodings');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual(invalid('input is required'));
  });

  it('cancels with the body-less DELETE, and keeps the connection open', async () => {
    const created = await fetch(`${mock.url}/v1/py-project/thumbnails`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODIES.thumbnails) });
    const { task_id } = (await created.json()) as { task_id: string };
    const res = await send('DELETE', `/v1/py-project/thumbnails?task_id=${task_id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers.connection).not.toBe('close');
    const again = await send('DELETE', `/v1/py-project/thumbnails?task_id=${task_id}`);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body).error_code).toBe('MPC.10212');
  });
});
