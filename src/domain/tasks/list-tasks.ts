// The list semantics shared by every task kind (SPEC section 2, 9.1): task_id lookups, the status filter,
// the create_time window, paging, total and is_truncated. Parameters arrive already checked against the
// OpenAPI document; only rules that span parameters are checked here.
import type { operations } from '../../contract/mpc-api.generated.js';
import type { TaskRow, TaskStore } from '../../storage/tasks/task-store.js';
import type { TaskKind } from './task-kinds.js';
import { invalidParameter } from '../vendor-errors.js';
import { pageStart } from '../paging.js';

type ListQuery = NonNullable<operations['ListEncryptTask']['parameters']['query']>;
/** The list query as the document defines it, with page and size defaulted and status any kind's word. */
export type ListTasksParams = Omit<ListQuery, 'status' | 'page' | 'size'> & {
  status?: string;
  page: number;
  size: number;
  /** The remux list's filters on its input (only its document defines them). */
  input_bucket?: string;
  input_object?: string;
};

export interface TaskListPage {
  tasks: TaskRow[];
  total: number;
  isTruncated: boolean;
}

const EARLIEST = '00000000000000';
const LATEST = '99999999999999';

export function listTasks(store: TaskStore, kind: TaskKind, projectId: string, params: ListTasksParams): TaskListPage {
  // A filter word that names another stored state (extraction's PREPROCESSING is its PROCESSING).
  const status = params.status === undefined ? undefined : (kind.statusAliases?.[params.status] ?? params.status);
  if (params.task_id !== undefined) {
    // The vendor: "If task_id is specified, this parameter is invalid" for the window and paging; status still filters.
    let tasks = store.findTasks(kind.name, projectId, params.task_id, status);
    if (params.input_bucket !== undefined || params.input_object !== undefined) tasks = tasks.filter((row) => inputMatches(row, params));
    return { tasks, total: tasks.length, isTruncated: false };
  }

  const from = params.start_time ?? EARLIEST;
  const to = params.end_time ?? LATEST;
  if (from > to) throw invalidParameter('start_time cannot be greater than end_time');

  const window = { kind: kind.name, projectId, status, from, to, inputBucket: params.input_bucket, inputObject: params.input_object };
  const total = store.countTasks(window);
  const offset = pageStart(params.page, params.size, total);
  if (offset === undefined) return { tasks: [], total, isTruncated: false };
  const tasks = store.listTasks({ ...window, limit: params.size, offset });
  return { tasks, total, isTruncated: offset + tasks.length < total };
}

/**
 * The list response body in the kind's own envelope (list key, is_truncated or not), as UTF-8 bytes: the tasks'
 * documents go in as stored, which spares parsing and writing again a hundred documents a page.
 */
export function taskListBody(kind: TaskKind, page: TaskListPage): Buffer {
  // A page answered again from the answer cache is the same object: its bytes are made once (encoding a page of
  // 100 documents, 200 KB, is a good part of what answering it again would cost).
  const made = bodies.get(page);
  if (made !== undefined) return made;
  const tail = kind.hasIsTruncated ? `,"is_truncated":${page.isTruncated ? 1 : 0}` : '';
  const body = Buffer.from(`{"${kind.listKey}":[${page.tasks.map((t) => t.json).join(',')}],"total":${page.total}${tail}}`);
  bodies.set(page, body);
  return body;
}

const bodies = new WeakMap<TaskListPage, Buffer>();

/** Whether a task found by id also passes the remux list's input filters. */
function inputMatches(row: TaskRow, params: ListTasksParams): boolean {
  const input = (JSON.parse(row.json) as { input?: { bucket?: string; object?: string } }).input;
  return (params.input_bucket === undefined || input?.bucket === params.input_bucket) && (params.input_object === undefined || input?.object === params.input_object);
}
