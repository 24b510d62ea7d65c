// The store: every list query is served by an index in its own order, and bulk writes are all or nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/storage/sqlite.js';
import { describe, expect, it } from 'vitest';
import { generateTasks } from '../src/fixture-format/generate-fixtures.js';
import { startMpcMock } from '../src/server.js';
import { LEVELS } from '../src/storage/tasks/task-counts.js';
import { createTaskStore, QUERY_SQL, taskSortKey, type StoredTask } from '../src/storage/tasks/task-store.js';
import { defaultFixtures } from './helper.js';

const task = (id: string, createTime = '20240101000000'): StoredTask => ({
  kind: 'encryption',
  projectId: null,
  task: { task_id: id, status: 'WAITING', create_time: createTime },
});

describe('the task store', () => {
  it.each(Object.entries(QUERY_SQL))('plans the %s query on an index, without scanning a table or sorting a result', (name, sql) => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-store-'));
    const file = join(dir, 'plans.db');
    const store = createTaskStore({ filename: file });
    store.replaceAll(defaultFixtures().tasks, defaultFixtures().details);
    store.close();
    const db = openDatabase(file, { readonly: true });
    const params = { kind: 'snapshot', project: 'p', project_id: 'p', task_id: '1', status: 'SUCCEEDED', from: '0', to: '9', limit: 10, offset: 0, ids: '["1"]', taskId: '1', now: 0, id: 1, bucket: 'b', object: 'o' };
    const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`@${k}\\b`).test(sql)));
    const plan = (statement.all(used) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
    db.close();
    expect(plan, plan).toMatch(/SEARCH (tasks|thumbnail_details|progress) USING (COVERING )?(INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/);
    expect(plan, plan).not.toMatch(/SCAN (tasks|thumbnail_details|progress)/);
    // Only the task_id lookups sort, and at most 20 rows (10 ids in two projects).
    if (name !== 'byIds' && name !== 'byId') expect(plan, plan).not.toMatch(/TEMP B-TREE/);
    if (name === 'page' || name === 'pageByStatus') expect(plan, plan).toMatch(/SEARCH tasks USING COVERING INDEX tasks_by_(status_)?time/);
    if (name === 'remuxPageByBucket') expect(plan, plan).toMatch(/SEARCH tasks USING COVERING INDEX tasks_by_input_bucket/);
    if (name === 'remuxPageByObject' || name === 'remuxCountByObject') expect(plan, plan).toMatch(/SEARCH tasks USING (COVERING )?INDEX tasks_by_input_object/);
  });

  it('uses WAL for a file database', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'wal.db');
    const store = createTaskStore({ filename: file });
    store.close();
    const db = openDatabase(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it.skipIf(!existsSync('/proc/self/fd'))('lets go of its file when it closes, the descriptor a seed syncs through included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'fds.db');
    const open = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
    const store = createTaskStore({ filename: file });
    await store.seed([task('1')], [], []);
    expect(open().length).toBeGreaterThan(0);
    store.close();
    // The sync may still be under way in libuv's pool: the descriptor closes when it ends.
    while (open().length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('loads all or nothing: a failing row leaves the previous contents whole', () => {
    const store = createTaskStore();
    store.replaceAll([task('1'), task('2')]);
    expect(() => store.replaceAll([task('3'), task('3')])).toThrow();
    expect(store.allTasks().map((t) => t.task.task_id).sort()).toEqual(['1', '2']);
    store.close();
  });

  it('breaks create_time ties by numeric id, larger first, above non-numeric ids', () => {
    const keys = ['9', '10', '200', '0200', 'abc', 'zz'].map((id) => [id, taskSortKey(id)] as const);
    const order = [...keys].sort((a, b) => (a[1] < b[1] ? 1 : -1)).map(([id]) => id);
    expect(order).toEqual(['200', '0200', '10', '9', 'zz', 'abc']);
  });
});

describe('the count buckets', () => {
  /**
   * The buckets as first written: one GROUP BY over the tasks per level, by status and for any status; and the
   * same for remux tasks per input bucket, under the counting kind `remux` U+001F bucket.
   */
  const recounted = (db: ReturnType<typeof openDatabase>) =>
    LEVELS.flatMap((level) =>
      [true, false].flatMap((byStatus) =>
        [
          ['kind', ''],
          [`kind || char(31) || json_extract(doc, '$.input.bucket')`, `WHERE kind = 'remux' AND json_type(doc, '$.input.bucket') = 'text'`],
        ].flatMap(
          ([counting, where]) =>
            db
              .prepare(
                `SELECT ${counting}, project_id, ${byStatus ? 'status' : "''"}, ${level}, substr(create_time, 1, ${level}), count(*) FROM tasks ${where}
                 GROUP BY ${counting}, project_id, ${byStatus ? 'status, ' : ''}substr(create_time, 1, ${level})`,
              )
              .raw()
              .all() as unknown[][],
        ),
      ),
    );
  const buckets = (db: ReturnType<typeof openDatabase>) => db.prepare('SELECT * FROM task_counts').raw().all() as unknown[][];
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
  const generated = [...generateTasks({ count: { transcodings: 400, thumbnails: 60, encryptions: 30, remux: 80 }, seed: 4 })].map(
    ({ kind, task }, i): StoredTask => ({ kind: kind.name, projectId: i % 7 === 0 ? 'p-7' : null, task }),
  );

  it.each([
    ['tallied as a seed writes the rows', [] as StoredTask[]],
    // A create_time that is not twelve digits and more cannot be tallied: the seed recounts instead.
    ['recounted after a seed with an odd create_time', [{ kind: 'encryption', projectId: 'odd', task: { task_id: 'x', status: 'WAITING', create_time: '2024' } }] as StoredTask[]],
  ])('are the same %s as counted from the tasks', async (_how, odd) => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'counts.db');
    const store = createTaskStore({ filename: file });
    await store.seed([...defaultFixtures().tasks, ...odd], [], [], generated);
    store.close();
    const db = openDatabase(file, { readonly: true });
    expect(sorted(buckets(db))).toEqual(sorted(recounted(db)));
    db.close();
  });

  it('are the same after creates, changes (a remux task moved to another input bucket) and deletes as counted from the tasks', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'writes.db');
    const store = createTaskStore({ filename: file });
    store.replaceAll(defaultFixtures().tasks, [], [], generated);
    const remux = (id: string, bucket: string, status = 'WAITING') => ({ task_id: id, status, create_time: '20240101000000', input: { bucket, location: 'cn-north-4', object: 'a.flv' } });
    store.insertTask({ kind: 'remux', projectId: 'w', task: remux('900', 'one') });
    store.insertTask({ kind: 'remux', projectId: 'w', task: remux('901', 'one') });
    store.updateTask('remux', 'w', remux('900', 'two'));
    store.updateTask('remux', 'w', remux('901', 'one', 'SUCCEED'));
    store.deleteTask('remux', 'w', '901');
    const counted = (bucket: string) => store.countTasks({ kind: 'remux', projectId: 'w', from: '0', to: '9', inputBucket: bucket });
    expect([counted('one'), counted('two')]).toEqual([0, 1]);
    store.close();
    const db = openDatabase(file, { readonly: true });
    expect(sorted(buckets(db))).toEqual(sorted(recounted(db)));
    db.close();
  });

  it('are the same after a scoped replace as counted from the tasks', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'scoped.db');
    const store = createTaskStore({ filename: file });
    store.replaceAll(defaultFixtures().tasks, [], [], generated);
    store.replaceScope({ projectId: 'p-7', kind: 'transcoding' }, [], [], []);
    store.close();
    const db = openDatabase(file, { readonly: true });
    expect(sorted(buckets(db))).toEqual(sorted(recounted(db)));
    db.close();
  });
});

