// Issue 8: a file store that keeps its state across restarts; the control plane switched off or behind a token;
// the typed client; `mpc-mock ctl` from a shell.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/storage/sqlite.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockControl, MockControlError } from '../src/control/client.js';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp } from './helper.js';

const tmp = (name: string) => join(mkdtempSync(join(tmpdir(), 'mpc-state-')), name);
const post = (mock: RunningMpcMock, path: string, body: unknown) =>
  fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a --db file keeps its state', () => {
  it('is seeded from the fixtures when new, opened as it is after a restart, and rebuilt with --fresh', async () => {
    const db = tmp('tasks.db');
    let mock = await startMpcMock({ port: 0, db, lifecycle: 'manual' });
    const created = (await (await post(mock, '/v1/keep/thumbnails', CREATE_BODIES.thumbnails)).json()) as { task_id: string };
    await mock.control.task('transcodings', '22123973').update({ user_data: 'changed before the restart' });
    mock.tasks.advance('thumbnails', created.task_id, 'keep');
    await mock.close();

    mock = await startMpcMock({ port: 0, db, lifecycle: 'manual' });
    try {
      expect(await mock.control.task('thumbnails', created.task_id, 'keep').get()).toMatchObject({ status: 'PROCESSING' });
      expect((await mock.control.task('transcodings', '22123973').get()).user_data).toBe('changed before the restart');
      // It goes on progressing where it stood, and the next id is new.
      expect(mock.tasks.advance('thumbnails', created.task_id, 'keep').status).toBe('SUCCEEDED');
      const next = (await (await post(mock, '/v1/keep/thumbnails', CREATE_BODIES.thumbnails)).json()) as { task_id: string };
      expect(Number(next.task_id)).toBeGreaterThan(Number(created.task_id));
    } finally {
      await mock.close();
    }

    mock = await startMpcMock({ port: 0, db, fresh: true });
    try {
      await expect(mock.control.task('thumbnails', created.task_id, 'keep').get()).rejects.toThrow(MockControlError);
      expect((await mock.control.task('transcodings', '22123973').get()).user_data).toBeUndefined();
    } finally {
      await mock.close();
    }
  });

  it('has every acknowledged write on disk, synced, for a reader of the file while the mock runs', async () => {
    const db = tmp('synced.db');
    const mock = await startMpcMock({ port: 0, db });
    try {
      const created = (await (await post(mock, '/v1/disk/encryptions', CREATE_BODIES.encryptions)).json()) as { task_id: string };
      const reader = openDatabase(db, { readonly: true });
      expect(reader.prepare('SELECT count(*) FROM tasks WHERE project_id = ? AND task_id = ?').pluck().get('disk', created.task_id)).toBe(1);
      reader.close();
      const check = openDatabase(db, { readonly: true });
      expect(check.pragma('synchronous', { simple: true })).toBeDefined();
      check.close();
    } finally {
      await mock.close();
    }
  });

  it.each([
    [5, 'before the later kinds: no remux input indexes', 'DROP INDEX tasks_by_input_bucket; DROP INDEX tasks_by_input_object; DROP TABLE template_families; DROP INDEX tasks_by_kind_time; DROP INDEX tasks_by_kind_status_time'],
    [
      6,
      'remux counted as a whole only, its bucket-and-object index',
      `DROP INDEX tasks_by_input_bucket; CREATE INDEX tasks_by_input ON tasks (kind, project_id, json_extract(doc, '$.input.bucket'), json_extract(doc, '$.input.object'), create_time DESC, sort_key DESC) WHERE kind = 'remux'; DROP TABLE template_families; DROP INDEX tasks_by_kind_time; DROP INDEX tasks_by_kind_status_time`,
    ],
    [7, 'before template groups: no template_families table', 'DROP TABLE template_families; DROP INDEX tasks_by_kind_time; DROP INDEX tasks_by_kind_status_time'],
    [8, "before the dashboard's indexes over every project's tasks", 'DROP INDEX tasks_by_kind_time; DROP INDEX tasks_by_kind_status_time'],
  ])('upgrades a file of schema %i (%s) in place: its tasks stay, the remux indexes and counts are built', async (version, _what, sql) => {
    const db = tmp(`schema${version}.db`);
    const first = await startMpcMock({ port: 0, db, logLevel: 'silent' });
    const created = (await (await fetch(`${first.url}/v1/keep/transcodings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODIES.transcodings) })).json()) as { task_id: number };
    await first.close();
    // What a file of that version looks like: its indexes, no count buckets per input bucket (7 added them).
    const old = openDatabase(db);
    old.exec(sql);
    if (version < 7) old.exec("DELETE FROM task_counts WHERE kind LIKE 'remux_%'");
    old.pragma(`user_version = ${version}`);
    old.close();
    const mock = await startMpcMock({ port: 0, db, logLevel: 'silent' });
    try {
      const listed = (await (await fetch(`${mock.url}/v1/keep/transcodings?task_id=${created.task_id}`)).json()) as { total: number };
      expect(listed.total).toBe(1);
      const remux = (await (await fetch(`${mock.url}/v1/keep/remux?input_bucket=mpc-mock-demo&size=100`)).json()) as { total: number; tasks: unknown[] };
      expect(remux.total).toBeGreaterThan(0);
      expect(remux.total).toBe(remux.tasks.length);
    } finally {
      await mock.close();
    }
    const reader = openDatabase(db, { readonly: true });
    expect(reader.pragma('user_version', { simple: true })).toBe(9);
    expect(reader.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('tasks_by_kind_time', 'tasks_by_kind_status_time')").pluck().get()).toBe(2);
    expect(reader.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'template_families'").pluck().get()).toBe(1);
    const indexes = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'tasks_by_input%' ORDER BY name").pluck().all();
    expect(indexes).toEqual(['tasks_by_input_bucket', 'tasks_by_input_object']);
    reader.close();
  });

  it('refuses a file from an incompatible version with one line, and --fresh rebuilds it', async () => {
    const db = tmp('old.db');
    const old = openDatabase(db);
    old.exec('CREATE TABLE tasks (kind TEXT, project_id TEXT, task_id TEXT, status TEXT, create_time TEXT, sort_key TEXT, doc TEXT)');
    old.close();
    await expect(startMpcMock({ port: 0, db })).rejects.toThrowError(/from an incompatible version of mpc-mock \(schema 0, this version uses \d+\); start with --fresh/);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--db', db], { encoding: 'utf8', timeout: 20_000 });
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toHaveLength(1);
    const mock = await startMpcMock({ port: 0, db, fresh: true });
    await mock.close();
    const reopened = await startMpcMock({ port: 0, db });
    await reopened.close();
  });
});

describe('the control plane switched off, or behind a token', () => {
  it('--no-control-plane: every /_mock/ path but health answers the gateway’s 404', async () => {
    const t = await buildTestApp({ controlPlane: { enabled: false } });
    try {
      await t.request.get('/_mock/health').expect(200);
      for (const path of ['/_mock/clock', '/_mock/requests', '/_mock/openapi.json']) {
        expect((await t.request.get(path).expect(404)).body.error_code).toBe('APIGW.0101');
      }
      expect((await t.request.post('/_mock/reset').send({}).expect(404)).body.error_code).toBe('APIGW.0101');
      await t.request.get('/v1/p/transcodings').expect(200);
    } finally {
      await t.close();
    }
  });

  it('--control-token: a missing or wrong Bearer token is 401 MOCK.0401; health and the document stay open', async () => {
    const t = await buildTestApp({ controlPlane: { token: 's3cret' } });
    try {
      const unauthorized = { error_code: 'MOCK.0401', error_msg: 'Missing or wrong control token: send Authorization: Bearer <token>' };
      expect((await t.request.get('/_mock/clock').expect(401)).body).toEqual(unauthorized);
      expect((await t.request.get('/_mock/clock').set('Authorization', 'Bearer wrong').expect(401)).body).toEqual(unauthorized);
      expect((await t.request.get('/_mock/clock').set('Authorization', 'Bearer s3cret-and-more').expect(401)).body).toEqual(unauthorized);
      expect((await t.request.post('/_mock/reset').set('Authorization', 'Basic s3cret').expect(401)).body).toEqual(unauthorized);
      await t.request.get('/_mock/clock').set('Authorization', 'Bearer s3cret').expect(200);
      await t.request.get('/_mock/health').expect(200);
      await t.request.get('/_mock/openapi.json').expect(200);
      // The vendor API is not the control plane's to guard.
      await t.request.get('/v1/p/transcodings').expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('the typed client, mockControl(url, { token })', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, controlToken: 'tok', lifecycle: 'manual' });
  });
  afterAll(() => mock.close());

  it('calls every control operation, the same as mock.control', async () => {
    const control = mockControl(mock.url, { token: 'tok' });
    expect(await control.health()).toEqual({ status: 'ok', obs: { mode: 'off' } });
    const frozen = await control.clock.freeze('2026-11-25T10:00:00Z');
    expect(frozen).toEqual({ now: '2026-11-25T10:00:00.000Z', frozen: true });
    expect((await control.clock.advance(2)).now).toBe('2026-11-25T10:00:02.000Z');
    expect(await control.lifecycle.set({ mode: 'reads', reads_per_state: 2, project_id: 'c' })).toContainEqual({ mode: 'reads', reads_per_state: 2, project_id: 'c' });
    expect(await control.outcomes.set([{ input_object: 'x-*', outcome: 'fail' }])).toEqual([{ input_object: 'x-*', outcome: 'fail' }]);
    expect(await control.addTasks({ project_id: 'c', encryptions: [{ task_id: 'e1', status: 'WAITING', create_time: '20260101000000' }] })).toMatchObject({ added: { encryptions: 1 } });
    expect((await control.exportTasks({ project_id: 'c' })).encryptions).toHaveLength(1);
    expect(await control.task('encryptions', 'e1', 'c').update({ user_data: 'u' })).toMatchObject({ user_data: 'u' });
    const rule = await control.faults.add({ match: { project_id: 'c' }, response: { status: 500 }, times: 1 });
    expect((await fetch(`${mock.url}/v1/c/encryptions`)).status).toBe(500);
    expect((await control.faults.list())[0]).toMatchObject({ id: rule.id, fired: 1 });
    const waited = await control.requests.wait({ match: { project_id: 'c', status: 500 }, count: 1, timeout_ms: 1000 });
    expect(waited.requests).toHaveLength(1);
    expect((await control.requests.list({ project_id: 'c' })).requests).toHaveLength(1);
    await control.requests.clear('c');
    await control.faults.remove(rule.id);
    await control.task('encryptions', 'e1', 'c').remove();
    expect(await control.reset({ project_id: 'c' })).toEqual({ project_id: 'c', tasks: 0 });
    await expect(control.requests.wait({ match: { method: 'PATCH' }, timeout_ms: 20 })).rejects.toMatchObject({ status: 408, errorCode: 'MOCK.0408' });
    await expect(mockControl(mock.url).clock.get()).rejects.toMatchObject({ status: 401, errorCode: 'MOCK.0401' });
    expect(await mock.control.clock.get()).toEqual({ now: '2026-11-25T10:00:02.000Z', frozen: true });
  });
});

describe('mpc-mock ctl', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, lifecycle: 'manual' });
  });
  afterAll(() => mock.close());
  // Run as a separate process, asynchronously: the mock it talks to lives in this one.
  const ctl = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'ctl', '--url', mock.url, ...args], { encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });

  it('exports a project’s state to a file, resets, and imports it back', async () => {
    await post(mock, '/v1/shell/transcodings', CREATE_BODIES.transcodings);
    const exported = await ctl('export', '--project', 'shell');
    expect(exported.status).toBe(0);
    const file = tmp('state.json');
    writeFileSync(file, exported.stdout);
    expect(JSON.parse(readFileSync(file, 'utf8')).transcodings).toHaveLength(1);
    expect(JSON.parse((await ctl('reset', '--project', 'shell')).stdout)).toEqual({ project_id: 'shell', tasks: 0 });
    expect(JSON.parse((await ctl('import', file)).stdout).added.transcodings).toBe(1);
    expect(JSON.parse((await ctl('export', '--project', 'shell')).stdout)).toEqual(JSON.parse(exported.stdout));
  });

  it('names the later kinds by their words: advances a remux task, reads an editing job, journals and exports them', async () => {
    const remux = (await (await post(mock, '/v1/shell/remux', CREATE_BODIES.remux)).json()) as { task_id: string };
    const job = (await (await post(mock, '/v1/shell/editing/jobs', CREATE_BODIES['editing-jobs'])).json()) as { job_id: string };
    expect(JSON.parse((await ctl('task', 'advance', 'remux', remux.task_id, '--project', 'shell')).stdout)).toMatchObject({ task_id: remux.task_id, status: 'WAITING' });
    expect(JSON.parse((await ctl('task', 'get', 'editing-jobs', job.job_id, '--project', 'shell')).stdout)).toMatchObject({ job_id: job.job_id, status: 'INIT' });
    const journal = JSON.parse((await ctl('requests', '--kind', 'editing-jobs', '--task', job.job_id)).stdout) as { requests: Array<{ method: string; status: number }> };
    expect(journal.requests.map((r) => [r.method, r.status])).toEqual([['POST', 200]]);
    const exported = JSON.parse((await ctl('export', '--project', 'shell')).stdout);
    expect([exported.remux?.length, exported['editing-jobs']?.length]).toEqual([1, 1]);
    expect(JSON.parse((await ctl('reset', '--project', 'shell')).stdout)).toEqual({ project_id: 'shell', tasks: 0 });
  });

  it('shows a project’s templates of every family and its account (ctl templates), and the system ones', async () => {
    const created = (await (await post(mock, '/v1/shell-tpl/template/qualityenhance', { template_name: 'clean', video: { video_deblock: { name: 'hw-deblock', execution_order: 1 } } })).json()) as { template_id: number };
    await post(mock, '/v1/shell-tpl/template/watermark', { template_name: 'logo', type: 'Image' });
    await post(mock, '/v1/shell-tpl/agencies', { operate_type: 'CREATED' });
    const view = JSON.parse((await ctl('templates', '--project', 'shell-tpl')).stdout);
    expect(view).toMatchObject({
      project_id: 'shell-tpl',
      transcoding_templates: [],
      transcoding_template_groups: [],
      watermark_templates: [expect.objectContaining({ template_name: 'logo' })],
      quality_enhance_templates: [{ template_id: created.template_id, template: expect.objectContaining({ template_name: 'clean' }) }],
      account: { operate_type: 'CREATED', tenant_access: { is_open: true, agreement_version: 1 } },
    });
    // The same through the typed client; without a project, the presets.
    const control = mockControl(mock.url);
    expect(await control.templates('shell-tpl')).toEqual(view);
    const system = await control.templates();
    expect(system.transcoding_templates.map((t) => t.template_id)).toContain(7000522);
    expect(system.quality_enhance_templates.length).toBeGreaterThan(0);
    expect(system.account).toBeUndefined();
    expect((await ctl('templates', 'list')).status).toBe(2);
    // The journal names the operations.
    const journal = JSON.parse((await ctl('requests', '--operation', 'CreateQualityEnhanceTemplate')).stdout) as { requests: Array<{ path: string; operation: string }> };
    expect(journal.requests.map((r) => [r.path, r.operation])).toEqual([['/v1/shell-tpl/template/qualityenhance', 'CreateQualityEnhanceTemplate']]);
  });

  it('steers the clock and faults, and says what went wrong in one line', async () => {
    expect(JSON.parse((await ctl('clock', 'freeze', '2026-01-01T00:00:00Z')).stdout)).toEqual({ now: '2026-01-01T00:00:00.000Z', frozen: true });
    expect(JSON.parse((await ctl('faults', 'add', '{"response":{"status":503},"times":1}')).stdout).id).toMatch(/^f-/);
    const refused = (await ctl('task', 'get', 'transcodings', 'nope', '--project', 'shell'));
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe('mpc-mock ctl: the mock answered 404 MOCK.0404 Task transcodings/nope in project shell not found');
    const usage = (await ctl('frobnicate'));
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown command frobnicate');
    expect((await ctl('auth', 'set', 'not json')).status).toBe(2);
    const unreachable = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'ctl', '--url', 'http://127.0.0.1:1', 'health'], { encoding: 'utf8', timeout: 20_000 });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('sets the auth mode, and adds, lists and removes subscriptions and reads their deliveries', async () => {
    // The fault rule the test above added answers before authentication would.
    await ctl('faults', 'clear');
    expect(JSON.parse((await ctl('auth', 'set', '{"mode": "presence"}')).stdout)).toMatchObject({ mode: 'presence' });
    expect((await fetch(`${mock.url}/v1/shell/transcodings`)).status).toBe(401);
    expect(JSON.parse((await ctl('auth')).stdout)).toMatchObject({ mode: 'presence' });
    await ctl('auth', 'set', '{"mode": "off"}');
    // A receiver that takes the confirmation.
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      req.on('data', () => undefined).on('end', () => {
        received.push(String(req.headers['x-smn-message-type']));
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/smn`;
      const added = JSON.parse((await ctl('subscriptions', 'add', 'urn:smn:cn-north-4:p:ctl-topic', endpoint)).stdout);
      expect(added).toMatchObject({ topic_urn: 'urn:smn:cn-north-4:p:ctl-topic', endpoint });
      const waited = JSON.parse((await ctl('deliveries', 'wait', '{"match": {"topic_urn": "urn:smn:cn-north-4:p:ctl-topic"}, "timeout_ms": 5000}')).stdout);
      expect(waited).toEqual([expect.objectContaining({ type: 'SubscriptionConfirmation', outcome: 'delivered', status: 200 })]);
      expect(received).toEqual(['SubscriptionConfirmation']);
      expect(JSON.parse((await ctl('deliveries', 'list', '--topic', 'urn:smn:cn-north-4:p:ctl-topic')).stdout)).toHaveLength(1);
      expect(JSON.parse((await ctl('subscriptions')).stdout)).toEqual([expect.objectContaining({ id: added.id })]);
      expect(JSON.parse((await ctl('subscriptions', 'remove', added.id)).stdout)).toEqual({ removed: added.id });
      expect(JSON.parse((await ctl('subscriptions', 'list')).stdout)).toEqual([]);
    } finally {
      receiver.close();
    }
  });
});
