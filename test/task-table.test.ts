// The dashboard's Tasks table (src/domain/tasks/task-table.ts): pages after a cursor, read one after another,
// are the whole table in its order, whatever ties of time and id there are across kinds and projects.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskKindName } from '../src/domain/tasks/task-kinds.js';
import { taskTable, type TaskTableRow } from '../src/domain/tasks/task-table.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { createTaskStore, TABLE_SQL, type StoredTask } from '../src/storage/tasks/task-store.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, invalid } from './helper.js';

function storeWithTies() {
  const store = createTaskStore();
  const tasks: StoredTask[] = [];
  const kinds: TaskKindName[] = ['transcoding', 'snapshot', 'encryption'];
  // Three kinds, three owners (one the shared fixtures), ids repeated across them, at a handful of times.
  for (const kind of kinds)
    for (const projectId of [null, 'p-a', 'p-b'])
      for (let i = 0; i < 7; i++) {
        const status = kind === 'transcoding' ? (i % 2 ? 'SUCCEEDED' : 'TRANSCODING') : i % 2 ? 'SUCCEEDED' : 'PROCESSING';
        tasks.push({ kind, projectId, task: { task_id: String(100 + (i % 4)), status, create_time: `2026112510000${i % 3}`, ...(i % 2 ? { end_time: '20261125100500' } : {}) } });
      }
  store.replaceAll(tasks.filter((t, i, all) => all.findIndex((u) => u.kind === t.kind && u.projectId === t.projectId && u.task.task_id === t.task.task_id) === i));
  return store;
}

const pages = (store: ReturnType<typeof createTaskStore>, q: Omit<Parameters<typeof taskTable>[1], 'size' | 'cursor'>, size: number) => {
  const all: TaskTableRow[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n++) {
    const page = taskTable(store, { ...q, size, ...(cursor ? { cursor } : {}) });
    expect(page.tasks.length).toBeLessThanOrEqual(size);
    all.push(...page.tasks);
    if (!page.next_cursor) return all;
    cursor = page.next_cursor;
  }
  throw new Error('no last page');
};

describe('the Tasks table', () => {
  it('pages through every kind and project, newest first, each row once, for every page size', () => {
    const store = storeWithTies();
    const whole = taskTable(store, { size: 1000 }).tasks;
    expect(whole).toHaveLength(36);
    const key = (r: TaskTableRow) => `${r.kind}/${r.project_id ?? ''}/${r.task_id}`;
    expect(new Set(whole.map(key)).size).toBe(36);
    // Newest first, then the id's order, then the kind's place, then the project.
    for (let i = 1; i < whole.length; i++) expect(whole[i - 1]!.create_time >= whole[i]!.create_time).toBe(true);
    expect(whole[0]).toMatchObject({ kind: 'transcodings', task_id: '102', create_time: '20261125100002' });
    expect(whole.find((r) => r.project_id === undefined)).toBeDefined();
    for (const size of [1, 2, 3, 5, 8]) expect(pages(store, {}, size).map(key)).toEqual(whole.map(key));
  });

  it('filters by kind, project and status on the server, and pages the same way', () => {
    const store = storeWithTies();
    const snapshot = TASK_KINDS.find((k) => k.name === 'snapshot')!;
    const mine = pages(store, { kind: snapshot, projectId: 'p-a', status: 'SUCCEEDED' }, 1);
    expect(mine.map((r) => [r.kind, r.project_id, r.status, r.end_time])).toEqual(Array(mine.length).fill(['thumbnails', 'p-a', 'SUCCEEDED', '20261125100500']));
    expect(mine.length).toBeGreaterThan(0);
    expect(pages(store, { status: 'SUCCEEDED' }, 2)).toEqual(taskTable(store, { status: 'SUCCEEDED', size: 1000 }).tasks);
    expect(() => taskTable(store, { size: 5, cursor: 'not-a-cursor' })).toThrow('cursor is not one this mock answered');
  });

  it('finds the projects that hold tasks without walking them', () => {
    const store = storeWithTies();
    expect(store.owners(TASK_KINDS.map((k) => k.name), '', 10)).toEqual(['p-a', 'p-b']);
    expect(store.owners(TASK_KINDS.map((k) => k.name), 'p-a', 10)).toEqual(['p-b']);
  });
});

