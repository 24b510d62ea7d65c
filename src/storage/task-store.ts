// The SQLite task store. It knows tasks, projects and snapshot details, and nothing of HTTP.
// Statements are prepared once; bulk loads run in one transaction; every list query is served by an index
// in the order it returns (see test/task-store.test.ts, which checks the query plans).
import Database from 'better-sqlite3';
import type { components } from '../contract/mpc-api.generated.js';
import type { TaskDocument, TaskKindName } from '../domain/task-kinds.js';

/** Fixture tasks that name no project are shared: every project sees them (SPEC 1.2). */
export const SHARED_PROJECT = '';

export interface StoredTask {
  kind: TaskKindName;
  /** null or SHARED_PROJECT for a shared task. */
  projectId: string | null;
  task: TaskDocument;
}

export type ThumbnailDetail = components['schemas']['ThumbnailRsp'];

export interface StoredThumbnailDetails {
  projectId: string | null;
  taskId: string;
  thumbnails: ThumbnailDetail[];
}

export interface TaskPageQuery {
  kind: TaskKindName;
  projectId: string;
  status?: string | undefined;
  /** Inclusive create_time bounds, yyyymmddhhmmss. */
  from: string;
  to: string;
  limit: number;
  offset: number;
}

export type TaskCountQuery = Omit<TaskPageQuery, 'limit' | 'offset'>;

export interface TaskStore {
  /** Replaces everything with the given tasks and details, all or nothing. */
  replaceAll(tasks: readonly StoredTask[], details?: readonly StoredThumbnailDetails[]): void;
  /** One page of the tasks a project sees, newest first. */
  listTasks(query: TaskPageQuery): TaskDocument[];
  countTasks(query: TaskCountQuery): number;
  /** The tasks with these ids that a project sees, newest first; unknown ids are simply absent. */
  findTasks(kind: TaskKindName, projectId: string, taskIds: readonly string[], status?: string): TaskDocument[];
  /** Explicit snapshot details stored under exactly this owner (a project id or SHARED_PROJECT). */
  countThumbnailDetails(ownerProjectId: string, taskId: string): number;
  listThumbnailDetails(ownerProjectId: string, taskId: string, limit: number, offset: number): ThumbnailDetail[];
  /** Every stored task, for export and for tests. */
  allTasks(): StoredTask[];
  close(): void;
}

export interface TaskStoreOptions {
  /** ':memory:' (the default) or a file path. */
  filename?: string;
}

/**
 * Ties on create_time are broken by this key, descending (SPEC 2.5): numeric ids sort by value, larger first,
 * and above non-numeric ids, which sort by their text. Padding to the id's maximum length keeps it exact;
 * the id itself at the end makes the order total (`0200` and `200` are one number but two ids).
 */
