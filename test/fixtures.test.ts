// SPEC section 7: fixtures, their validation at load, and generated volume data.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../src/storage/sqlite.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskDocument } from '../src/domain/tasks/task-kinds.js';
import { FixtureError, parseFixtureFile, readFixtureDirectory } from '../src/fixture-format/fixture-files.js';
import { generateFixtures, generateTasks, type GenerateOptions } from '../src/fixture-format/generate-fixtures.js';
import { generateRowBatches } from '../src/fixture-format/generate-in-worker.js';
import { createTaskStore, type StoredTask, type TaskRowBatch } from '../src/storage/tasks/task-store.js';
import { collectFixtures, startMpcMock } from '../src/server.js';
import { parseConfig } from '../src/config.js';
import { buildTestApp, defaultFixtures, PROJECT, testContract } from './helper.js';

function fixtureDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpc-fixtures-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const good = { task_id: '1', status: 'WAITING', create_time: '20240101000000' };

describe('the default fixtures', () => {
  it.each(TASK_KINDS.map((k) => [k.path, k] as const))('show every status of %s and more than one page', (_path, kind) => {
    const tasks = defaultFixtures().tasks.filter((t) => t.kind === kind.name && t.projectId === null);
    const statuses = testContract().queryEnum(kind.listOperationId, 'status');
    // A filter word that is another word for a stored state (PREPROCESSING of the extraction and editing lists).
    for (const status of statuses) expect(tasks.map((t) => t.task.status)).toContain(kind.statusAliases?.[status] ?? status);
    expect(tasks.length).toBeGreaterThan(10);
  });

  it('hold explicit snapshot details and a project’s own tasks', () => {
    expect(defaultFixtures().details.length).toBeGreaterThan(0);
    expect(defaultFixtures().tasks.some((t) => t.projectId !== null)).toBe(true);
  });
});

