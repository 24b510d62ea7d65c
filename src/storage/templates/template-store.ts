// The transcoding templates a project keeps (SPEC 10.1), in the store's `templates` table beside its tasks: one
// row per template, the shared owner '' holding the vendor's system templates (the preset catalogue and the
// shared templates fixture files add). A project's own rows are the ones it creates, changes and deletes; the
// same database, so a scoped reset, an import or a task create sees templates and tasks in one transaction.
import type Database from 'better-sqlite3';
import type { TransTemplate } from '../../domain/templates/transcoding-templates.js';
import type { FamilyEntry, FamilyStore, TemplateFamily, TemplateStore } from './template-store-types.js';

/** The owner of the system templates, every project's (the '' in the SQL below). */
const SYSTEM = '';
/** Created template ids start here, above the presets' (7000521...), and are never handed out twice. */
const FIRST_TEMPLATE_ID = 8_000_001;
const NEXT_TEMPLATE_ID = 'next_template_id';

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
    // Group ids come from the same counter (template-groups.ts): above every one a fixture or an import brought too.
    highest: db.prepare('SELECT max(coalesce((SELECT max(template_id) FROM templates), 0), coalesce((SELECT max(seq) FROM template_families), 0))').pluck(),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = @key').pluck(),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (@key, @value)'),
  };
  const parse = (doc: unknown) => JSON.parse(doc as string) as TransTemplate;
  return {
    families: createFamilyStore(db),
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

function createFamilyStore(db: Database.Database): FamilyStore {
  // A name filter is at most 10 names (the list's limit): passed as a JSON array, NULL for none.
  const NAMES = "(@names IS NULL OR json_extract(doc, '$.name') IN (SELECT value FROM json_each(@names)))";
  const s = {
    get: db.prepare('SELECT doc FROM template_families WHERE family = @family AND project_id = @project AND id = @id').pluck(),
    list: db
      .prepare(`SELECT doc FROM template_families WHERE family = @family AND project_id = @project AND ${NAMES} ORDER BY seq DESC LIMIT @limit OFFSET @offset`)
      .pluck(),
    count: db.prepare(`SELECT count(*) FROM template_families WHERE family = @family AND project_id = @project AND ${NAMES}`).pluck(),
    named: db
      .prepare("SELECT 1 FROM template_families WHERE family = @family AND project_id = @project AND id != @except AND json_extract(doc, '$.name') = @name LIMIT 1")
      .pluck(),
    holding: db
      .prepare(
        `SELECT id FROM template_families WHERE family = @family AND project_id = @project
         AND EXISTS (SELECT 1 FROM json_each(doc, '$.template_ids') WHERE value = @templateId) LIMIT 1`,
      )
      .pluck(),
    put: db.prepare('INSERT OR REPLACE INTO template_families (family, project_id, id, seq, doc) VALUES (@family, @project, @id, @seq, @doc)'),
    remove: db.prepare('DELETE FROM template_families WHERE family = @family AND project_id = @project AND id = @id'),
    entries: db.prepare('SELECT project_id, id, seq, doc FROM template_families WHERE family = @family AND (@project IS NULL OR project_id = @project) ORDER BY project_id, seq'),
    clear: db.prepare('DELETE FROM template_families WHERE family = @family AND (@project IS NULL OR project_id = @project)'),
  };
  const names = (list: readonly string[] | undefined) => (list?.length ? JSON.stringify(list) : null);
  const parse = <T>(doc: unknown) => JSON.parse(doc as string) as T;
  const put = (family: TemplateFamily, e: FamilyEntry) => void s.put.run({ family, project: e.projectId, id: e.id, seq: e.seq, doc: JSON.stringify(e.doc) });
  return {
    get: <T>(family: TemplateFamily, projectId: string, id: string) => {
      const doc = s.get.get({ family, project: projectId, id });
      return doc === undefined ? undefined : parse<T>(doc);
    },
    list: <T>(family: TemplateFamily, projectId: string, limit: number, offset: number, filter?: readonly string[]) =>
      s.list.all({ family, project: projectId, limit, offset, names: names(filter) }).map((d) => parse<T>(d)),
    count: (family, projectId, filter) => s.count.get({ family, project: projectId, names: names(filter) }) as number,
    nameTaken: (family, projectId, name, exceptId = '') => s.named.get({ family, project: projectId, name, except: exceptId }) !== undefined,
    holding: (family, projectId, templateId) => s.holding.get({ family, project: projectId, templateId }) as string | undefined,
    put,
    remove: (family, projectId, id) => s.remove.run({ family, project: projectId, id }).changes > 0,
    entries: <T>(family: TemplateFamily, projectId?: string) =>
      (s.entries.all({ family, project: projectId ?? null }) as Array<{ project_id: string; id: string; seq: number; doc: string }>).map((r) => ({
        projectId: r.project_id,
        id: r.id,
        seq: r.seq,
        doc: parse<T>(r.doc),
      })),
    replace(family, projectId, entries) {
      s.clear.run({ family, project: projectId ?? null });
      for (const e of entries) if (projectId === undefined || e.projectId === projectId) put(family, e);
    },
  };
}
