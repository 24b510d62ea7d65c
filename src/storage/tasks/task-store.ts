// The SQLite task store. It knows tasks, projects and snapshot details, and nothing of HTTP.
// Statements are prepared once; bulk loads run in one transaction; every list query is served by an index
// in the order it returns (see test/task-store.test.ts, which checks the query plans).
import { closeSync, fsync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type Database from 'better-sqlite3';
import { openDatabase } from '../sqlite.js';
import { createTemplateStore } from '../templates/template-store.js';
import type { TemplateStore } from '../templates/template-store-types.js';
import type { components } from '../../contract/mpc-api.generated.js';
import type { TransTemplate } from '../../domain/templates/transcoding-templates.js';
import { ANY_STATUS, COUNTS_SCHEMA, countedBucket, createTaskCounts, INPUT_BUCKET, INPUT_FILTERED_KIND, type BucketTally } from './task-counts.js';
import type { TaskDocument, TaskKindName } from '../../domain/tasks/task-kinds.js';

/** Fixture tasks that name no project are shared: every project sees them (SPEC 1.2). */
export const SHARED_PROJECT = '';

export interface StoredTask {
  kind: TaskKindName;
  /** null or SHARED_PROJECT for a shared task. */
  projectId: string | null;
  task: TaskDocument;
}

/**
 * Tasks of one kind and owner in the form the store writes them: the indexed fields, and each document already
 * serialised (JSON.stringify of the task, as the store would make it). Generated tasks come this way, made in a
 * worker thread while the store writes the previous batch.
 */
export interface TaskRowBatch {
  kind: TaskKindName;
  projectId: string | null;
  taskIds: readonly string[];
  statuses: readonly string[];
  createTimes: readonly string[];
  docs: readonly string[];
  /** Each task's input bucket where it is counted under one (countedBucket); absent: read from the documents. */
  inputBuckets?: ReadonlyArray<string | undefined>;
}

export type ThumbnailDetail = components['schemas']['ThumbnailRsp'];
export type NotificationConfig = components['schemas']['NotificationConfig'];

export interface StoredThumbnailDetails {
  projectId: string | null;
  taskId: string;
  thumbnails: ThumbnailDetail[];
}

/**
 * A task as a list answers it: its document as stored (JSON text, written into the answer as it is, never
 * parsed and written again) and the two fields the lifecycle needs to know of it.
 */
export interface TaskRow {
  task_id: string;
  status: string;
  json: string;
}

/** A row's document, parsed: for the few callers that read a task's fields. */
export const taskOf = (row: TaskRow): TaskDocument => JSON.parse(row.json) as TaskDocument;

export interface TaskPageQuery {
  kind: TaskKindName;
  projectId: string;
  status?: string | undefined;
  /** The remux list's filters on the task's input (reference 3.2): exact bucket and object name. */
  inputBucket?: string | undefined;
  inputObject?: string | undefined;
  /** Inclusive create_time bounds, yyyymmddhhmmss. */
  from: string;
  to: string;
  limit: number;
  offset: number;
}

export type TaskCountQuery = Omit<TaskPageQuery, 'limit' | 'offset'>;

/** A transcoding template a project sees; a null project is shared. */
export interface StoredTemplate {
  projectId: string | null;
  template: TransTemplate;
}

/** A part of the store: one project's own rows (or, absent, every row), of one kind (or all). */
export interface StoreScope {
  projectId?: string;
  kind?: TaskKindName;
}

/** An added task, detail or template that is already there (or would shadow a shared one). */
export class StoreClashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreClashError';
  }
}

/**
 * Where a created task stands on its way to a final state (src/domain/tasks/lifecycle.ts). Only created tasks that are
 * not yet final have one; fixture tasks never do, so they stay as written.
 */
export interface ProgressRow {
  kind: TaskKindName;
  projectId: string;
  taskId: string;
  /** Index of the task's current state in its path (plan.path). */
  step: number;
  /** Clock time (ms) at which it entered that state. */
  enteredAt: number;
  /** Clock time (ms) at which it moves on, DUE_NOW when at the next settlement, null when only reads or a hand move it. */
  dueAt: number | null;
  /** Reads of the vendor API that showed it in this state. */
  reads: number;
  plan: unknown;
}

