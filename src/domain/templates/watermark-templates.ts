// A project's image watermark templates (SPEC 10.1, reference mpc-api-templates.md section 5): one model for the
// create, the update and the list. A transcoding task names one in `watermarks[].template_id` (a string there,
// SPEC 10.2); in strict mode that id must be one of the project's.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';
import { pageStart } from './paging.js';

export type WatermarkTemplate = components['schemas']['WatermarkTemplate'];
type Owned = { projectId: string; template: WatermarkTemplate };

const FAMILY = 'watermark';
/**
 * 403 MPC.10212 for an id the project has no watermark template under.
 * Deviation: no not-found code is documented for watermark templates; this is the code of the vendor's examples.
 */
const notFound = (id: number) => new VendorError(403, 'MPC.10212', `Operation failed, no watermark template ${id}.`, 'mpc');

const put = (store: TemplateStore, projectId: string, template: WatermarkTemplate & { template_id: number }) =>
  store.families.put(FAMILY, { projectId, id: String(template.template_id), seq: template.template_id, doc: template });

/** CreateWatermarkTemplate: a `template_id` in the body is not the client's to choose; the answer's is the new one. */
export function createWatermarkTemplate(store: TemplateStore, projectId: string, body: WatermarkTemplate): number {
  const id = store.nextId();
  const { template_id: _ignored, ...settings } = body;
  put(store, projectId, { template_id: id, ...settings });
  return id;
}

/** ListWatermarkTemplate: by id (page and size ignored, unknown ids left out), else a page, newest first. */
export function listWatermarkTemplates(store: TemplateStore, projectId: string, q: { template_id?: number[]; page: number; size: number }): { total: number; templates: WatermarkTemplate[] } {
  if (q.template_id?.length) {
    const found = [...new Set(q.template_id)]
      .sort((a, b) => b - a)
      .flatMap((id) => store.families.get<WatermarkTemplate>(FAMILY, projectId, String(id)) ?? []);
    return { total: found.length, templates: found };
  }
  const total = store.families.count(FAMILY, projectId);
  const start = pageStart(q.page, q.size, total);
  return { total, templates: start === undefined ? [] : store.families.list<WatermarkTemplate>(FAMILY, projectId, q.size, start) };
}

/** UpdateWatermarkTemplate: the fields given replace the template's; the body's `template_id` names it. */
export function updateWatermarkTemplate(store: TemplateStore, projectId: string, body: WatermarkTemplate): void {
  if (body.template_id === undefined) throw invalidParameter('template_id is required');
  const before = store.families.get<WatermarkTemplate>(FAMILY, projectId, String(body.template_id));
  if (!before) throw notFound(body.template_id);
  put(store, projectId, { ...before, ...body, template_id: body.template_id });
}

export function deleteWatermarkTemplate(store: TemplateStore, projectId: string, templateId: number): void {
  if (!store.families.remove(FAMILY, projectId, String(templateId))) throw notFound(templateId);
}

/** Whether the project has a watermark template under this id (a task body's string id). */
export function hasWatermarkTemplate(store: TemplateStore, projectId: string, templateId: string): boolean {
  return /^[0-9]{1,15}$/.test(templateId) && store.families.get(FAMILY, projectId, String(Number(templateId))) !== undefined;
}

/** Watermark templates as state (SPEC 10.3): one project's (every project's when undefined) back to these. */
export function replaceWatermarkTemplates(store: TemplateStore, projectId: string | undefined, templates: readonly Owned[]): void {
  store.families.replace(FAMILY, projectId, templates.map(entry));
}

/** Templates an import brings; one the project has under that id is a clash. */
export function addWatermarkTemplates(store: TemplateStore, templates: readonly Owned[]): void {
  for (const t of templates) {
    if (store.families.get(FAMILY, t.projectId, String(t.template.template_id)) !== undefined) throw invalidParameter(`watermark template ${t.template.template_id} is already there`);
    store.families.put(FAMILY, entry(t));
  }
}

export function exportWatermarkTemplates(store: TemplateStore, projectId: string): Owned[] {
  return store.families.entries<WatermarkTemplate>(FAMILY, projectId).map((e) => ({ projectId, template: e.doc }));
}

function entry({ projectId, template }: Owned) {
  const id = template.template_id!;
  return { projectId, id: String(id), seq: id, doc: template };
}
