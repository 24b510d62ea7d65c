// The transcoding templates a project keeps (SPEC 10.1), in the store's `templates` table beside its tasks: one
// row per template, the shared owner '' holding the vendor's system templates (the preset catalogue and the
// shared templates fixture files add). A project's own rows are the ones it creates, changes and deletes; the
// same database, so a scoped reset, an import or a task create sees templates and tasks in one transaction.
import type Database from 'better-sqlite3';
import type { TransTemplate } from '../../domain/templates/transcoding-templates.js';

/** The owner of the system templates, every project's (the '' in the SQL below). */
const SYSTEM = '';
/** Created template ids start here, above the presets' (7000521...), and are never handed out twice. */
const FIRST_TEMPLATE_ID = 8_000_001;
const NEXT_TEMPLATE_ID = 'next_template_id';

export interface TemplateStore {
  /** A project's own template, not a system one. */
  own(projectId: string, templateId: number): TransTemplate | undefined;
  /** Whether a system template has this id. */
  isSystem(templateId: number): boolean;
  /** A page of the project's own templates, newest (highest id) first. */
  list(projectId: string, limit: number, offset: number): TransTemplate[];
  count(projectId: string): number;
  /** The templates a project sees under these ids, its own and the system ones, highest id first. */
  byIds(projectId: string, templateIds: readonly number[]): TransTemplate[];
  /** Whether another own template of the project (not `exceptId`) has this name. */
  nameTaken(projectId: string, name: string, exceptId?: number): boolean;
  /** Writes a project's template, new or replacing the one with its id. */
  put(projectId: string, template: TransTemplate): void;
  /** Removes a project's own template; false when it had none with the id. */
  remove(projectId: string, templateId: number): boolean;
  /** The id of a template about to be created: above every template id the store has held. */
  nextId(): number;
}

export function createTemplateStore(db: Database.Database): TemplateStore {
  const s = {
    own: db.prepare('SELECT doc FROM templates WHERE project_id = @project AND template_id = @id').pluck(),
    list: db.prepare('SELECT doc FROM templates WHERE project_id = @project ORDER BY template_id DESC LIMIT @limit OFFSET @offset').pluck(),
    count: db.prepare('SELECT count(*) FROM templates WHERE project_id = @project').pluck(),
    byIds: db
      .prepare(
        `SELECT doc FROM templates WHERE project_id IN (@project, '') AND template_id IN (SELECT value FROM json_each(@ids))
         ORDER BY template_id DESC, project_id = ''`,
      )
      .pluck(),
    // A project has tens of templates, not millions: its rows are read, not indexed by name.
    named: db
      .prepare("SELECT 1 FROM templates WHERE project_id = @project AND template_id != @except AND json_extract(doc, '$.template_name') = @name LIMIT 1")
      .pluck(),
    put: db.prepare('INSERT OR REPLACE INTO templates (project_id, template_id, doc) VALUES (@project, @id, @doc)'),
    remove: db.prepare('DELETE FROM templates WHERE project_id = @project AND template_id = @id'),
    highest: db.prepare('SELECT max(template_id) FROM templates').pluck(),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = @key').pluck(),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (@key, @value)'),
  };
  const parse = (doc: unknown) => JSON.parse(doc as string) as TransTemplate;
  return {
    own: (projectId, templateId) => {
      const doc = s.own.get({ project: projectId, id: templateId });
      return doc === undefined ? undefined : parse(doc);
    },
    isSystem: (templateId) => s.own.get({ project: SYSTEM, id: templateId }) !== undefined,
    list: (projectId, limit, offset) => s.list.all({ project: projectId, limit, offset }).map(parse),
    count: (projectId) => s.count.get({ project: projectId }) as number,
    byIds(projectId, templateIds) {
      // A project's own template hides a system one of the same id (its row sorts first).
      const seen = new Set<number>();
      return s.byIds
        .all({ project: projectId, ids: JSON.stringify(templateIds) })
        .map(parse)
        .filter((t) => !seen.has(t.template_id) && (seen.add(t.template_id), true));
    },
    nameTaken: (projectId, name, exceptId = 0) => s.named.get({ project: projectId, name, except: exceptId }) !== undefined,
    put: (projectId, template) => void s.put.run({ project: projectId, id: template.template_id, doc: JSON.stringify(template) }),
    remove: (projectId, templateId) => s.remove.run({ project: projectId, id: templateId }).changes > 0,
    nextId() {
      // Above the counter (ids of deleted templates are not handed out again) and above any template a fixture
      // or an import brought.
      const next = Math.max(FIRST_TEMPLATE_ID, (s.getMeta.get({ key: NEXT_TEMPLATE_ID }) as number | undefined) ?? 0, ((s.highest.get() as number | null) ?? 0) + 1);
      s.setMeta.run({ key: NEXT_TEMPLATE_ID, value: next + 1 });
      return next;
    },
  };
}
