// A project's own transcoding templates (SPEC 10.1, reference mpc-api-templates.md section 3): created, listed,
// replaced and deleted through the vendor API, kept in the store beside the system templates (the preset
// catalogue), which every project uses and none may change. A task's trans_template_id resolves against both
// (transcoding-templates.ts), so a created template shapes the outputs of the tasks that name it.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';
import { pageStart } from '../paging.js';
import type { TransTemplate } from './transcoding-templates.js';

type Schemas = components['schemas'];
export type CreateTransTemplateBody = Schemas['TransTemplate'];
export type ModifyTransTemplateBody = Schemas['ModifyTransTemplateReq'];
export type TemplateInfo = Schemas['TemplateInfo'];

/** 400 MPC.10091: another template of the project has the name (error-codes.md). */
const nameExists = () => new VendorError(400, 'MPC.10091', 'The template name already exists.', 'mpc');
/**
 * 403 MPC.10239: no template of the project has the id, as Terraform sees the real service answer a delete.
 * Deviation: the vendor's message for it is not documented; this one is the mock's.
 */
const templateNotFound = (id: number) => new VendorError(403, 'MPC.10239', `The template does not exist, template_id ${id}.`, 'mpc');

/** The rules the document's schema cannot say (reference 2, 3.1): they tie fields to one another. */
export function checkTemplate(body: CreateTransTemplateBody): void {
  const { video, audio, common } = body;
  if (video?.output_policy === 'discard' && audio?.output_policy === 'discard') {
    throw invalidParameter('video.output_policy and audio.output_policy cannot both be discard');
  }
  // MP3 and ADTS carry no picture.
  if ((common.pack_type === 5 || common.pack_type === 6) && video !== undefined && video.output_policy !== 'discard') {
    throw invalidParameter(`video must be left out or discarded when common.pack_type is ${common.pack_type}`);
  }
  // H.265 sizes are multiples of 4 from 320 by 240 (H.264's bounds the schema holds).
  if (video?.codec === 2) {
    for (const [field, min] of [['width', 320], ['height', 240]] as const) {
      const v = video[field];
      if (v !== undefined && v !== 0 && (v < min || v % 4 !== 0)) throw invalidParameter(`video.${field} must be 0 or a multiple of 4 from ${min} when video.codec is 2 (H.265)`);
    }
  }
}

/** A template as the store keeps it: the catalogue's shape, id and settings together. */
function stored(templateId: number, body: CreateTransTemplateBody): TransTemplate {
  return {
    template_id: templateId,
    template_name: body.template_name,
    ...(body.video ? { video: body.video } : {}),
    ...(body.audio ? { audio: body.audio } : {}),
    common: body.common,
  };
}

/**
 * A template as ListTemplate answers it. The model requires `video`: an audio-only template answers it
 * discarded. A system template without a name answers its id as its name.
 */
function templateInfo(t: TransTemplate): TemplateInfo {
  return {
    template_id: t.template_id,
    template: {
      template_name: t.template_name ?? String(t.template_id),
      video: t.video ?? { output_policy: 'discard' },
      ...(t.audio ? { audio: t.audio } : {}),
      common: t.common,
    },
  };
}

/**
 * One project's own id to change or delete: a system template's is refused, an unknown one is MPC.10239, and one
 * a template group made is changed through its group.
 * Deviation: what the real service does with a group's template changed on its own is not documented.
 */
function ownId(store: TemplateStore, projectId: string, templateId: number): TransTemplate {
  const own = store.own(projectId, templateId);
  if (own) {
    const group = store.families.holding('transcoding_group', projectId, templateId);
    if (group !== undefined) throw invalidParameter(`template ${templateId} belongs to template group ${group}: change the group instead`);
    return own;
  }
  if (store.isSystem(templateId)) throw invalidParameter(`template ${templateId} is a preset and cannot be changed or deleted`);
  throw templateNotFound(templateId);
}

export function createTransTemplate(store: TemplateStore, projectId: string, body: CreateTransTemplateBody): number {
  checkTemplate(body);
  if (store.nameTaken(projectId, body.template_name)) throw nameExists();
  const id = store.nextId();
  store.put(projectId, stored(id, body));
  return id;
}

/**
 * ListTemplate: by id (at most 10, page and size ignored) the project's and the system templates under them,
 * otherwise a page of the project's own, newest first; `total` counts every match.
 */
export function listTransTemplates(store: TemplateStore, projectId: string, q: { template_id?: number[]; page: number; size: number }): { template_array: TemplateInfo[]; total: number } {
  if (q.template_id?.length) {
    const found = store.byIds(projectId, [...new Set(q.template_id)]).map(templateInfo);
    return { template_array: found, total: found.length };
  }
  const total = store.count(projectId);
  const start = pageStart(q.page, q.size, total);
  return { template_array: start === undefined ? [] : store.list(projectId, q.size, start).map(templateInfo), total };
}

/** UpdateTransTemplate: the body replaces the whole template (its name and common are required). */
export function updateTransTemplate(store: TemplateStore, projectId: string, body: ModifyTransTemplateBody): void {
  const { template_id, ...settings } = body;
  ownId(store, projectId, template_id);
  checkTemplate(settings);
  if (store.nameTaken(projectId, settings.template_name, template_id)) throw nameExists();
  store.put(projectId, stored(template_id, settings));
}

export function deleteTransTemplate(store: TemplateStore, projectId: string, templateId: number): void {
  ownId(store, projectId, templateId);
  store.remove(projectId, templateId);
}