describe('a seed cut short', () => {
  it('leaves a file that the next start seeds again, whole', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'killed.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'silent', '--db', db, '--generate', 'transcodings=400000'], {
      stdio: 'ignore',
    });
    // Killed once it has written a good part of the generated tasks, long before it could finish.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (existsSync(db) && statSync(db).size > 32 * 1024 * 1024) {
          clearInterval(poll);
          resolve();
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`the seeding process ended by itself (${child.exitCode})`));
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await exited;

    const cut = openDatabase(db);
    expect(cut.prepare("SELECT value FROM meta WHERE key = 'seeded'").pluck().get()).toBe(0);
    cut.close();
    const mock = await startMpcMock({ port: 0, db, generate: { encryptions: 20 }, logLevel: 'silent' });
    try {
      const shared = (kind: string) => defaultFixtures().tasks.filter((t) => t.kind === kind && t.projectId === null).length;
      const total = async (path: string) => ((await (await fetch(`${mock.url}/v1/p/${path}?size=1`)).json()) as { total: number }).total;
      expect(await total('transcodings')).toBe(shared('transcoding'));
      expect(await total('encryptions')).toBe(shared('encryption') + 20);
    } finally {
      await mock.close();
    }
    const reopened = openDatabase(db, { readonly: true });
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.prepare("SELECT value FROM meta WHERE key = 'seeded'").pluck().get()).toBe(1);
    reopened.close();
  }, 60_000);
});
