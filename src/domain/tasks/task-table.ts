// The dashboard's Tasks table (SPEC 12.2): tasks of every kind (or one) and every project (or one), newest first,
// a page at a time after an opaque cursor. Each kind's page is one range of an index (task-store.ts tableRows);
// the kinds' pages are merged here. The order is total: create_time, then sort_key, descending; then the kind's
// place in TASK_KINDS; then the owner. So a page after a cursor never repeats a row or skips one.
import { SHARED_PROJECT, type TableRow, type TaskStore } from '../../storage/tasks/task-store.js';
import { invalidParameter } from '../vendor-errors.js';
import { TASK_KINDS, type TaskKind } from './task-kinds.js';

export interface TaskTableQuery {
  kind?: TaskKind;
  /** One project's own tasks; absent: every project's and the shared fixtures. */
  projectId?: string;
  status?: string;
  size: number;
  cursor?: string;
}

export interface TaskTableRow {
  kind: string;
  project_id?: string;
  task_id: string;
  status: string;
  create_time: string;
  end_time?: string;
}

interface Cursor {
  t: string;
  s: string;
  k: number;
  o: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.t === 'string' && typeof c.s === 'string' && Number.isInteger(c.k) && typeof c.o === 'string') return c;
  } catch {
    // answered below
  }
  throw invalidParameter('cursor is not one this mock answered');
}

const placeOf = new Map(TASK_KINDS.map((k, i) => [k.name, i]));

/** Before in the table's order: newer first, then by kind's place, then by owner. */
function before(a: TableRow, b: TableRow): number {
  if (a.create_time !== b.create_time) return a.create_time > b.create_time ? -1 : 1;
  if (a.sort_key !== b.sort_key) return a.sort_key > b.sort_key ? -1 : 1;
  const k = placeOf.get(a.kind)! - placeOf.get(b.kind)!;
  if (k !== 0) return k;
  return a.project_id < b.project_id ? -1 : a.project_id > b.project_id ? 1 : 0;
}

export function taskTable(store: TaskStore, q: TaskTableQuery): { tasks: TaskTableRow[]; next_cursor?: string } {
  const after = q.cursor !== undefined ? decode(q.cursor) : undefined;
  const kinds = q.kind ? [q.kind] : TASK_KINDS;
  const rows: TableRow[] = [];
  for (const kind of kinds) {
    const place = placeOf.get(kind.name)!;
    rows.push(
      ...store.tableRows({
        kind: kind.name,
        ...(q.projectId !== undefined ? { owner: q.projectId } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
        // Rows tied with the cursor on time and key: a kind before the cursor's has shown them all, the cursor's
        // own those up to its owner, a later kind none.
        ...(after ? { after: { createTime: after.t, sortKey: after.s, owner: after.o, ties: place < after.k ? 'none' : place === after.k ? 'after-owner' : 'all' } } : {}),
        limit: q.size + 1,
      }),
    );
  }
  rows.sort(before);
  const page = rows.slice(0, q.size);
  const last = page.at(-1);
  return {
    tasks: page.map((r) => ({
      kind: TASK_KINDS[placeOf.get(r.kind)!]!.path,
      ...(r.project_id !== SHARED_PROJECT ? { project_id: r.project_id } : {}),
      task_id: r.task_id,
      status: r.status,
      create_time: r.create_time,
      ...(typeof r.end_time === 'string' ? { end_time: r.end_time } : {}),
    })),
    ...(rows.length > q.size && last ? { next_cursor: encode({ t: last.create_time, s: last.sort_key, k: placeOf.get(last.kind)!, o: last.project_id }) } : {}),
  };
}
