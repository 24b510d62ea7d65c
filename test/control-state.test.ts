// SPEC 6.2: the state through the control plane: reset, add, export, and one task read, changed or removed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskDocument } from '../src/domain/tasks/task-kinds.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, defaultFixtures, FIXTURE_PROJECT, invalid, PROJECT, type TestApp } from './helper.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ lifecycle: 'manual' });
});
afterEach(() => t.close());

const create = async (path: string, project = PROJECT) => String((await t.request.post(`/v1/${project}/${path}`).send(CREATE_BODIES[path]!).expect(202)).body.task_id);
const read = async (path: string, id: string, project = PROJECT) => (await t.request.get(`/v1/${project}/${path}?task_id=${id}`).expect(200)).body;
const snapshot = () => t.store.allTasks();

const added = (id: string, extra: Record<string, unknown> = {}) => ({ task_id: id, status: 'WAITING', create_time: '20260101000000', ...extra });

describe('POST /_mock/reset', () => {
  it('without a scope, goes back to the fixtures as loaded: created, added and changed tasks, settings, rules, faults, journal', async () => {
    const start = snapshot();
    await create('transcodings');
    await t.request.post('/_mock/tasks').send({ project_id: 'p2', encryptions: [added('e1')] }).expect(200);
    await t.request.patch('/_mock/tasks/transcodings/22123973').send({ user_data: 'changed' }).expect(200);
    await t.request.put('/_mock/lifecycle').send({ mode: 'immediate', project_id: 'p2' }).expect(200);
    await t.request.put('/_mock/outcomes').send({ rules: [] }).expect(200);
    await t.request.post('/_mock/faults').send({ response: { status: 500 } }).expect(201);
    const res = await t.request.post('/_mock/reset').expect(200);
    expect(res.body).toEqual({ tasks: defaultFixtures().tasks.length });
    expect(snapshot()).toEqual(start);
    expect((await t.request.get('/_mock/lifecycle').expect(200)).body.settings).toEqual([{ mode: 'manual' }]);
    expect((await t.request.get('/_mock/outcomes').expect(200)).body.rules).toEqual([{ input_object: 'fail-*', outcome: 'fail' }]);
    expect((await t.request.get('/_mock/faults').expect(200)).body.faults).toEqual([]);
    // The requests before the reset are forgotten; the reset itself is a control call, never journaled.
    expect((await t.request.get('/_mock/requests').expect(200)).body.requests).toEqual([]);
  });

  it('with project_id, touches that project’s data alone: its own tasks back to its fixtures, nobody else’s; its settings stay', async () => {
    const mine = await create('thumbnails', FIXTURE_PROJECT);
    const theirs = await create('thumbnails', 'other-team');
    await t.request.delete(`/_mock/tasks/transcodings/${defaultFixtures().tasks.find((x) => x.projectId === FIXTURE_PROJECT && x.kind === 'transcoding')!.task.task_id}?project_id=${FIXTURE_PROJECT}`).expect(204);
    await t.request.put('/_mock/lifecycle').send({ mode: 'immediate', project_id: FIXTURE_PROJECT }).expect(200);
    await t.request.put('/_mock/lifecycle').send({ mode: 'immediate', project_id: 'other-team' }).expect(200);
    await t.request.post('/_mock/faults').send({ match: { project_id: FIXTURE_PROJECT }, response: { status: 500 } }).expect(201);
    await t.request.post('/_mock/faults').send({ match: { project_id: 'other-team' }, response: { status: 500 } }).expect(201);
    const res = await t.request.post('/_mock/reset').send({ project_id: FIXTURE_PROJECT }).expect(200);
    expect(res.body).toEqual({ project_id: FIXTURE_PROJECT, tasks: defaultFixtures().tasks.filter((x) => x.projectId === FIXTURE_PROJECT).length });
    expect((await t.request.get('/_mock/faults').expect(200)).body.faults.map((f: { match: { project_id: string } }) => f.match.project_id)).toEqual(['other-team']);
    await t.request.delete('/_mock/faults').expect(200);
    expect((await read('thumbnails', mine, FIXTURE_PROJECT)).total).toBe(0);
    expect((await read('thumbnails', theirs, 'other-team')).total).toBe(1);
    const own = t.store.allTasks().filter((x) => x.projectId === FIXTURE_PROJECT);
    expect(own).toEqual(defaultFixtures().tasks.filter((x) => x.projectId === FIXTURE_PROJECT).sort((a, b) => (a.kind < b.kind ? -1 : 1)));
    expect((await t.request.get('/_mock/lifecycle').expect(200)).body.settings).toHaveLength(3);
  });

  it('with kind, resets that kind alone', async () => {
    const thumb = await create('thumbnails');
    const gif = await create('animated-graphics');
    await t.request.post('/_mock/reset').send({ kind: 'thumbnails' }).expect(200);
    expect((await read('thumbnails', thumb)).total).toBe(0);
    expect((await read('animated-graphics', gif)).total).toBe(1);
  });

  it('never hands out a task id twice, across resets', async () => {
    const first = await create('encryptions');
    await t.request.post('/_mock/reset').expect(200);
    expect(Number(await create('encryptions'))).toBeGreaterThan(Number(first));
  });

  it('answers 400 for a scope that is not one', async () => {
    expect((await t.request.post('/_mock/reset').send({ kind: 'remuxes' }).expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.post('/_mock/reset').send({ project_id: 'bad id!' }).expect(400)).body.error_code).toBe('MPC.10202');
  });
});