describe('GET /_mock/task-table and GET /_mock/projects', () => {
  it('page the tasks as they are now, filtered on the server; the projects are those that own tasks', async () => {
    const t = await buildTestApp();
    try {
      const ids: string[] = [];
      for (const project of ['table-a', 'table-b']) ids.push(String((await t.request.post(`/v1/${project}/thumbnails`).send(CREATE_BODIES.thumbnails).expect(202)).body.task_id));
      await t.request.post('/_mock/clock/advance').send({ seconds: 1 }).expect(200);
      const first = await t.request.get('/_mock/task-table?size=1&kind=thumbnails&status=PROCESSING').expect(200);
      // The newest first, in the state the clock put it in (no read of the vendor API moved it).
      expect(first.body.tasks).toEqual([{ kind: 'thumbnails', project_id: 'table-b', task_id: ids[1], status: 'PROCESSING', create_time: '20261125100000' }]);
      const second = await t.request.get(`/_mock/task-table?size=1&kind=thumbnails&status=PROCESSING&cursor=${first.body.next_cursor}`).expect(200);
      expect(second.body.tasks).toEqual([{ kind: 'thumbnails', project_id: 'table-a', task_id: ids[0], status: 'PROCESSING', create_time: '20261125100000' }]);
      // Every kind and project, fixtures included: each row once, across pages.
      const whole = (await t.request.get('/_mock/task-table?size=500').expect(200)).body.tasks as unknown[];
      const paged: unknown[] = [];
      let cursor = '';
      for (;;) {
        const page = await t.request.get(`/_mock/task-table?size=7${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        paged.push(...page.body.tasks);
        if (!page.body.next_cursor) break;
        cursor = page.body.next_cursor;
      }
      expect(paged).toEqual(whole);
      expect(whole.length).toBe(t.store.allTasks().length);
      expect((await t.request.get('/_mock/task-table?project_id=table-a').expect(200)).body.tasks).toHaveLength(1);
      expect((await t.request.get('/_mock/task-table?cursor=abc').expect(400)).body).toEqual(invalid('cursor is not one this mock answered'));
      expect((await t.request.get('/_mock/task-table?kind=videos').expect(400)).body.error_code).toBe('MPC.10202');
      const projects = (await t.request.get('/_mock/projects').expect(200)).body.projects as string[];
      expect(projects).toEqual([...projects].sort());
      expect(projects).toEqual(expect.arrayContaining(['table-a', 'table-b']));
      expect((await t.request.get('/_mock/projects?after=table-a&limit=1').expect(200)).body.projects).toEqual(['table-b']);
    } finally {
      await t.close();
    }
  });
});

describe('the Tasks table’s queries', () => {
  it('each read a range of an index, never the whole table, whatever the filters', () => {
    // The store's own schema in a file, to ask SQLite how it would run each statement.
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-table-')), 'plan.db');
    createTaskStore({ filename: file }).close();
    const reader = openDatabase(file, { readonly: true });
    try {
      const statements = [TABLE_SQL.all.any.first, TABLE_SQL.all.any.before, TABLE_SQL.all.status.first, TABLE_SQL.all.status.before, TABLE_SQL.owner.any.first, TABLE_SQL.owner.any.before, TABLE_SQL.owner.status.before, TABLE_SQL.ties];
      for (const sql of statements) {
        const steps = (reader.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ kind: 'transcoding', owner: 'p', status: 'SUCCEEDED', limit: 5, createTime: 't', sortKey: 's', afterOwner: null }) as Array<{ detail: string }>).map((r) => r.detail);
        expect(steps.some((d) => /^SEARCH tasks USING (COVERING )?INDEX tasks_by_\w+ \(kind=\?/.test(d)), `${sql}: ${steps.join(' | ')}`).toBe(true);
        expect(steps.some((d) => /^SCAN /.test(d)), `${sql}: ${steps.join(' | ')}`).toBe(false);
        // The key index holds a kind's tasks in id order: a search of it walks the whole kind.
        expect(steps.some((d) => d.includes('tasks_by_key')), `${sql}: ${steps.join(' | ')}`).toBe(false);
      }
    } finally {
      reader.close();
    }
  });
});