export interface TaskStore {
  /** The projects' transcoding templates and the system ones (src/storage/templates/template-store.ts). */
  readonly templates: TemplateStore;
  /** `new` when the store was empty (or rebuilt) and needs seeding from the fixtures; `existing` when it holds state. */
  readonly opened: 'new' | 'existing';
  /**
   * Fills a new store: the given tasks, details and templates and a stream of more (generated) tasks, either
   * one by one or in batches of rows, with the indexes built once at the end, then marks the store seeded. A
   * file whose seeding was cut short is seeded again when next opened. Nothing else may use the store until
   * it resolves.
   */
  seed(
    tasks: readonly StoredTask[],
    details: readonly StoredThumbnailDetails[],
    templates: readonly StoredTemplate[],
    more?: Iterable<StoredTask> | AsyncIterable<TaskRowBatch>,
  ): Promise<void>;
  /**
   * Replaces everything with the given tasks, details and templates, all or nothing; forgets progress. `more`
   * streams further tasks (generated ones) into the same transaction without holding them in memory.
   */
  replaceAll(tasks: readonly StoredTask[], details?: readonly StoredThumbnailDetails[], templates?: readonly StoredTemplate[], more?: Iterable<StoredTask>): void;
  /**
   * Replaces what a scope holds (a project's own rows, or every row with no project; one kind, or all) with the
   * given tasks, details and templates, forgetting the progress of what it removes. All or nothing. Answers the
   * number of tasks the scope holds afterwards.
   */
  replaceScope(
    scope: StoreScope,
    tasks: readonly StoredTask[],
    details: readonly StoredThumbnailDetails[],
    templates: readonly StoredTemplate[],
    more?: Iterable<StoredTask>,
  ): number;
  /** Adds tasks, details and templates, all or nothing; throws StoreClashError for one already there. */
  addAll(tasks: readonly StoredTask[], details: readonly StoredThumbnailDetails[], templates: readonly StoredTemplate[]): void;
  /**
   * The OBS buckets a project's tasks (its own and the shared ones it sees) name anywhere in their documents, each
   * with the earliest create_time of a task naming it (SPEC 9.3, until an object store says which exist).
   */
  bucketsNamed(projectId: string): Array<{ bucket: string; first: string }>;
  /** The documents of a project's tasks (its own and the shared ones) that name this bucket, oldest first. */
  documentsNaming(projectId: string, bucket: string): TaskDocument[];
  /** What one owner holds (a project id, or SHARED_PROJECT), in the order a list returns tasks. */
  exportOwner(owner: string, kind?: TaskKindName): { tasks: StoredTask[]; details: StoredThumbnailDetails[]; templates: StoredTemplate[] };
  /** Removes one task and its progress; answers whether there was one. */
  deleteTask(kind: TaskKindName, ownerProjectId: string, taskId: string): boolean;
  /** Runs fn in one transaction: everything it writes lands together or not at all. */
  transaction<T>(fn: () => T): T;
  /** The task stored under exactly this owner (a project id or SHARED_PROJECT). */
  getTask(kind: TaskKindName, ownerProjectId: string, taskId: string): TaskDocument | undefined;
  insertTask(task: StoredTask): void;
  /** Replaces a stored task's document (same kind, owner and id; create_time does not change). */
  updateTask(kind: TaskKindName, ownerProjectId: string, task: TaskDocument): void;
  /** A new task id: numeric, above every numeric id ever stored, never handed out twice. */
  nextTaskId(): string;
  /** The template a project sees under this id: its own, else a shared one. */
  template(projectId: string, templateId: number): TransTemplate | undefined;
  putProgress(row: ProgressRow): void;
  getProgress(kind: TaskKindName, projectId: string, taskId: string): ProgressRow | undefined;
  deleteProgress(kind: TaskKindName, projectId: string, taskId: string): void;
  /** Progress rows due at or before this clock time, soonest first. */
  dueProgress(now: number): ProgressRow[];
  allProgress(): ProgressRow[];
  /** Counts one read of each of these tasks that has progress; answers the rows as they are afterwards. */
  countReads(kind: TaskKindName, projectId: string, taskIds: readonly string[]): ProgressRow[];
  /** One page of the tasks a project sees, newest first. */
  listTasks(query: TaskPageQuery): TaskRow[];
  countTasks(query: TaskCountQuery): number;
  /**
   * The dashboard's rows of one kind (SPEC 12.2), newest first (create_time, then sort_key, descending; ties by
   * owner): every owner's, or one owner's; with a status or not; after `after`'s row, or from the newest.
   */
  tableRows(query: TableQuery): TableRow[];
  /** Owners that hold tasks of these kinds, in order, after `after`: probes of an index, not a walk of the tasks. */
  owners(kinds: readonly TaskKindName[], after: string, limit: number): string[];
  /** The tasks with these ids that a project sees, newest first; unknown ids are simply absent. */
  findTasks(kind: TaskKindName, projectId: string, taskIds: readonly string[], status?: string): TaskRow[];
  /** Explicit snapshot details stored under exactly this owner (a project id or SHARED_PROJECT). */
  countThumbnailDetails(ownerProjectId: string, taskId: string): number;
  listThumbnailDetails(ownerProjectId: string, taskId: string, limit: number, offset: number): ThumbnailDetail[];
  /** Every stored task, for export and for tests. */
  allTasks(): StoredTask[];
  /**
   * A number that changes whenever anything in the store has: the rows written through this store since it was
   * opened (SQLite's total_changes, which counts every INSERT, UPDATE and DELETE, committed or rolled back).
   * Costs a tenth of a microsecond. The store's file belongs to this one process.
   */
  version(): number;
  /** A project's notification configuration as last set; undefined when it never was. */
  getNotifications(projectId: string): NotificationConfig[] | undefined;
  setNotifications(projectId: string, configs: readonly NotificationConfig[]): void;
  /** Replaces the configurations of one project (or, absent, of every project) with these, in one transaction. */
  replaceNotifications(projectId: string | undefined, configs: ReadonlyArray<{ projectId: string; configs: readonly NotificationConfig[] }>): void;
  /** Whether any project has a configuration: without one, nothing needs to look for events. */
  hasNotifications(): boolean;
  /** The earliest due time of any task's progress, null when none is due on the clock. */
  nextDueAt(): number | null;
  close(): void;
}

export interface TableQuery {
  kind: TaskKindName;
  /** One owner's rows (a project id, or SHARED_PROJECT); absent: every owner's. */
  owner?: string;
  status?: string;
  /** The row the page goes on after: its create_time, sort_key and owner. Rows tied with it on both keys come after it by owner. */
  after?: { createTime: string; sortKey: string; owner: string; ties: 'after-owner' | 'all' | 'none' };
  limit: number;
}
export interface TableRow {
  kind: TaskKindName;
  project_id: string;
  task_id: string;
  status: string;
  create_time: string;
  sort_key: string;
  end_time: string | null;
}

export interface TaskStoreOptions {
  /** ':memory:' (the default) or a file path. */
  filename?: string;
  /** Rebuild a file store from nothing, whatever it holds (--fresh). */
  fresh?: boolean;
  /** Page offsets below this are walked in the index rather than located through the count buckets. */
  nearTop?: number;
}

/**
 * The layout of the store's tables. A file store records it (PRAGMA user_version) and is opened as it is only
 * when it matches; bump it with every change to SCHEMA that an older file would not have.
 */
export const SCHEMA_VERSION = 9;

/**
 * Older layouts this version opens by adding what they lack: 6 added the remux input indexes, 7 replaced the
 * bucket-and-object one with a bucket one and counts remux tasks per input bucket (both made on opening), 8 added
 * the template families' table (made empty on opening), 9 the dashboard's two indexes over every project's tasks
 * (built on opening).
 */
const UPGRADABLE_FROM: readonly number[] = [5, 6, 7, 8];