describe('POST /_mock/tasks', () => {
  it('adds tasks, details and templates in the fixture format, into one project; they stay as written', async () => {
    const body = {
      project_id: 'p9',
      transcodings: [added('t1'), added('t2', { status: 'SUCCEEDED', end_time: '20260101000100' })],
      thumbnails: [added('s1', { status: 'SUCCEEDED', end_time: '20260101000100' })],
      thumbnail_details: [{ task_id: 's1', thumbnails: [{ offset: 3, url: 'https://b.obs.cn-north-4.myhuaweicloud.com/x/3.jpg' }] }],
      transcoding_templates: [{ template_id: 9000001, common: { pack_type: 4 } }],
    };
    const res = await t.request.post('/_mock/tasks').send(body).expect(200);
    expect(res.body).toEqual({ project_id: 'p9', added: { transcodings: 2, thumbnails: 1, 'animated-graphics': 0, encryptions: 0, 'extract-metadata': 0, remux: 0, 'merge-channels': 0, 'reset-tracks': 0, 'editing-jobs': 0, enhancements: 0, thumbnail_details: 1, transcoding_templates: 1, transcoding_template_groups: 0, watermark_templates: 0, quality_enhance_templates: 0, account: 0 } });
    expect((await t.request.get('/v1/p9/transcodings?status=WAITING&task_id=t1').expect(200)).body.total).toBe(1);
    expect((await t.request.get('/v1/someone/transcodings?task_id=t1').expect(200)).body.total).toBe(0);
    expect((await t.request.get('/v1/p9/asset/thumbnail/details?task_id=s1').expect(200)).body.total).toBe(1);
    // The template is the project's: a strict create in p9 could use it; added tasks never progress.
    await t.request.put('/_mock/lifecycle').send({ mode: 'immediate' }).expect(200);
    expect((await read('transcodings', 't1', 'p9')).task_array[0].status).toBe('WAITING');
    expect((await t.request.post('/_mock/tasks/transcodings/t1/advance?project_id=p9').expect(400)).body.error_code).toBe('MPC.10212');
  });

  it('checks every task against the API’s schema and the consistency rules, naming the task and the field; all or nothing', async () => {
    const before = snapshot();
    const broken = await t.request
      .post('/_mock/tasks')
      .send({ project_id: 'p9', encryptions: [added('ok'), added('bad', { status: 'SUCCEEDED' })] })
      .expect(400);
    expect(broken.body).toEqual(invalid('encryptions[1] (task_id bad): end_time is required once the task is SUCCEEDED'));
    const typed = await t.request.post('/_mock/tasks').send({ transcodings: [added('x', { progress: 'half' })] }).expect(400);
    expect(typed.body).toEqual(invalid('transcodings[0] (task_id x): progress must be integer'));
    expect((await t.request.post('/_mock/tasks').send({ remuxes: [] }).expect(400)).body).toEqual(invalid('the file: remuxes is not a field of this schema'));
    expect(snapshot()).toEqual(before);
  });

  it('refuses a task the scope already has, or one that would shadow a shared task, all or nothing', async () => {
    await t.request.post('/_mock/tasks').send({ project_id: 'p9', thumbnails: [added('s1')] }).expect(200);
    const before = snapshot();
    const again = await t.request.post('/_mock/tasks').send({ project_id: 'p9', thumbnails: [added('s2'), added('s1')] }).expect(400);
    expect(again.body).toEqual(invalid('snapshot task s1 is already there'));
    const shadow = await t.request.post('/_mock/tasks').send({ project_id: 'p9', thumbnails: [added('7684')] }).expect(400);
    expect(shadow.body.error_msg).toContain('would shadow the shared task');
    expect(snapshot()).toEqual(before);
  });

  it('keeps task ids it hands out above the numeric ids added', async () => {
    await t.request.post('/_mock/tasks').send({ project_id: 'p9', encryptions: [added('555555555')] }).expect(200);
    expect(Number(await create('encryptions', 'p9'))).toBeGreaterThan(555555555);
  });
});