describe('a fixture that fails validation', () => {
  const load = (files: Record<string, unknown>) => () => readFixtureDirectory(testContract(), fixtureDir(files));

  it('names the file, the task and the field', () => {
    const bad = { thumbnails: [good, { ...good, task_id: '2', create_time: 20240101000000 }] };
    expect(load({ 'a.json': { encryptions: [good] }, 'b.json': bad })).toThrowError(
      /Invalid fixture .*b\.json: thumbnails\[1\] \(task_id 2\): create_time must be string/,
    );
  });

  it.each([
    ['a status of another kind', { 'animated-graphics': [{ ...good, status: 'SUCCEEDED' }] }, /animated-graphics\[0\] \(task_id 1\): status must be one of/],
    ['an impossible date', { encryptions: [{ ...good, create_time: '20230230000000' }] }, /encryptions\[0\] \(task_id 1\): create_time must match format "yyyymmddhhmmss"/],
    ['a field the API does not have', { transcodings: [{ ...good, colour: 'red' }] }, /transcodings\[0\] \(task_id 1\): colour is not a field of this schema/],
    ['a missing required field', { thumbnails: [{ task_id: '1', status: 'WAITING' }] }, /thumbnails\[0\] \(task_id 1\): create_time is required/],
    ['a nested field of the wrong type', { thumbnails: [{ ...good, input: { bucket: 'b', location: 'l', object: 3 } }] }, /thumbnails\[0\] \(task_id 1\): input\.object must be string/],
    ['an end_time on a waiting task', { encryptions: [{ ...good, end_time: '20240101000001' }] }, /encryptions\[0\] \(task_id 1\): end_time must be absent while the task is WAITING/],
    ['a status no list can filter by', { thumbnails: [{ ...good, status: 'NO_TASK' }] }, /thumbnails\[0\] \(task_id 1\): status must be a state a snapshot task can be in: WAITING, PROCESSING/],
    ['a start before the task was created', { 'animated-graphics': [{ ...good, status: 'PROCESSING', start_time: '20231231235959' }] }, /animated-graphics\[0\] \(task_id 1\): start_time cannot be earlier than create_time/],
    ['an end before the start', { 'animated-graphics': [{ ...good, status: 'SUCCEED', start_time: '20240101000010', end_time: '20240101000005' }] }, /animated-graphics\[0\] \(task_id 1\): end_time cannot be earlier than start_time/],
    ['a failed task without a reason', { transcodings: [{ ...good, status: 'FAILED', end_time: '20240101000001' }] }, /transcodings\[0\] \(task_id 1\): description is required for a FAILED task/],
    ['an unknown kind', { transcoding: [good] }, /the file: transcoding is not a field of this schema/],
    ['a bad project id', { project_id: 'a b', thumbnails: [good] }, /project_id must match pattern/],
    ['not JSON', '{"thumbnails": [', /not JSON/],
  ])('rejects %s', (_what, content, message) => {
    expect(load({ 'x.json': content })).toThrowError(message);
  });

  it('rejects one task defined twice, and a project task that shadows a shared one', () => {
    expect(load({ 'a.json': { thumbnails: [good] }, 'b.json': { thumbnails: [good] } })).toThrowError(/b\.json: snapshot task 1 is already defined in .*a\.json/);
    expect(load({ 'a.json': { thumbnails: [good] }, 'b.json': { project_id: 'p', thumbnails: [good] } })).toThrowError(/shadows the shared task/);
    // The same id in two different projects, or in two kinds, is fine.
    expect(load({ 'a.json': { project_id: 'p', thumbnails: [good] }, 'b.json': { project_id: 'q', thumbnails: [good], encryptions: [good] } })()).toBeDefined();
  });

  it('stops the start with the message, and nothing is half loaded', async () => {
    // A store file with tasks in it, then a start with one good and one bad fixture file on the same store.
    const db = join(mkdtempSync(join(tmpdir(), 'mpc-db-')), 'tasks.db');
    const first = await startMpcMock({ port: 0, db, logLevel: 'silent' });
    const before = first.store.allTasks().length;
    await first.close();
    const dir = fixtureDir({ 'a.json': { project_id: 'new', encryptions: [good] }, 'z.json': { encryptions: [{ ...good, task_id: '' }] } });
    const start = startMpcMock({ port: 0, db, fixtures: dir, logLevel: 'silent' });
    await expect(start).rejects.toThrowError(FixtureError);
    await expect(start).rejects.toThrowError(/z\.json: encryptions\[0\]: task_id must NOT have fewer than 1 characters/);
    // The store was not touched: neither emptied nor given a.json's task.
    const file = openDatabase(db, { readonly: true });
    expect((file.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBe(before);
    expect((file.prepare("SELECT count(*) AS n FROM tasks WHERE project_id = 'new'").get() as { n: number }).n).toBe(0);
    file.close();
  });

  it('names the two files when a directory clashes with the defaults', async () => {
    const dir = fixtureDir({ 'mine.json': { transcodings: [{ ...good, task_id: '22123973' }] } });
    await expect(collectFixtures(parseConfig(['--fixtures', dir]))).rejects.toThrowError(
      /Invalid fixture .*mine\.json: transcoding task 22123973 is already defined in .*fixtures\/transcodings\.json/,
    );
  });
});

describe('loading fixtures from a directory at start', () => {
  it('adds them to the default set, or replaces it', async () => {
    const dir = fixtureDir({ 'mine.json': { project_id: 'mine', encryptions: [{ ...good, task_id: '77' }] } });
    const mock = await startMpcMock({ port: 0, fixtures: dir, logLevel: 'silent' });
    try {
      const res = await fetch(`${mock.url}/v1/mine/encryptions?task_id=77&task_id=31207`);
      expect(((await res.json()) as { total: number }).total).toBe(2);
    } finally {
      await mock.close();
    }
    const only = await collectFixtures(parseConfig(['--no-default-fixtures', '--fixtures', dir]));
    expect(only.tasks.map((t) => t.task.task_id)).toEqual(['77']);
  });
});

describe('generated fixtures', () => {
  it('are the same byte for byte for the same seed, and differ for another seed', () => {
    const a = JSON.stringify(generateFixtures({ count: 50, seed: 42 }));
    expect(JSON.stringify(generateFixtures({ count: 50, seed: 42 }))).toBe(a);
    expect(JSON.stringify(generateFixtures({ count: 50, seed: 43 }))).not.toBe(a);
  });

  // Checksums of the generator's output as it stood before created tasks shared its builder of outputs: the
  // same seed must keep giving the same bytes across versions of the mock, not only within one.
  it.each([
    [50, 1, '95de9b525f400b3da40586fdf10ba61ca68e1edd56f4121b0aae29d48480f3b0'],
    [50, 7, '287c515f66063b7481424544bfcdddc05143e24da11cc9001734138d46c939ba'],
    [200, 42, '2ee8ac60af2156e2f2b0c9a6f9403041483c56a30c70058903cf3b644da3d5ba'],
    [20, 123456, '3269f8a0a3db7e9612793a98497a00c5d0dc98adf6e51c0263fbfbb278723aa1'],
  ])('give the recorded bytes for %i tasks of each of the first four kinds and seed %i', (count, seed, sha256) => {
    // The later kinds are generated after these, so adding them changed none of these bytes.
    const first = { transcodings: count, thumbnails: count, 'animated-graphics': count, encryptions: count };
    const bytes = JSON.stringify(generateFixtures({ count: first, seed }));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  });

  // Recorded when the six later kinds were added (SPEC 9.1): every kind, the same bytes from here on.
  it.each([
    [30, 1, '9956621a61e1d62d9c0b01aab5caf79c8211364d8b532ffa9006504ebeac7592'],
    [100, 42, '01ca5cff51c0b73335f032112fc36f888dd0c38e70df39a816db5fc8012e9bb7'],
  ])('give the recorded bytes for %i tasks of every kind and seed %i', (count, seed, sha256) => {
    expect(createHash('sha256').update(JSON.stringify(generateFixtures({ count, seed }))).digest('hex')).toBe(sha256);
  });

  it('pass the same validation as hand-written fixtures and are served like them', async () => {
    const set = parseFixtureFile(testContract(), 'generated', generateFixtures({ count: 200, seed: 7 }));
    expect(set.tasks).toHaveLength(200 * TASK_KINDS.length);
    const t = await buildTestApp({ fixtures: set });
    try {
      const res = await t.request.get(`/v1/${PROJECT}/transcodings?size=100&page=1`).expect(200);
      expect(res.body.total).toBe(200);
      expect(res.body.task_array).toHaveLength(100);
    } finally {
      await t.close();
    }
  });

  it('look real: regions, buckets, codecs, consistent statuses, failures with real codes', () => {
    const file = generateFixtures({ count: 300, seed: 3 });
    const transcodings = file.transcodings as TaskDocument[];
    const statuses = new Set(transcodings.map((t) => t.status));
    for (const s of ['SUCCEEDED', 'FAILED', 'CANCELED', 'WAITING', 'TRANSCODING']) expect(statuses).toContain(s);
    const succeeded = transcodings.find((t) => t.status === 'SUCCEEDED')!;
    expect((succeeded.input as { location: string }).location).toMatch(/^(cn|ap|la)-[a-z]+-\d$/);
    expect((succeeded.input as { bucket: string }).bucket).toMatch(/^[a-z0-9-]{3,63}$/);
    expect((succeeded.output_file_name as string[])[0]).toMatch(/_\d+X\d+_\d+_0\.m3u8$/);
    expect(succeeded.progress).toBe(100);
    const failed = transcodings.find((t) => t.status === 'FAILED')!;
    expect(failed.error_code).toMatch(/^MPC\.10\d{3}$/);
    expect(failed.end_time! >= failed.create_time).toBe(true);
    const gifs = file['animated-graphics'] as TaskDocument[];
    for (const g of gifs) {
      const p = g.output_param as { start: number; end: number };
      expect(p.end - p.start).toBeLessThanOrEqual(60_000);
    }
  });

  it('load beside the default fixtures without id clashes (--generate), as many per kind as asked', async () => {
    const mock = await startMpcMock({ port: 0, generate: { transcodings: 30, encryptions: 5 }, seed: 5 });
    try {
      const total = async (path: string) => ((await (await fetch(`${mock.url}/v1/p/${path}?size=1`)).json()) as { total: number }).total;
      const shared = (kind: string) => defaultFixtures().tasks.filter((t) => t.kind === kind && t.projectId === null).length;
      expect(await total('transcodings')).toBe(shared('transcoding') + 30);
      expect(await total('encryptions')).toBe(shared('encryption') + 5);
      expect(await total('thumbnails')).toBe(shared('snapshot'));
      // A reset makes them again, the same.
      const before = JSON.stringify(await mock.control.exportTasks({ kind: 'transcodings' }));
      await mock.control.reset({ kind: 'transcodings' });
      expect(JSON.stringify(await mock.control.exportTasks({ kind: 'transcodings' }))).toBe(before);
    } finally {
      await mock.close();
    }
  });

  it('stream the same tasks in the same order as the file they make', async () => {
    const { generateTasks } = await import('../src/fixture-format/generate-fixtures.js');
    const file = generateFixtures({ count: { thumbnails: 7, 'animated-graphics': 3 }, seed: 11 });
    const streamed = [...generateTasks({ count: { thumbnails: 7, 'animated-graphics': 3 }, seed: 11 })];
    expect(streamed.map((s) => s.task)).toEqual([...file.thumbnails!, ...file['animated-graphics']!]);
    expect(Object.keys(file)).toEqual(['thumbnails', 'animated-graphics']);
  });
});

describe('generated tasks made in a worker thread (how --generate seeds a store)', () => {
  const rowsOf = (file: string) => {
    const db = openDatabase(file, { readonly: true });
    const all = (sql: string) => db.prepare(sql).raw().all() as unknown[][];
    const rows = {
      tasks: all('SELECT kind, project_id, task_id, status, create_time, sort_key, doc FROM tasks ORDER BY rowid'),
      counts: all('SELECT * FROM task_counts ORDER BY kind, project_id, status, level, prefix'),
      meta: all('SELECT * FROM meta ORDER BY key'),
    };
    db.close();
    return rows;
  };
  const seeded = async (more: Iterable<StoredTask> | AsyncIterable<TaskRowBatch>) => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-gen-')), 'tasks.db');
    const store = createTaskStore({ filename: file });
    await store.seed(defaultFixtures().tasks, defaultFixtures().details, defaultFixtures().templates, more);
    store.close();
    return rowsOf(file);
  };
  // Small batches, and a worker kept close behind, so that batches end inside kinds and at their ends and the
  // worker waits for the store many times.
  const options: GenerateOptions = { count: { transcodings: 230, thumbnails: 41, 'animated-graphics': 0, encryptions: 17 }, seed: 9 };

  it('store exactly the tasks the plain generator yields, in its order, serialised byte for byte the same', async () => {
    const fromWorker = await seeded(generateRowBatches(options, { batchSize: 16, ahead: 2 }));
    const plain = await seeded((function* () {
      for (const { kind, task } of generateTasks(options)) yield { kind: kind.name, projectId: null, task };
    })());
    expect(fromWorker).toEqual(plain);
    const generated = [...generateTasks(options)].map(({ kind, task }) => [kind.name, '', task.task_id, JSON.stringify(task)]);
    const stored = fromWorker.tasks.slice(defaultFixtures().tasks.length).map((r) => [r[0], r[1], r[2], r[6]]);
    expect(stored).toEqual(generated);
  });

  it('stop the worker and fail the start when a generated id is a fixture task\'s', async () => {
    // The clash is in the first batch: the worker is then waiting, batches ahead, and must be stopped.
    const dir = fixtureDir({ 'clash.json': { encryptions: [{ ...good, task_id: '900000003' }] } });
    await expect(startMpcMock({ port: 0, fixtures: dir, generate: { encryptions: 50_000 }, logLevel: 'silent' })).rejects.toThrowError(
      /a generated task id is already a fixture task's/,
    );
  });
});