/** A file store written by a version of mpc-mock whose tables differ from this one's. */
export class StoreVersionError extends Error {
  constructor(file: string, found: number) {
    super(
      `the task store ${file} is from an incompatible version of mpc-mock (schema ${found}, this version uses ${SCHEMA_VERSION}); ` +
        'start with --fresh to rebuild it from the fixtures',
    );
    this.name = 'StoreVersionError';
  }
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
  doc TEXT NOT NULL
);
-- A rowid table: a task's document (a kilobyte or more) sits in its row, where a WITHOUT ROWID table would
-- spill each onto an overflow page of its own and take three times the disk.
CREATE UNIQUE INDEX IF NOT EXISTS tasks_by_key ON tasks (kind, project_id, task_id);
CREATE INDEX IF NOT EXISTS tasks_by_time ON tasks (kind, project_id, create_time DESC, sort_key DESC);
CREATE INDEX IF NOT EXISTS tasks_by_status_time ON tasks (kind, project_id, status, create_time DESC, sort_key DESC);
-- The dashboard's task table (SPEC 12.2) pages a kind's tasks of every project, newest first, with or without a
-- status: one range of an index per kind, whatever the store's size.
CREATE INDEX IF NOT EXISTS tasks_by_kind_time ON tasks (kind, create_time DESC, sort_key DESC);
CREATE INDEX IF NOT EXISTS tasks_by_kind_status_time ON tasks (kind, status, create_time DESC, sort_key DESC);
-- The remux list filters by its input's bucket and object (reference 3.2): indexes over those fields of remux
-- documents only, so that a filtered page is found without reading every remux task. The bucket's carries the
-- status, so that a status filter beside it is answered from the index too; its totals and deep pages come from
-- the count buckets (task-counts.ts). An object names few tasks: its index is walked.
CREATE INDEX IF NOT EXISTS tasks_by_input_bucket ON tasks (kind, project_id, ${INPUT_BUCKET}, create_time DESC, sort_key DESC, status) WHERE kind = '${INPUT_FILTERED_KIND}';
CREATE INDEX IF NOT EXISTS tasks_by_input_object ON tasks (kind, project_id, json_extract(doc, '$.input.object'), create_time DESC, sort_key DESC) WHERE kind = '${INPUT_FILTERED_KIND}';
CREATE TABLE IF NOT EXISTS progress (
  kind TEXT NOT NULL,
  project_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  entered_at INTEGER NOT NULL,
  due_at INTEGER,
  reads INTEGER NOT NULL,
  plan TEXT NOT NULL,
  PRIMARY KEY (kind, project_id, task_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS progress_by_due ON progress (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS templates (
  project_id TEXT NOT NULL,
  template_id INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (project_id, template_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS thumbnail_details (
  project_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  offset_s INTEGER NOT NULL,
  position INTEGER NOT NULL,
  url TEXT NOT NULL,
  PRIMARY KEY (project_id, task_id, offset_s, position)
) WITHOUT ROWID;
-- The template families beside the transcoding templates (template groups; template-store.ts), one document
-- each, ordered by seq, the number their id was made from.
CREATE TABLE IF NOT EXISTS template_families (
  family TEXT NOT NULL,
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (family, project_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS template_families_by_seq ON template_families (family, project_id, seq);
-- A project's event notification configuration (PUT /v1/{project_id}/notification), beside its tasks so that a
-- reset and an export cover it as they cover the tasks.
CREATE TABLE IF NOT EXISTS notifications (
  project_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL
) WITHOUT ROWID;
`;

// A project sees its own tasks and the shared ones. Two index range scans merged in create_time order
// (a compound SELECT with ORDER BY) keeps paging off a temporary sort of the whole result. The page is
// found on the covering indexes alone (rows skipped by OFFSET never touch a document), then only its
// documents are read, by rowid, in the same statement (the merge runs as a co-routine, in order): a third of
// the cost of one statement per row (100 rows of a file store: 180 µs against 550).
const pageSql = (statusFilter: string) => `
SELECT t.task_id, t.status, t.doc AS json FROM (
  SELECT rowid AS id, create_time, sort_key FROM tasks
    WHERE kind = @kind AND project_id = @project ${statusFilter} AND create_time BETWEEN @from AND @to
  UNION ALL
  SELECT rowid AS id, create_time, sort_key FROM tasks
    WHERE kind = @kind AND project_id = '' ${statusFilter} AND create_time BETWEEN @from AND @to
  ORDER BY create_time DESC, sort_key DESC
  LIMIT @limit OFFSET @offset
) AS page JOIN tasks AS t ON t.rowid = page.id
ORDER BY page.create_time DESC, page.sort_key DESC`;

const STATUS = 'AND status = @status';

/**
 * A page and a count of remux tasks filtered by their input (the literal kind lets SQLite use the partial
 * indexes above; INDEXED BY keeps it from preferring the time index, which would read every remux document),
 * for one combination of the filters given. With an object, its index; with a bucket alone, the bucket's, from
 * the create_time bound and the offset its count buckets located.
 */
function inputFilterSql(bucket: boolean, object: boolean, status: boolean): { page: string; count: string } {
  const where = [
    `kind = '${INPUT_FILTERED_KIND}'`,
    bucket ? `${INPUT_BUCKET} = @bucket` : '',
    object ? `json_extract(doc, '$.input.object') = @object` : '',
    status ? 'status = @status' : '',
    'create_time BETWEEN @from AND @to',
  ].filter(Boolean).join(' AND ');
  const from = `FROM tasks INDEXED BY ${object ? 'tasks_by_input_object' : 'tasks_by_input_bucket'}`;
  const owned = (owner: string) => `SELECT rowid AS id, create_time, sort_key ${from} WHERE ${where} AND project_id = ${owner}`;
  return {
    page: `SELECT t.task_id, t.status, t.doc AS json FROM (
      ${owned('@project')} UNION ALL ${owned("''")}
      ORDER BY create_time DESC, sort_key DESC LIMIT @limit OFFSET @offset
    ) AS page JOIN tasks AS t ON t.rowid = page.id ORDER BY page.create_time DESC, page.sort_key DESC`,
    count: `SELECT (SELECT count(*) ${from} WHERE ${where} AND project_id = @project) + (SELECT count(*) ${from} WHERE ${where} AND project_id = '')`,
  };
}

/** The queries a request runs, by name; test/task-store.test.ts checks the plan of each. */
export const QUERY_SQL = {
  page: pageSql(''),
  pageByStatus: pageSql(STATUS),
  docByKey: 'SELECT doc FROM tasks WHERE kind = @kind AND project_id = @project_id AND task_id = @task_id',
  // At most 10 ids in two projects: the final sort is of at most 20 rows.
  // One id, as a client's poll asks: at most two rows (the project's and a shared one), no list to unpack.
  byId: `SELECT task_id, status, doc AS json FROM tasks
    WHERE kind = @kind AND project_id IN (@project, '') AND task_id = @id AND (@status IS NULL OR status = @status)
    ORDER BY create_time DESC, sort_key DESC`,
  byIds: `SELECT task_id, status, doc AS json FROM tasks
    WHERE kind = @kind AND project_id IN (@project, '') AND task_id IN (SELECT value FROM json_each(@ids))
      AND (@status IS NULL OR status = @status)
    ORDER BY create_time DESC, sort_key DESC`,
  // The settlement before every read: nothing due is one probe of a partial index.
  dueProgress: 'SELECT * FROM progress WHERE due_at IS NOT NULL AND due_at <= @now ORDER BY due_at',
  // The remux input filters (one combination each of a bucket alone, an object with the others, an object's count).
  remuxPageByBucket: inputFilterSql(true, false, true).page,
  remuxPageByObject: inputFilterSql(true, true, true).page,
  remuxCountByObject: inputFilterSql(false, true, false).count,
  countDetails: 'SELECT count(*) FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId',
  listDetails: `SELECT offset_s AS offset, url FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId
    ORDER BY offset_s, position LIMIT @limit OFFSET @offset`,
} as const;

/** The dashboard's task table (tableRows): first pages and pages after a cursor, of every owner or one, with or without a status. */
function tableSql(owner: boolean, status: boolean): { first: string; before: string } {
  const where = `kind = @kind${owner ? ' AND project_id = @owner' : ''}${status ? ' AND status = @status' : ''}`;
  const select = `SELECT kind, project_id, task_id, status, create_time, sort_key, json_extract(doc, '$.end_time') AS end_time FROM tasks`;
  const order = 'ORDER BY create_time DESC, sort_key DESC, project_id LIMIT @limit';
  return { first: `${select} WHERE ${where} ${order}`, before: `${select} WHERE ${where} AND (create_time, sort_key) < (@createTime, @sortKey) ${order}` };
}
export const TABLE_SQL = {
  all: { any: tableSql(false, false), status: tableSql(false, true) },
  owner: { any: tableSql(true, false), status: tableSql(true, true) },
  // The range of one time and key in the kind's time index (the planner would take the key index and walk the kind).
  ties: `SELECT kind, project_id, task_id, status, create_time, sort_key, json_extract(doc, '$.end_time') AS end_time FROM tasks INDEXED BY tasks_by_kind_time
    WHERE kind = @kind AND create_time = @createTime AND sort_key = @sortKey AND (@owner IS NULL OR project_id = @owner)
      AND (@status IS NULL OR status = @status) AND (@afterOwner IS NULL OR project_id > @afterOwner)
    ORDER BY project_id LIMIT @limit`,
} as const;

const TABLES = ['tasks', 'progress', 'templates', 'template_families', 'meta', 'thumbnail_details', 'task_counts', 'notifications'];

export function createTaskStore(options: TaskStoreOptions = {}): TaskStore {
  const db = openDatabase(options.filename ?? ':memory:');
  let opened: 'new' | 'existing' = 'new';
  /** The schema version of an older file this version opened, and upgrades below. */
  let upgradedFrom: number | undefined;
  try {
    if (db.name !== ':memory:') {
      db.pragma('journal_mode = WAL');
      // A write the mock has acknowledged is on disk: every commit is synced, WAL or not.
      db.pragma('synchronous = FULL');
      const hasTables = (db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number) > 0;
      const version = db.pragma('user_version', { simple: true }) as number;
      // A file whose seeding did not finish (the process was killed during it) is seeded again from nothing.
      const seeded = () => {
        try {
          return db.prepare("SELECT value FROM meta WHERE key = 'seeded'").pluck().get() === 1;
        } catch {
          return false;
        }
      };
      if (hasTables && !options.fresh && version !== SCHEMA_VERSION && !UPGRADABLE_FROM.includes(version)) throw new StoreVersionError(db.name, version);
      if (hasTables && (options.fresh || !seeded())) {
        db.transaction(() => TABLES.forEach((t) => db.exec(`DROP TABLE IF EXISTS ${t}`)))();
      } else if (hasTables) {
        opened = 'existing';
        if (version !== SCHEMA_VERSION) upgradedFrom = version;
      }
    }
    db.exec(SCHEMA);
    db.exec(COUNTS_SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    throw error;
  }

  // The earliest due time of any progress row: a lower bound, never later than the true one. Undefined when
  // not known, null when no row is due at all. Progress rows are written only by putProgress, which lowers it.
  let nextDue: number | null | undefined;
  const tableOf = (sql: { first: string; before: string }) => ({ first: db.prepare(sql.first), before: db.prepare(sql.before) });
  const table = {
    all: { any: tableOf(TABLE_SQL.all.any), status: tableOf(TABLE_SQL.all.status) },
    owner: { any: tableOf(TABLE_SQL.owner.any), status: tableOf(TABLE_SQL.owner.status) },
    ties: db.prepare(TABLE_SQL.ties),
  };
  const statements = {
    // Positional: a million generated rows bind faster from arguments than from an object each.
    insertTask: db.prepare('INSERT INTO tasks (kind, project_id, task_id, status, create_time, sort_key, doc) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertDetail: db.prepare(
      `INSERT INTO thumbnail_details (project_id, task_id, offset_s, position, url) VALUES (@project, @taskId, @offset, @position, @url)`,
    ),
    deleteTasks: db.prepare('DELETE FROM tasks'),
    deleteDetails: db.prepare('DELETE FROM thumbnail_details'),
    page: db.prepare(QUERY_SQL.page),
    pageByStatus: db.prepare(QUERY_SQL.pageByStatus),
    docByKey: db.prepare(QUERY_SQL.docByKey).pluck(),
    byIds: db.prepare(QUERY_SQL.byIds),
    byId: db.prepare(QUERY_SQL.byId),
    countDetails: db.prepare(QUERY_SQL.countDetails).pluck(),
    listDetails: db.prepare(QUERY_SQL.listDetails),
    all: db.prepare('SELECT kind, project_id, doc FROM tasks ORDER BY kind, project_id, create_time DESC, sort_key DESC'),
    updateTask: db.prepare('UPDATE tasks SET status = @status, doc = @doc WHERE kind = @kind AND project_id = @project AND task_id = @taskId'),
    insertTemplate: db.prepare('INSERT INTO templates (project_id, template_id, doc) VALUES (@project, @templateId, @doc)'),
    deleteTemplates: db.prepare('DELETE FROM templates'),
    template: db.prepare(`SELECT doc FROM templates WHERE template_id = @templateId AND project_id IN (@project, '')
      ORDER BY project_id = '' LIMIT 1`).pluck(),
    putProgress: db.prepare(`INSERT OR REPLACE INTO progress (kind, project_id, task_id, step, entered_at, due_at, reads, plan)
      VALUES (@kind, @projectId, @taskId, @step, @enteredAt, @dueAt, @reads, @plan)`),
    getProgress: db.prepare('SELECT * FROM progress WHERE kind = @kind AND project_id = @project AND task_id = @taskId'),
    deleteProgress: db.prepare('DELETE FROM progress WHERE kind = @kind AND project_id = @project AND task_id = @taskId'),
    deleteAllProgress: db.prepare('DELETE FROM progress'),
    dueProgress: db.prepare(QUERY_SQL.dueProgress),
    allProgress: db.prepare('SELECT * FROM progress ORDER BY kind, project_id, task_id'),
    totalChanges: db.prepare('SELECT total_changes()').pluck(),
    nextDue: db.prepare('SELECT min(due_at) FROM progress WHERE due_at IS NOT NULL').pluck(),
    countReads: db.prepare(`UPDATE progress SET reads = reads + 1
      WHERE kind = @kind AND project_id = @project AND task_id IN (SELECT value FROM json_each(@ids)) RETURNING *`),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = @key').pluck(),
    // Scoped statements: a null @project or @kind stands for all. Control-plane work, not on a request's path.
    deleteScopeTasks: db.prepare('DELETE FROM tasks WHERE (@project IS NULL OR project_id = @project) AND (@kind IS NULL OR kind = @kind)'),
    deleteScopeProgress: db.prepare('DELETE FROM progress WHERE (@project IS NULL OR project_id = @project) AND (@kind IS NULL OR kind = @kind)'),
    deleteScopeDetails: db.prepare('DELETE FROM thumbnail_details WHERE (@project IS NULL OR project_id = @project)'),
    deleteScopeTemplates: db.prepare('DELETE FROM templates WHERE (@project IS NULL OR project_id = @project)'),
    countScope: db.prepare('SELECT count(*) FROM tasks WHERE (@project IS NULL OR project_id = @project) AND (@kind IS NULL OR kind = @kind)').pluck(),
    ownerOfId: db.prepare('SELECT project_id FROM tasks WHERE kind = @kind AND task_id = @taskId AND project_id != @except LIMIT 1').pluck(),
    hasDetails: db.prepare('SELECT 1 FROM thumbnail_details WHERE project_id = @project AND task_id = @taskId LIMIT 1').pluck(),
    hasTemplate: db.prepare('SELECT 1 FROM templates WHERE project_id = @project AND template_id = @templateId').pluck(),
    ownerTasks: db.prepare(`SELECT kind, project_id, doc FROM tasks WHERE project_id = @project AND (@kind IS NULL OR kind = @kind)
      ORDER BY kind, create_time DESC, sort_key DESC`),
    ownerDetails: db.prepare('SELECT task_id, offset_s, url FROM thumbnail_details WHERE project_id = @project ORDER BY task_id, offset_s, position'),
    ownerTemplates: db.prepare('SELECT doc FROM templates WHERE project_id = @project ORDER BY template_id').pluck(),
    deleteTask: db.prepare('DELETE FROM tasks WHERE kind = @kind AND project_id = @project AND task_id = @taskId'),
    // The input bucket a task is counted under (countedBucket's rule, in SQL): read here, not parsed from the document.
    statusOf: db.prepare(`SELECT status, create_time,
      CASE WHEN kind = '${INPUT_FILTERED_KIND}' AND json_type(doc, '$.input.bucket') = 'text' THEN ${INPUT_BUCKET} END AS bucket FROM tasks
      WHERE kind = @kind AND project_id = @project AND task_id = @taskId`),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (@key, @value)'),
    getNotifications: db.prepare('SELECT doc FROM notifications WHERE project_id = @project').pluck(),
    nextOwner: db.prepare('SELECT project_id FROM tasks WHERE kind = @kind AND project_id > @after ORDER BY project_id LIMIT 1').pluck(),
    putNotifications: db.prepare('INSERT OR REPLACE INTO notifications (project_id, doc) VALUES (@project, @doc)'),
    deleteScopeNotifications: db.prepare('DELETE FROM notifications WHERE (@project IS NULL OR project_id = @project)'),
    anyNotifications: db.prepare('SELECT 1 FROM notifications LIMIT 1').pluck(),
  };

  const counts = createTaskCounts(db, options.nearTop);
  if (upgradedFrom !== undefined && upgradedFrom < 7) {
    // 7 counts remux tasks per input bucket, and its bucket index replaced 6's bucket-and-object one.
    db.transaction(() => {
      db.exec('DROP INDEX IF EXISTS tasks_by_input');
      counts.rebuild(INPUT_FILTERED_KIND, null);
    })();
  }

  type ProgressRecord = { kind: TaskKindName; project_id: string; task_id: string; step: number; entered_at: number; due_at: number | null; reads: number; plan: string };
  const toProgress = (r: ProgressRecord): ProgressRow => ({
    kind: r.kind,
    projectId: r.project_id,
    taskId: r.task_id,
    step: r.step,
    enteredAt: r.entered_at,
    dueAt: r.due_at,
    reads: r.reads,
    plan: JSON.parse(r.plan),
  });
  const key = (kind: TaskKindName, project: string, taskId: string) => ({ kind, project, taskId });

  // Task ids are handed out from a counter kept in the store, above every numeric id it has held, so that a
  // created task never takes a fixture's id and no id is handed out twice, across resets and restarts.
  const NEXT_ID = 'next_task_id';
  const FIRST_CREATED_ID = 100_000_001;
  const raiseNextId = (atLeast: number) => {
    const current = (statements.getMeta.get({ key: NEXT_ID }) as number | undefined) ?? FIRST_CREATED_ID;
    if (atLeast > current) statements.setMeta.run({ key: NEXT_ID, value: atLeast });
    else if (current === FIRST_CREATED_ID) statements.setMeta.run({ key: NEXT_ID, value: current });
  };

  const insertTask = ({ kind, projectId, task }: StoredTask) => {
    statements.insertTask.run(kind, projectId ?? SHARED_PROJECT, task.task_id, task.status, task.create_time, taskSortKey(task.task_id), JSON.stringify(task));
  };
  const numericId = (taskId: string) => (/^[0-9]{1,15}$/.test(taskId) ? Number(taskId) : 0);
  /** A batch of rows as they come, in one transaction; raises the next created id above theirs. */
  const insertBatch = db.transaction((batch: TaskRowBatch, tally: BucketTally) => {
    const project = batch.projectId ?? SHARED_PROJECT;
    let highest = 0;
    for (let i = 0; i < batch.docs.length; i++) {
      const taskId = batch.taskIds[i]!;
      const status = batch.statuses[i]!;
      const createTime = batch.createTimes[i]!;
      statements.insertTask.run(batch.kind, project, taskId, status, createTime, taskSortKey(taskId), batch.docs[i]);
      const bucket = batch.kind !== INPUT_FILTERED_KIND ? undefined : batch.inputBuckets ? batch.inputBuckets[i] : countedBucket(batch.kind, JSON.parse(batch.docs[i]!) as TaskDocument);
      tally.add(batch.kind, project, status, createTime, bucket);
      highest = Math.max(highest, numericId(taskId));
    }
    raiseNextId(highest + 1);
  });
  /** Counts one task in (delta 1) or out (-1) of the buckets of its kind, status, time and input bucket. */
  const bumpCounts = (kind: TaskKindName, owner: string, task: { status: string; create_time: string }, delta: number) =>
    counts.bump(kind, owner, task.status, task.create_time, delta, countedBucket(kind, task));
  /** A row's status and create_time and the input bucket it is counted under (null: none). */
  type CountedRow = { status: string; create_time: string; bucket: string | null };
  const countedTask = (row: CountedRow) => ({ status: row.status, create_time: row.create_time, ...(row.bucket !== null ? { input: { bucket: row.bucket } } : {}) });
  /** One task, with its buckets counted (a bulk load recounts once at the end instead). */
  const insertCounted = (stored: StoredTask) => {
    insertTask(stored);
    bumpCounts(stored.kind, stored.projectId ?? SHARED_PROJECT, stored.task, 1);
  };
  const insertRows = (
    tasks: Iterable<StoredTask>,
    details: readonly StoredThumbnailDetails[],
    templates: readonly StoredTemplate[],
    tally?: BucketTally,
  ) => {
    let highest = 0;
    for (const stored of tasks) {
      insertTask(stored);
      tally?.add(stored.kind, stored.projectId ?? SHARED_PROJECT, stored.task.status, stored.task.create_time, countedBucket(stored.kind, stored.task));
      highest = Math.max(highest, numericId(stored.task.task_id));
    }
    raiseNextId(highest + 1);
    for (const { projectId, template } of templates) {
      statements.insertTemplate.run({ project: projectId ?? SHARED_PROJECT, templateId: template.template_id, doc: JSON.stringify(template) });
    }
    for (const { projectId, taskId, thumbnails } of details) {
      thumbnails.forEach((t, position) =>
        statements.insertDetail.run({ project: projectId ?? SHARED_PROJECT, taskId, offset: t.offset, position, url: t.url }),
      );
    }
  };
  function* chain<T>(...parts: Array<Iterable<T>>): Generator<T> {
    for (const part of parts) yield* part;
  }
  const replaceAll = db.transaction(
    (tasks: readonly StoredTask[], details: readonly StoredThumbnailDetails[], templates: readonly StoredTemplate[], more: Iterable<StoredTask>) => {
      statements.deleteTasks.run();
      statements.deleteDetails.run();
      statements.deleteTemplates.run();
      statements.deleteAllProgress.run();
      insertRows(chain(tasks, more), details, templates);
      counts.rebuild(null, null);
    },
  );
  const inScope = (scope: StoreScope, projectId: string | null, kind?: TaskKindName) =>
    (scope.projectId === undefined || (projectId ?? SHARED_PROJECT) === scope.projectId) && (scope.kind === undefined || kind === undefined || kind === scope.kind);
  function* within(scope: StoreScope, tasks: Iterable<StoredTask>): Generator<StoredTask> {
    for (const t of tasks) if (inScope(scope, t.projectId, t.kind)) yield t;
  }
  const replaceScope = db.transaction(
    (
      scope: StoreScope,
      tasks: readonly StoredTask[],
      details: readonly StoredThumbnailDetails[],
      templates: readonly StoredTemplate[],
      more: Iterable<StoredTask>,
    ) => {
      const bind = { project: scope.projectId ?? null, kind: scope.kind ?? null };
      statements.deleteScopeTasks.run(bind);
      statements.deleteScopeProgress.run(bind);
      // Snapshot details go with snapshot tasks, templates with transcoding tasks.
      const withDetails = scope.kind === undefined || scope.kind === 'snapshot';
      const withTemplates = scope.kind === undefined || scope.kind === 'transcoding';
      if (withDetails) statements.deleteScopeDetails.run(bind);
      if (withTemplates) statements.deleteScopeTemplates.run(bind);
      insertRows(
        within(scope, chain(tasks, more)),
        withDetails ? details.filter((d) => inScope(scope, d.projectId)) : [],
        withTemplates ? templates.filter((t) => inScope(scope, t.projectId)) : [],
      );
      counts.rebuild(scope.kind ?? null, scope.projectId ?? null);
      return statements.countScope.get(bind) as number;
    },
  );
  const addAll = db.transaction((tasks: readonly StoredTask[], details: readonly StoredThumbnailDetails[], templates: readonly StoredTemplate[]) => {
    for (const { kind, projectId, task } of tasks) {
      const owner = projectId ?? SHARED_PROJECT;
      if (statements.docByKey.get({ kind, project_id: owner, task_id: task.task_id }) !== undefined) {
        throw new StoreClashError(`${kind} task ${task.task_id} is already there`);
      }
      // A project's task may not shadow a shared one, nor a shared one hide behind a project's (SPEC 1.2).
      const other = statements.ownerOfId.get({ kind, taskId: task.task_id, except: owner }) as string | undefined;
      if (other !== undefined && (owner === SHARED_PROJECT || other === SHARED_PROJECT)) {
        throw new StoreClashError(`${kind} task ${task.task_id} would shadow the ${other === SHARED_PROJECT ? 'shared task' : `task of project ${other}`} with that id`);
      }
    }
    for (const d of details) {
      if (statements.hasDetails.get({ project: d.projectId ?? SHARED_PROJECT, taskId: d.taskId })) throw new StoreClashError(`thumbnail_details for task ${d.taskId} are already there`);
    }
    for (const t of templates) {
      if (statements.hasTemplate.get({ project: t.projectId ?? SHARED_PROJECT, templateId: t.template.template_id })) {
        throw new StoreClashError(`transcoding template ${t.template.template_id} is already there`);
      }
    }
    insertRows(tasks, details, templates);
    for (const t of tasks) bumpCounts(t.kind, t.projectId ?? SHARED_PROJECT, t.task, 1);
  });
  // A descriptor of the store's file, to sync it from another thread. It stays open until the store closes:
  // closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's included.
  const earlySync = {
    fd: undefined as number | undefined,
    syncing: false,
    closed: false,
    start() {
      this.fd ??= openSync(db.name, 'r');
      this.syncing = true;
      // A failure here costs only time: the commit's own sync is what makes the seed durable.
      fsync(this.fd, () => {
        this.syncing = false;
        if (this.closed) this.close();
      });
    },
    /** After the store has closed, once no sync is under way. */
    close() {
      this.closed = true;
      if (this.fd === undefined || this.syncing) return;
      closeSync(this.fd);
      this.fd = undefined;
    },
  };
  const SECONDARY_INDEXES = ['tasks_by_time', 'tasks_by_status_time', 'tasks_by_kind_time', 'tasks_by_kind_status_time', 'tasks_by_input_bucket', 'tasks_by_input_object'];
  const isFile = db.name !== ':memory:';
  const seed = async (
    tasks: readonly StoredTask[],
    details: readonly StoredThumbnailDetails[],
    templates: readonly StoredTemplate[],
    more: Iterable<StoredTask> | AsyncIterable<TaskRowBatch>,
  ) => {
    const indexSql = SECONDARY_INDEXES.map((name) => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string);
    if (isFile) {
      // While seeding, a file store runs on a rollback journal without syncs: rows are written once (a WAL
      // writes each page twice, once more at the checkpoint) and a batch's commit waits for no disk. A crash
      // cannot tear it: a SIGKILL leaves a hot journal that the next open rolls back, and `seeded` is still 0, so
      // the next start seeds it again. The last transaction, which marks it seeded, commits synced (FULL
      // syncs the whole file, every batch's pages with it), and then the store is back in WAL for its writes.
      db.pragma('journal_mode = TRUNCATE');
      db.pragma('synchronous = OFF');
    }
    // The count buckets are tallied as the rows go in, rather than recounted from a million rows at the end.
    const tally = counts.tally();
    try {
      db.transaction(() => {
        // Building the time indexes once from sorted data is far cheaper than keeping them in order row by row.
        for (const name of SECONDARY_INDEXES) db.exec(`DROP INDEX IF EXISTS ${name}`);
        statements.setMeta.run({ key: 'seeded', value: 0 });
        insertRows(tasks, details, templates, tally);
      })();
      if (Symbol.asyncIterator in more) {
        // A transaction cannot span an await: one per batch.
        for await (const batch of more) insertBatch(batch, tally);
      } else {
        const batch: StoredTask[] = [];
        const flush = db.transaction(() => {
          insertRows(batch, [], [], tally);
          batch.length = 0;
        });
        for (const task of more) {
          batch.push(task);
          if (batch.length >= 20_000) flush();
        }
        if (batch.length > 0) flush();
      }
      if (isFile) {
        db.pragma('synchronous = FULL');
        // The rows go to disk while the indexes are built (a thread of libuv's syncs the file), so the commit
        // that marks the store seeded has 0.2 s of syncing left instead of 1 s.
        earlySync.start();
      }
      // The index builds sort every row: SQLite's sorter may take the cores the generator has left.
      db.pragma(`threads = ${Math.min(3, availableParallelism() - 1)}`);
      db.transaction(() => {
        counts.replaceAllFrom(tally);
        for (const sql of indexSql) db.exec(sql);
        statements.setMeta.run({ key: 'seeded', value: 1 });
      })();
    } finally {
      db.pragma('threads = 0');
      if (isFile) {
        db.pragma('synchronous = FULL');
        db.pragma('journal_mode = WAL');
      }
    }
  };
  // Every node of every document the project sees is walked (json_tree), in SQLite rather than parsed here: the
  // account operations are rare calls, and the stores they serve without an object store are test-sized.
  const namedBuckets = db.prepare(
    `SELECT json_extract(node.value, '$.bucket') AS bucket, min(t.create_time) AS first FROM tasks AS t, json_tree(t.doc) AS node
     WHERE t.project_id IN (@project, '') AND node.type = 'object' AND json_type(node.value, '$.bucket') = 'text' AND json_type(node.value, '$.object') = 'text'
     GROUP BY 1 ORDER BY 1`,
  );
  // A cheap test of the text first (the bucket's name as JSON writes it), then the caller reads the document.
  const namingBucket = db.prepare("SELECT doc FROM tasks WHERE project_id IN (@project, '') AND instr(doc, @needle) > 0 ORDER BY create_time, sort_key").pluck();
  const nextTaskId = db.transaction(() => {
    raiseNextId(0);
    const id = statements.getMeta.get({ key: NEXT_ID }) as number;
    statements.setMeta.run({ key: NEXT_ID, value: id + 1 });
    return String(id);
  });

  // The remux input filters' statements, prepared on first use per combination of filters.
  const filtered = new Map<string, { page: Database.Statement; count: Database.Statement }>();
  const inputFiltered = (q: TaskCountQuery) => {
    const key = `${q.inputBucket !== undefined}${q.inputObject !== undefined}${q.status !== undefined}`;
    let made = filtered.get(key);
    if (!made) {
      const sql = inputFilterSql(q.inputBucket !== undefined, q.inputObject !== undefined, q.status !== undefined);
      made = { page: db.prepare(sql.page), count: db.prepare(sql.count).pluck() };
      filtered.set(key, made);
    }
    return made;
  };
  const inputBind = (q: TaskCountQuery) => ({
    project: q.projectId,
    from: q.from,
    to: q.to,
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.inputBucket !== undefined ? { bucket: q.inputBucket } : {}),
    ...(q.inputObject !== undefined ? { object: q.inputObject } : {}),
  });
  const countScope = (q: TaskCountQuery) => ({ kind: q.kind, owners: [q.projectId, SHARED_PROJECT], status: q.status ?? ANY_STATUS, inputBucket: q.inputBucket });
  const bind = (q: TaskCountQuery) => ({ kind: q.kind, project: q.projectId, status: q.status, from: q.from, to: q.to });

  return {
    templates: createTemplateStore(db),
    opened,
    seed: (tasks, details, templates, more = []) => seed(tasks, details, templates, more),
    replaceAll: (tasks, details = [], templates = [], more = []) => replaceAll(tasks, details, templates, more),
    transaction: (fn) => {
      try {
        return db.transaction(fn)();
      } catch (error) {
        // A rolled-back transaction may bring back progress rows that the due-time hint no longer counts.
        nextDue = undefined;
        throw error;
      }
    },
    replaceScope: (scope, tasks, details, templates, more = []) => replaceScope(scope, tasks, details, templates, more),
    addAll: (tasks, details, templates) => addAll(tasks, details, templates),
    bucketsNamed: (projectId) => namedBuckets.all({ project: projectId }) as Array<{ bucket: string; first: string }>,
    documentsNaming: (projectId, bucket) => (namingBucket.all({ project: projectId, needle: JSON.stringify(bucket) }) as string[]).map((doc) => JSON.parse(doc) as TaskDocument),
    exportOwner(owner, kind) {
      const projectId = owner === SHARED_PROJECT ? null : owner;
      const tasks = (statements.ownerTasks.all({ project: owner, kind: kind ?? null }) as Array<{ kind: TaskKindName; doc: string }>).map((r) => ({
        kind: r.kind,
        projectId,
        task: JSON.parse(r.doc) as TaskDocument,
      }));
      const details: StoredThumbnailDetails[] = [];
      if (kind === undefined || kind === 'snapshot') {
        for (const row of statements.ownerDetails.all({ project: owner }) as Array<{ task_id: string; offset_s: number; url: string }>) {
          const last = details.at(-1);
          const entry = last && last.taskId === row.task_id ? last : (details.push({ projectId, taskId: row.task_id, thumbnails: [] }), details.at(-1)!);
          entry.thumbnails.push({ offset: row.offset_s, url: row.url });
        }
      }
      const templates =
        kind === undefined || kind === 'transcoding'
          ? (statements.ownerTemplates.all({ project: owner }) as string[]).map((doc) => ({ projectId, template: JSON.parse(doc) as TransTemplate }))
          : [];
      return { tasks, details, templates };
    },
    deleteTask(kind, owner, taskId) {
      return db.transaction(() => {
        statements.deleteProgress.run(key(kind, owner, taskId));
        const before = statements.statusOf.get(key(kind, owner, taskId)) as CountedRow | undefined;
        if (!before) return false;
        statements.deleteTask.run(key(kind, owner, taskId));
        bumpCounts(kind, owner, countedTask(before), -1);
        return true;
      })();
    },
    getTask(kind, owner, taskId) {
      const doc = statements.docByKey.get({ kind, project_id: owner, task_id: taskId }) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as TaskDocument);
    },
    insertTask: (task) => db.transaction(() => insertCounted(task))(),
    updateTask(kind, owner, task) {
      db.transaction(() => {
        const row = statements.statusOf.get(key(kind, owner, task.task_id)) as CountedRow | undefined;
        statements.updateTask.run({ ...key(kind, owner, task.task_id), status: task.status, doc: JSON.stringify(task) });
        if (!row) return;
        const before = countedTask(row);
        // The task keeps its create_time; a change through the control plane may move it to another input bucket.
        const after = { ...task, create_time: before.create_time };
        if (before.status !== after.status || countedBucket(kind, before) !== countedBucket(kind, after)) {
          bumpCounts(kind, owner, before, -1);
          bumpCounts(kind, owner, after, 1);
        }
      })();
    },
    nextTaskId: () => nextTaskId(),
    template(projectId, templateId) {
      const doc = statements.template.get({ project: projectId, templateId }) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as TransTemplate);
    },
    putProgress(row) {
      statements.putProgress.run({ ...row, plan: JSON.stringify(row.plan) });
      if (row.dueAt !== null && nextDue !== undefined && (nextDue === null || row.dueAt < nextDue)) nextDue = row.dueAt;
    },
    getProgress(kind, project, taskId) {
      const row = statements.getProgress.get(key(kind, project, taskId)) as ProgressRecord | undefined;
      return row && toProgress(row);
    },
    deleteProgress: (kind, project, taskId) => void statements.deleteProgress.run(key(kind, project, taskId)),
    dueProgress(now) {
      // Most reads find nothing due; the hint answers them without a statement (a file store's read
      // transaction cost a request 5% of its CPU).
      if (nextDue === null || (nextDue !== undefined && nextDue > now)) return [];
      const rows = (statements.dueProgress.all({ now }) as ProgressRecord[]).map(toProgress);
      if (rows.length === 0) nextDue = (statements.nextDue.get() as number | null) ?? null;
      return rows;
    },
    allProgress: () => (statements.allProgress.all() as ProgressRecord[]).map(toProgress),
    countReads: (kind, project, taskIds) =>
      (statements.countReads.all({ kind, project, ids: JSON.stringify(taskIds) }) as ProgressRecord[]).map(toProgress),
    listTasks(q) {
      if (q.inputObject !== undefined) return inputFiltered(q).page.all({ ...inputBind(q), limit: q.limit, offset: q.offset }) as TaskRow[];
      if (q.inputBucket !== undefined) {
        const start = counts.locate(countScope(q), q.from, q.to, q.offset);
        return inputFiltered(q).page.all({ ...inputBind(q), to: start.to, limit: q.limit, offset: start.offset }) as TaskRow[];
      }
      // The buckets say below which create_time the page starts, so OFFSET skips at most one minute's tasks.
      const start = counts.locate(countScope(q), q.from, q.to, q.offset);
      const params = { ...bind(q), to: start.to, limit: q.limit, offset: start.offset };
      const { status: _unused, ...withoutStatus } = params;
      return (q.status === undefined ? statements.page.all(withoutStatus) : statements.pageByStatus.all(params)) as TaskRow[];
    },
    // An input object names few tasks: they are counted from its index. Everything else from the count buckets.
    countTasks: (q) => (q.inputObject !== undefined ? (inputFiltered(q).count.get(inputBind(q)) as number) : counts.count(countScope(q), q.from, q.to)),
    tableRows(q) {
      const bind = { kind: q.kind, owner: q.owner ?? null, status: q.status ?? null, limit: q.limit };
      const statement = table[q.owner !== undefined ? 'owner' : 'all'][q.status !== undefined ? 'status' : 'any'];
      if (!q.after) return statement.first.all(bind) as TableRow[];
      const at = { ...bind, createTime: q.after.createTime, sortKey: q.after.sortKey };
      // Rows tied with the cursor on both keys (one task id in several projects, at one time) come by owner.
      const ties = q.after.ties === 'none' ? [] : (table.ties.all({ ...at, afterOwner: q.after.ties === 'all' ? null : q.after.owner }) as TableRow[]);
      return [...ties, ...(statement.before.all(at) as TableRow[])].slice(0, q.limit);
    },
    owners(kinds, after, limit) {
      const found: string[] = [];
      // A skip-scan by hand: the next owner above each, in each kind's stretch of the key index.
      const next = new Map<string, string | undefined>(kinds.map((k) => [k, statements.nextOwner.get({ kind: k, after }) as string | undefined]));
      while (found.length < limit) {
        const candidates = [...next.values()].filter((o): o is string => o !== undefined);
        if (candidates.length === 0) break;
        const least = candidates.reduce((a, b) => (a < b ? a : b));
        found.push(least);
        for (const [k, o] of next) if (o === least) next.set(k, statements.nextOwner.get({ kind: k, after: least }) as string | undefined);
      }
      return found;
    },
    findTasks(kind, projectId, taskIds, status) {
      if (taskIds.length === 0) return [];
      if (taskIds.length === 1) return statements.byId.all({ kind, project: projectId, id: taskIds[0], status: status ?? null }) as TaskRow[];
      return statements.byIds.all({ kind, project: projectId, ids: JSON.stringify(taskIds), status: status ?? null }) as TaskRow[];
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
    version: () => statements.totalChanges.get() as number,
    getNotifications(projectId) {
      const doc = statements.getNotifications.get({ project: projectId }) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as NotificationConfig[]);
    },
    setNotifications(projectId, configs) {
      statements.putNotifications.run({ project: projectId, doc: JSON.stringify(configs) });
    },
    replaceNotifications: db.transaction((projectId: string | undefined, sets: ReadonlyArray<{ projectId: string; configs: readonly NotificationConfig[] }>) => {
      statements.deleteScopeNotifications.run({ project: projectId ?? null });
      for (const set of sets) {
        if (projectId === undefined || set.projectId === projectId) statements.putNotifications.run({ project: set.projectId, doc: JSON.stringify(set.configs) });
      }
    }),
    hasNotifications: () => statements.anyNotifications.get() !== undefined,
    nextDueAt: () => (statements.nextDue.get() as number | null) ?? null,
    close: () => {
      db.close();
      earlySync.close();
    },
  };
}