describe('GET /_mock/tasks', () => {
  it('exports a project’s own tasks in their current state, which load again unchanged', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 1 }).expect(200);
    const ids = [await create('transcodings', 'exp'), await create('thumbnails', 'exp')];
    await t.request.post('/_mock/tasks').send({ project_id: 'exp', encryptions: [added('e1')], thumbnail_details: [{ task_id: 'd1', thumbnails: [{ offset: 1, url: 'https://x/1.jpg' }] }] }).expect(200);
    t.clock.advance(60);
    const exported = (await t.request.get('/_mock/tasks?project_id=exp').expect(200)).body;
    expect(exported.project_id).toBe('exp');
    expect(exported.transcodings[0]).toMatchObject({ task_id: ids[0], status: 'SUCCEEDED' });
    expect(exported.thumbnails[0]).toMatchObject({ task_id: ids[1], status: 'SUCCEEDED' });
    expect(exported).not.toHaveProperty('animated-graphics');
    // Shared fixtures are not a project's own.
    expect(JSON.stringify(exported)).not.toContain('22123973');
    const state = snapshot().filter((x) => x.projectId === 'exp');
    await t.request.post('/_mock/reset').send({ project_id: 'exp' }).expect(200);
    expect(snapshot().filter((x) => x.projectId === 'exp')).toEqual([]);
    await t.request.post('/_mock/tasks').send(exported).expect(200);
    expect(snapshot().filter((x) => x.projectId === 'exp')).toEqual(state);
    expect((await t.request.get('/_mock/tasks?project_id=exp').expect(200)).body).toEqual(exported);
  });

  it('exports the shared tasks without project_id, and one kind with kind; as a fixture file loads them', async () => {
    const shared = (await t.request.get('/_mock/tasks?kind=animated-graphics').expect(200)).body;
    expect(Object.keys(shared)).toEqual(['animated-graphics']);
    expect(shared['animated-graphics'].map((x: TaskDocument) => x.task_id).sort()).toEqual(
      defaultFixtures().tasks.filter((x) => x.projectId === null && x.kind === 'animated_gif').map((x) => x.task.task_id).sort(),
    );
    const { parseFixtureFile } = await import('../src/fixture-format/fixture-files.js');
    const { testContract } = await import('./helper.js');
    const all = (await t.request.get('/_mock/tasks').expect(200)).body;
    expect(parseFixtureFile(testContract(), 'export', all).tasks).toHaveLength(defaultFixtures().tasks.filter((x) => x.projectId === null).length);
  });
});

describe('/_mock/tasks/{kind}/{task_id}', () => {
  it('reads one task, in the project given or among the shared fixtures', async () => {
    const id = await create('animated-graphics', 'p1');
    expect((await t.request.get(`/_mock/tasks/animated-graphics/${id}?project_id=p1`).expect(200)).body).toMatchObject({ task_id: id, status: 'INIT' });
    expect((await t.request.get(`/_mock/tasks/animated-graphics/${id}`).expect(404)).body).toEqual({
      error_code: 'MOCK.0404',
      error_msg: `Task animated-graphics/${id} among the shared fixtures not found`,
    });
    expect((await t.request.get('/_mock/tasks/animated-graphics/30647').expect(200)).body.status).toBe('SUCCEED');
  });

  it('changes a task consistently: fields replaced, null removes one, and it stops progressing', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 1 }).expect(200);
    const id = await create('transcodings', 'p1');
    const changed = await t.request
      .patch(`/_mock/tasks/transcodings/${id}?project_id=p1`)
      .send({ status: 'FAILED', end_time: '20261125100000', error_code: 'MPC.10053', description: 'The input file does not exist.', user_data: null })
      .expect(200);
    expect(changed.body).toMatchObject({ task_id: id, status: 'FAILED', error_code: 'MPC.10053' });
    t.clock.advance(60);
    const task = (await read('transcodings', id, 'p1')).task_array[0];
    expect(task.status).toBe('FAILED');
    expect(task).not.toHaveProperty('user_data');
  });

  it.each([
    [{ status: 'SUCCEEDED' }, 'end_time is required once the task is SUCCEEDED'],
    [{ status: 'FAILED', end_time: '20261125100000' }, 'description is required for a FAILED task'],
    [{ status: 'DONE' }, 'status must be one of NO_TASK, WAITING, TRANSCODING, SUCCEEDED, FAILED, CANCELED, NEED_TO_BE_AUDIT'],
    [{ task_id: 'other' }, 'task_id cannot change'],
    [{ create_time: '20200101000000' }, 'create_time cannot change'],
    [{ progress: 101 }, 'progress must be <= 100'],
  ])('refuses a change %j that would leave it inconsistent: %s', async (patch, detail) => {
    const id = await create('transcodings', 'p1');
    const before = (await read('transcodings', id, 'p1')).task_array[0];
    expect((await t.request.patch(`/_mock/tasks/transcodings/${id}?project_id=p1`).send(patch).expect(400)).body).toEqual(invalid(detail));
    expect((await read('transcodings', id, 'p1')).task_array[0]).toEqual(before);
  });

  it('removes one task (204), then knows it no more (404)', async () => {
    const id = await create('encryptions', 'p1');
    await t.request.delete(`/_mock/tasks/encryptions/${id}?project_id=p1`).expect(204);
    expect((await read('encryptions', id, 'p1')).total).toBe(0);
    expect((await t.request.delete(`/_mock/tasks/encryptions/${id}?project_id=p1`).expect(404)).body.error_code).toBe('MOCK.0404');
    expect((await t.request.patch(`/_mock/tasks/encryptions/${id}?project_id=p1`).send({}).expect(404)).body.error_code).toBe('MOCK.0404');
  });
});
