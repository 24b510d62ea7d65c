// The store: every list query is served by an index in its own order, and bulk writes are all or nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTaskStore, taskSortKey, type StoredTask } from '../src/storage/task-store.js';
import { defaultFixtures } from './helper.js';

const task = (id: string, createTime = '20240101000000'): StoredTask => ({
  kind: 'encryption',
  projectId: null,
  task: { task_id: id, status: 'WAITING', create_time: createTime },
});

describe('the task store', () => {
  it('plans every list query on an index, without scanning the table or sorting the result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-store-'));
    const file = join(dir, 'plans.db');
    const store = createTaskStore({ filename: file });
    store.replaceAll(defaultFixtures().tasks, defaultFixtures().details);
    store.close();
    const db = new Database(file, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ kind: 'snapshot', project: 'p', status: 'SUCCEEDED', from: '0', to: '9', limit: 10, offset: 0, ids: '["1"]', taskId: '1' }) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('\n');
    const filters = ['', 'AND status = @status'];
    for (const f of filters) {
      const page = plan(`SELECT project_id, task_id, create_time, sort_key FROM tasks WHERE kind = @kind AND project_id = @project ${f} AND create_time BETWEEN @from AND @to
        UNION ALL SELECT project_id, task_id, create_time, sort_key FROM tasks WHERE kind = @kind AND project_id = '' ${f} AND create_time BETWEEN @from AND @to
        ORDER BY create_time DESC, sort_key DESC LIMIT @limit OFFSET @offset`);
      expect(page).toMatch(/SEARCH tasks USING COVERING INDEX tasks_by_(status_)?time/);
      expect(page).not.toMatch(/SCAN tasks|TEMP B-TREE/);
      const count = plan(`SELECT count(*) FROM tasks WHERE kind = @kind AND project_id = @project ${f} AND create_time BETWEEN @from AND @to`);
      expect(count).toMatch(/SEARCH tasks USING COVERING INDEX/);
    }
    expect(plan(`SELECT doc FROM tasks WHERE kind = @kind AND project_id IN (@project, '') AND task_id IN (SELECT value FROM json_each(@ids))`)).not.toMatch(/SCAN tasks/);
    expect(plan('SELECT offset_s, url FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId ORDER BY offset_s, position')).not.toMatch(/SCAN|TEMP B-TREE/);
    db.close();
  });

  it('uses WAL for a file database', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-store-')), 'wal.db');
    const store = createTaskStore({ filename: file });
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('loads all or nothing: a failing row leaves the previous contents whole', () => {
    const store = createTaskStore();
    store.replaceAll([task('1'), task('2')]);
    expect(() => store.replaceAll([task('3'), task('3')])).toThrow();
    expect(store.allTasks().map((t) => t.task.task_id).sort()).toEqual(['1', '2']);
    expect(() => store.insert([task('4'), task('1')])).toThrow();
    expect(store.allTasks().map((t) => t.task.task_id).sort()).toEqual(['1', '2']);
    store.close();
  });

  it('breaks create_time ties by numeric id, larger first, above non-numeric ids', () => {
    const keys = ['9', '10', '200', '0200', 'abc', 'zz'].map((id) => [id, taskSortKey(id)] as const);
    const order = [...keys].sort((a, b) => (a[1] < b[1] ? 1 : -1)).map(([id]) => id);
    expect(order).toEqual(['200', '0200', '10', '9', 'zz', 'abc']);
  });
});