export function taskSortKey(taskId: string): string {
  return /^[0-9]+$/.test(taskId) ? `1${taskId.padStart(64, '0')} ${taskId}` : `0${taskId}`;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  kind TEXT NOT NULL,
  project_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  status TEXT NOT NULL,
  create_time TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, project_id, task_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tasks_by_time ON tasks (kind, project_id, create_time DESC, sort_key DESC);
CREATE INDEX IF NOT EXISTS tasks_by_status_time ON tasks (kind, project_id, status, create_time DESC, sort_key DESC);
CREATE TABLE IF NOT EXISTS thumbnail_details (
  project_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  offset_s INTEGER NOT NULL,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (project_id, task_id, offset_s, position)
) WITHOUT ROWID;
`;

// A project sees its own tasks and the shared ones. Two index range scans merged in create_time order
// (a compound SELECT with ORDER BY) keeps paging off a temporary sort of the whole result. The page is
// found on the covering indexes alone (rows skipped by OFFSET never touch a document), then only its
// documents are read by primary key.
const pageSql = (statusFilter: string) => `
SELECT project_id, task_id, create_time, sort_key FROM tasks
  WHERE kind = @kind AND project_id = @project ${statusFilter} AND create_time BETWEEN @from AND @to
UNION ALL
SELECT project_id, task_id, create_time, sort_key FROM tasks
  WHERE kind = @kind AND project_id = '' ${statusFilter} AND create_time BETWEEN @from AND @to
ORDER BY create_time DESC, sort_key DESC
LIMIT @limit OFFSET @offset`;

const countSql = (statusFilter: string) => `
SELECT
  (SELECT count(*) FROM tasks WHERE kind = @kind AND project_id = @project ${statusFilter} AND create_time BETWEEN @from AND @to) +
  (SELECT count(*) FROM tasks WHERE kind = @kind AND project_id = '' ${statusFilter} AND create_time BETWEEN @from AND @to) AS n`;

const STATUS = 'AND status = @status';

/** The queries a request runs, by name; test/task-store.test.ts checks the plan of each. */
export const QUERY_SQL = {
  page: pageSql(''),
  pageByStatus: pageSql(STATUS),
  docByKey: 'SELECT doc FROM tasks WHERE kind = @kind AND project_id = @project_id AND task_id = @task_id',
  count: countSql(''),
  countByStatus: countSql(STATUS),
  // At most 10 ids in two projects: the final sort is of at most 20 rows.
  byIds: `SELECT doc FROM tasks
    WHERE kind = @kind AND project_id IN (@project, '') AND task_id IN (SELECT value FROM json_each(@ids))
      AND (@status IS NULL OR status = @status)
    ORDER BY create_time DESC, sort_key DESC`,
  countDetails: 'SELECT count(*) FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId',
  listDetails: `SELECT offset_s AS offset, url FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId
    ORDER BY offset_s, position LIMIT @limit OFFSET @offset`,
} as const;

export function createTaskStore(options: TaskStoreOptions = {}): TaskStore {
  const db = new Database(options.filename ?? ':memory:');
  if (db.name !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);

  const statements = {
    insertTask: db.prepare(
      `INSERT INTO tasks (kind, project_id, task_id, status, create_time, sort_key, doc)
       VALUES (@kind, @project, @taskId, @status, @createTime, @sortKey, @doc)`,
    ),
    insertDetail: db.prepare(
      `INSERT INTO thumbnail_details (project_id, task_id, offset_s, position, url) VALUES (@project, @taskId, @offset, @position, @url)`,
    ),
    deleteTasks: db.prepare('DELETE FROM tasks'),
    deleteDetails: db.prepare('DELETE FROM thumbnail_details'),
    page: db.prepare(QUERY_SQL.page),
    pageByStatus: db.prepare(QUERY_SQL.pageByStatus),
    docByKey: db.prepare(QUERY_SQL.docByKey).pluck(),
    count: db.prepare(QUERY_SQL.count).pluck(),
    countByStatus: db.prepare(QUERY_SQL.countByStatus).pluck(),
    byIds: db.prepare(QUERY_SQL.byIds).pluck(),
    countDetails: db.prepare(QUERY_SQL.countDetails).pluck(),
    listDetails: db.prepare(QUERY_SQL.listDetails),
    all: db.prepare('SELECT kind, project_id, doc FROM tasks ORDER BY kind, project_id, create_time DESC, sort_key DESC'),
  };

  const insertRows = (tasks: readonly StoredTask[], details: readonly StoredThumbnailDetails[]) => {
    for (const { kind, projectId, task } of tasks) {
      statements.insertTask.run({
        kind,
        project: projectId ?? SHARED_PROJECT,
        taskId: task.task_id,
        status: task.status,
        createTime: task.create_time,
        sortKey: taskSortKey(task.task_id),
        doc: JSON.stringify(task),
      });
    }
    for (const { projectId, taskId, thumbnails } of details) {
      thumbnails.forEach((t, position) =>
        statements.insertDetail.run({ project: projectId ?? SHARED_PROJECT, taskId, offset: t.offset, position, url: t.url }),
      );
    }
  };
  const replaceAll = db.transaction((tasks: readonly StoredTask[], details: readonly StoredThumbnailDetails[]) => {
    statements.deleteTasks.run();
    statements.deleteDetails.run();
    insertRows(tasks, details);
  });

  const parseDocs = (rows: unknown[]) => rows.map((doc) => JSON.parse(doc as string) as TaskDocument);
  const bind = (q: TaskCountQuery) => ({ kind: q.kind, project: q.projectId, status: q.status, from: q.from, to: q.to });

  return {
    replaceAll: (tasks, details = []) => replaceAll(tasks, details),
    listTasks(q) {
      const params = { ...bind(q), limit: q.limit, offset: q.offset };
      const { status: _unused, ...withoutStatus } = params;
      const keys = (q.status === undefined ? statements.page.all(withoutStatus) : statements.pageByStatus.all(params)) as Array<{
        project_id: string;
        task_id: string;
      }>;
      return parseDocs(keys.map((k) => statements.docByKey.get({ kind: q.kind, ...k })));
    },
    countTasks(q) {
      const params = bind(q);
      if (q.status === undefined) {
        const { status: _unused, ...rest } = params;
        return statements.count.get(rest) as number;
      }
      return statements.countByStatus.get(params) as number;
    },
    findTasks(kind, projectId, taskIds, status) {
      if (taskIds.length === 0) return [];
      return parseDocs(
        statements.byIds.all({ kind, project: projectId, ids: JSON.stringify(taskIds), status: status ?? null }),
      );
    },
    countThumbnailDetails: (project, taskId) => statements.countDetails.get({ project, taskId }) as number,
    listThumbnailDetails: (project, taskId, limit, offset) =>
      statements.listDetails.all({ project, taskId, limit, offset }) as ThumbnailDetail[],
    allTasks: () =>
      (statements.all.all() as Array<{ kind: TaskKindName; project_id: string; doc: string }>).map((r) => ({
        kind: r.kind,
        projectId: r.project_id === SHARED_PROJECT ? null : r.project_id,
        task: JSON.parse(r.doc) as TaskDocument,
      })),
    close: () => db.close(),
  };
}
