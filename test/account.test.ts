// SPEC 9.3: the account and storage operations (buckets and their objects from the project's tasks, bucket and
// agency authorisation, service activation) as per-project state, and the two worker callbacks with no project in
// their path: validated and journaled.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, type TestApp } from './helper.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ lifecycle: 'immediate' });
});
afterAll(() => t.close());

const obs = (bucket: string, object: string) => ({ bucket, location: 'cn-north-4', object });
const buckets = async (project: string) => (await t.request.get(`/v1/${project}/buckets`).expect(200)).body.buckets as Array<{ bucket: string; creation_date: string; is_authorized: number }>;
const objects = async (project: string, query: string) => (await t.request.get(`/v1.0-ext/${project}/objects?${query}`).expect(200)).body.objects as Array<{ file_name: string; size: number; last_modified: string }>;

describe('buckets and objects from the project’s tasks (SPEC 9.3, no object store)', () => {
  it('lists the buckets its tasks name, by name, with the first task’s time; another project sees only the shared ones', async () => {
    const before = new Set((await buckets('acct-a')).map((b) => b.bucket));
    await t.request.post('/v1/acct-a/transcodings').send({ ...CREATE_BODIES.transcodings, input: obs('team-in', 'raw/clip.mp4'), output: obs('team-out', 'hls/') }).expect(202);
    const after = await buckets('acct-a');
    expect(after.map((b) => b.bucket)).toEqual([...after.map((b) => b.bucket)].sort());
    const added = after.filter((b) => !before.has(b.bucket));
    expect(added).toEqual([
      { bucket: 'team-in', creation_date: expect.stringMatching(/^[0-9]{14}$/), is_authorized: 1 },
      { bucket: 'team-out', creation_date: expect.stringMatching(/^[0-9]{14}$/), is_authorized: 1 },
    ]);
    expect((await buckets('acct-other')).map((b) => b.bucket)).not.toContain('team-in');
  });

  it('lists a bucket’s objects: the inputs read and, once a task succeeded, the files it wrote; by prefix', async () => {
    await t.request.post('/v1/acct-b/transcodings').send({ ...CREATE_BODIES.transcodings, input: obs('b-media', 'raw/one.mp4'), output: obs('b-media', 'out/') }).expect(202);
    await t.request.post('/v1/acct-b/thumbnails').send({ ...CREATE_BODIES.thumbnails, input: obs('b-media', 'raw/two.mp4') }).expect(202);
    const all = await objects('acct-b', 'bucket=b-media');
    const names = all.map((o) => o.file_name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('raw/one.mp4');
    expect(names).toContain('raw/two.mp4');
    // The transcoding's outputs: its output folder joined with every file it reports.
    const task = (await t.request.get('/v1/acct-b/transcodings?page=0&size=1').expect(200)).body.task_array[0];
    expect(task.status).toBe('SUCCEEDED');
    for (const name of task.output_file_name as string[]) expect(names).toContain(`out/${name}`);
    expect(all.every((o) => o.size === 0 && /^[0-9]{14}$/.test(o.last_modified))).toBe(true);
    expect((await objects('acct-b', 'bucket=b-media&prefix=raw/')).map((o) => o.file_name)).toEqual(['raw/one.mp4', 'raw/two.mp4']);
    expect(await objects('acct-b', 'bucket=b-media&prefix=nothing/&type=video')).toEqual([]);
  });

  it('refuses an unknown bucket (MPC.10209) and a missing one (MPC.10202)', async () => {
    expect((await t.request.get('/v1.0-ext/acct-c/objects?bucket=nowhere').expect(400)).body).toEqual({ error_code: 'MPC.10209', error_msg: 'Invalid input or output OBS path.' });
    expect((await t.request.get('/v1.0-ext/acct-c/objects').expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.put('/v1/acct-c/authority').send({ bucket: 'nowhere', operation: '1' }).expect(403)).body.error_code).toBe('MPC.10209');
    expect((await t.request.put('/v1/acct-c/authority').send({ bucket: 'nowhere', operation: '2' }).expect(400)).body.error_code).toBe('MPC.10202');
  });
});

describe('authorisation and activation are per-project state (SPEC 9.3)', () => {
  it('a bucket’s authorisation follows UpdateBucketAuthorized, string or number', async () => {
    await t.request.post('/v1/acct-d/transcodings').send({ ...CREATE_BODIES.transcodings, input: obs('d-in', 'a.mp4'), output: obs('d-in', 'o/') }).expect(202);
    const read = async () => (await buckets('acct-d')).find((b) => b.bucket === 'd-in')!.is_authorized;
    expect(await read()).toBe(1);
    expect((await t.request.put('/v1/acct-d/authority').send({ bucket: 'd-in', operation: '0' }).expect(204)).text).toBe('');
    expect(await read()).toBe(0);
    await t.request.put('/v1/acct-d/authority').send({ bucket: 'd-in', operation: 1 }).expect(204);
    expect(await read()).toBe(1);
  });

  it('agency authorisation: CANCELED at first, CREATED after, twice either way refused', async () => {
    const show = async () => (await t.request.get('/v1/acct-e/agencies').expect(200)).body;
    expect(await show()).toEqual({ operate_type: 'CANCELED' });
    expect((await t.request.post('/v1/acct-e/agencies').send({ operate_type: 'CANCELED' }).expect(400)).body).toEqual({ error_code: 'MPC.10224', error_msg: 'The agency has been deleted.' });
    await t.request.post('/v1/acct-e/agencies').send({ operate_type: 'CREATED', project_id: 'acct-e' }).expect(204);
    expect(await show()).toEqual({ operate_type: 'CREATED' });
    expect((await t.request.post('/v1/acct-e/agencies').send({ operate_type: 'CREATED' }).expect(403)).body).toEqual({ error_code: 'MPC.10223', error_msg: 'An agency has been created.' });
    expect((await t.request.get('/v1/acct-e2/agencies').expect(200)).body).toEqual({ operate_type: 'CANCELED' });
    expect((await t.request.post('/v1/acct-e/agencies').send({ operate_type: 'ON' }).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('tenant access: open at first; an update changes the fields given and answers 200 {}', async () => {
    expect((await t.request.get('/v1/acct-f/tenant/access').set('x-language', 'en-US').expect(200)).body).toEqual({ is_open: true, agreement_version: 1 });
    expect((await t.request.put('/v1/acct-f/tenant/access').send({ is_open: false }).expect(200)).body).toEqual({});
    expect((await t.request.get('/v1/acct-f/tenant/access').expect(200)).body).toEqual({ is_open: false, agreement_version: 1 });
    await t.request.put('/v1/acct-f/tenant/access').send({ agreement_version: 3 }).expect(200);
    expect((await t.request.get('/v1/acct-f/tenant/access').expect(200)).body).toEqual({ is_open: false, agreement_version: 3 });
    expect((await t.request.put('/v1/acct-f/tenant/access').send({ is_open: 'yes' }).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('is state: export carries it under `account`, a reset forgets it, an import brings it back; a fixture declares buckets', async () => {
    await t.request.post('/v1/acct-g/agencies').send({ operate_type: 'CREATED' }).expect(204);
    await t.request.put('/v1/acct-g/tenant/access').send({ agreement_version: 2 }).expect(200);
    const exported = (await t.request.get('/_mock/tasks?project_id=acct-g').expect(200)).body;
    expect(exported.account).toEqual({ operate_type: 'CREATED', tenant_access: { is_open: true, agreement_version: 2 } });
    await t.request.post('/_mock/reset').send({ project_id: 'acct-g' }).expect(200);
    expect((await t.request.get('/v1/acct-g/agencies').expect(200)).body.operate_type).toBe('CANCELED');
    expect((await t.request.post('/_mock/tasks').send(exported).expect(200)).body.added.account).toBe(1);
    expect((await t.request.get('/v1/acct-g/agencies').expect(200)).body.operate_type).toBe('CREATED');
    expect((await t.request.post('/_mock/tasks').send(exported).expect(400)).body.error_msg).toBe('Invalid request parameter, the account settings of project acct-g are already there.');
    // Declared buckets: listed without a task, authorisation as given; a bucket given twice is refused.
    const declared = { project_id: 'acct-h', account: { buckets: [{ bucket: 'empty-bucket', creation_date: '20240101000000', is_authorized: 0 }] } };
    await t.request.post('/_mock/tasks').send(declared).expect(200);
    expect((await buckets('acct-h')).find((b) => b.bucket === 'empty-bucket')).toEqual({ bucket: 'empty-bucket', creation_date: '20240101000000', is_authorized: 0 });
    expect(await objects('acct-h', 'bucket=empty-bucket')).toEqual([]);
    const twice = { project_id: 'acct-i', account: { buckets: [declared.account.buckets[0], declared.account.buckets[0]] } };
    expect((await t.request.post('/_mock/tasks').send(twice).expect(400)).body.error_msg).toMatch(/account.buckets\[1\]: bucket empty-bucket is given twice/);
    expect((await t.request.post('/_mock/tasks').send({ account: {} }).expect(400)).body.error_msg).toMatch(/account needs the file's project_id/);
  });

  it('a file store keeps it across a restart', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mpc-account-')), 'store.db');
    const first = await startMpcMock({ port: 0, logLevel: 'silent', db });
    await fetch(`${first.url}/v1/acct-db/agencies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"operate_type":"CREATED"}' });
    await first.close();
    const second = await startMpcMock({ port: 0, logLevel: 'silent', db });
    try {
      expect(await (await fetch(`${second.url}/v1/acct-db/agencies`)).json()).toEqual({ operate_type: 'CREATED' });
    } finally {
      await second.close();
    }
  });
});

describe('the workers’ callbacks (SPEC 9.3)', () => {
  it('are validated, answered 204 and journaled without a project', async () => {
    const report = { task_id: '2208', status: 'FINISHED', task_name: 'MERGE_CHANNELS', retry: false, parameter: { status_description: 'done', output_filename: 'merged.wav' } };
    await t.request.put('/v1/mediabox/tasks/report').set('X-Project-Id', 'acct-cb').send(report).expect(204);
    await t.request.post('/v1/mpe/notification').send({ task_type: 'REMUX', task_id: '10744', status: 'SUCCEED', complete_ratio: 100, meta_data: { width: 1280, is_audio: false } }).expect(204);
    expect((await t.request.put('/v1/mediabox/tasks/report').send({ status: 'DONE' }).expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.post('/v1/mpe/notification').send({ complete_ratio: 101 }).expect(400)).body.error_code).toBe('MPC.10202');
    const journal = (await t.request.get('/_mock/requests?path=/v1/m*/**').expect(200)).body.requests as Array<{ method: string; path: string; status: number; project_id?: string; body?: unknown }>;
    const reports = journal.filter((e) => e.status === 204);
    expect(reports.map((e) => [e.method, e.path])).toEqual([
      ['PUT', '/v1/mediabox/tasks/report'],
      ['POST', '/v1/mpe/notification'],
    ]);
    expect(reports.every((e) => e.project_id === undefined)).toBe(true);
    // Each entry names its operation; the journal filters by it.
    expect(reports.map((e) => (e as { operation?: string }).operation)).toEqual(['CreateMbTasksReport', 'CreateMpeCallBack']);
    const byOperation = (await t.request.get('/_mock/requests?operation=CreateMpeCallBack').expect(200)).body.requests as Array<{ status: number }>;
    expect(byOperation.map((e) => e.status)).toEqual([204, 400]);
    expect(reports[0]!.body).toEqual(report);
    // The project named `mpe` keeps its notification settings at the same path, and is journaled as that project.
    await t.request.get('/v1/mpe/notification').expect(200);
    const show = (await t.request.get('/_mock/requests?operation=ShowNotification&project_id=mpe').expect(200)).body.requests;
    expect(show).toHaveLength(1);
    // A path of no operation has none; the gateway's 404.
    await t.request.get('/v1/acct-cb/no-such-thing').expect(404);
    const unknown = (await t.request.get('/_mock/requests?path=/v1/acct-cb/no-such-thing').expect(200)).body.requests;
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).not.toHaveProperty('operation');
    const template = (await t.request.get('/_mock/requests?operation=ListAllObsObjList').expect(200)).body.requests as Array<{ path: string }>;
    expect(template.every((e) => e.path.startsWith('/v1.0-ext/'))).toBe(true);
    expect(template.length).toBeGreaterThan(0);
    expect((await t.request.get('/_mock/requests?operation=not-an-op').expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('a project’s export and reset do not touch another project’s settings', async () => {
    await t.request.post('/v1/acct-j/agencies').send({ operate_type: 'CREATED' }).expect(204);
    await t.request.post('/_mock/reset').send({ project_id: 'acct-k' }).expect(200);
    expect((await t.request.get('/v1/acct-j/agencies').expect(200)).body.operate_type).toBe('CREATED');
    expect((await t.request.get('/_mock/tasks?project_id=acct-k').expect(200)).body.account).toBeUndefined();
  });
});
