// A project's image watermark templates (SPEC 10.1, reference mpc-api-templates.md section 5): one model for the
// create, the update and the list. A transcoding task names one in `watermarks[].template_id` (a string there,
// SPEC 10.2); in strict mode that id must be one of the project's.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';
import { pageStart } from '../paging.js';

export type WatermarkTemplate = components['schemas']['WatermarkTemplate'];

const FAMILY = 'watermark';
/**
 * 403 MPC.10212 for an id the project has no watermark template under.
 * Deviation: no not-found code is documented for watermark templates; this is the code of the vendor's examples.
 */
const notFound = (id: number) => new VendorError(403, 'MPC.10212', `Operation failed, no watermark template ${id}.`, 'mpc');

/** A watermark template as its family's table keeps it (a stored one always has its id). */
export const watermarkEntry = (projectId: string, template: WatermarkTemplate) => ({ projectId, id: String(template.template_id), seq: template.template_id!, doc: template });
const put = (store: TemplateStore, projectId: string, template: WatermarkTemplate) => store.families.put(FAMILY, watermarkEntry(projectId, template));

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

/**
 * Strict mode (SPEC 10.2): every watermark template a transcoding create names is one of the project's. The SDK's
 * WatermarkRequest types the id a string; the document leaves the entries open, so any type is read as text.
 */
export function checkWatermarkIds(store: TemplateStore, projectId: string, request: { watermarks?: Array<{ template_id?: unknown }> }): void {
  (request.watermarks ?? []).forEach((w, i) => {
    if (w.template_id === undefined) return;
    const id = String(w.template_id);
    if (!/^[0-9]{1,15}$/.test(id) || store.families.get(FAMILY, projectId, String(Number(id))) === undefined) {
      throw invalidParameter(`watermarks[${i}].template_id ${id} is not a known watermark template`);
    }
  });
}
