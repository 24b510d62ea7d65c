// Video (quality) enhancement templates (SPEC 10.1, reference mpc-api-templates.md section 6): a project's own,
// created, changed and deleted, and the vendor's presets, which every project lists and none may change. The SDK
// has no operation that lists a project's own; a media process (enhancement) task names one by `template_id` (a
// string there), and in strict mode that id must be a preset or one of the project's.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';

type Schemas = components['schemas'];
export type QualityEnhanceTemplate = Schemas['QualityEnhanceTemplate'];
export type UpdateQualityEnhanceTemplateBody = Schemas['UpdateQualityEnhanceTemplateReq'];
/** A project's enhancement template as its family keeps it (and as fixtures and exports carry it). */
export type StoredQualityEnhanceTemplate = { template_id: number; template: QualityEnhanceTemplate };

const FAMILY = 'quality_enhance';

/**
 * The vendor's presets.
 * Deviation: the real service's presets are not public; these are the mock's own, one per kind of step, with ids
 * far below the ids the mock gives created templates (8000001 and up).
 */
export const QUALITY_ENHANCE_PRESETS: readonly StoredQualityEnhanceTemplate[] = [
  {
    template_id: 1001,
    template: {
      template_name: 'hw_denoise_sharp',
      template_description: 'Denoise, then sharpen lightly; for noisy user-generated video.',
      video: { video_denoise: { name: 'hw-denoise', execution_order: 1 }, video_sharp: { name: 'hw-sharp', execution_order: 2, amount: '0.3' } },
    },
  },
  {
    template_id: 1002,
    template: {
      template_name: 'hw_sr_2x',
      template_description: 'Deblock, then upscale twice; for low-resolution sources.',
      video: { video_deblock: { name: 'hw-deblock', execution_order: 1 }, video_superresolution: { name: 'hw-sr', execution_order: 2, scale: '2' } },
    },
  },
  {
    template_id: 1003,
    template: {
      template_name: 'hw_vivid',
      template_description: 'More contrast, then more saturation; for flat, washed-out footage.',
      video: { video_contrast: { name: 'hw-contrast', execution_order: 1, contrast: '1.2', brightness: '0' }, video_saturation: { name: 'hw-saturation', execution_order: 2, saturation: '1.2' } },
    },
  },
];
const PRESET_IDS = new Set(QUALITY_ENHANCE_PRESETS.map((p) => p.template_id));

/**
 * 403 MPC.10212 for an id the project has no enhancement template under.
 * Deviation: no not-found code is documented for these templates; this is the code of the vendor's examples.
 */
const notFound = (id: number) => new VendorError(403, 'MPC.10212', `Operation failed, no video enhancement template ${id}.`, 'mpc');

export const qualityEnhanceEntry = (projectId: string, t: StoredQualityEnhanceTemplate) => ({ projectId, id: String(t.template_id), seq: t.template_id, doc: t });

/**
 * The rules the schema cannot say: two steps that run may not share an `execution_order`, and super-resolution's
 * `scale` is a number from 2 to 8 (reference 6). `template_description` is the presets' only: a client's is dropped.
 */
function settings(template: QualityEnhanceTemplate): QualityEnhanceTemplate {
  const steps = Object.entries(template.video ?? {}).filter(([, step]) => step !== undefined) as Array<[string, { execution_order?: number }]>;
  const orders = new Map<number, string>();
  for (const [name, step] of steps) {
    if (step.execution_order === undefined) continue;
    const other = orders.get(step.execution_order);
    if (other !== undefined) throw invalidParameter(`video.${name}.execution_order ${step.execution_order} is video.${other}'s already: two steps cannot run at once`);
    orders.set(step.execution_order, name);
  }
  const scale = template.video?.video_superresolution?.scale;
  if (scale !== undefined && !(/^[0-9]+(\.[0-9]+)?$/.test(scale) && Number(scale) >= 2 && Number(scale) <= 8)) {
    throw invalidParameter('video.video_superresolution.scale must be a number from 2 to 8');
  }
  const { template_description: _presetsOnly, ...rest } = template;
  return rest;
}

/** The project's own template under an id to change or delete: a preset's is refused, an unknown one MPC.10212. */
function own(store: TemplateStore, projectId: string, templateId: number): StoredQualityEnhanceTemplate {
  const found = store.families.get<StoredQualityEnhanceTemplate>(FAMILY, projectId, String(templateId));
  if (found) return found;
  if (PRESET_IDS.has(templateId)) throw invalidParameter(`template_id ${templateId} is a preset and cannot be changed or deleted`);
  throw notFound(templateId);
}

export function createQualityEnhanceTemplate(store: TemplateStore, projectId: string, body: QualityEnhanceTemplate): number {
  const template = settings(body);
  const id = store.nextId();
  store.families.put(FAMILY, qualityEnhanceEntry(projectId, { template_id: id, template }));
  return id;
}

/** UpdateQualityEnhanceTemplate: `template` replaces the settings of `template_id` (the SDK requires neither). */
export function updateQualityEnhanceTemplate(store: TemplateStore, projectId: string, body: UpdateQualityEnhanceTemplateBody): void {
  if (body.template_id === undefined) throw invalidParameter('template_id is required');
  if (body.template === undefined) throw invalidParameter('template is required');
  own(store, projectId, body.template_id);
  store.families.put(FAMILY, qualityEnhanceEntry(projectId, { template_id: body.template_id, template: settings(body.template) }));
}

export function deleteQualityEnhanceTemplate(store: TemplateStore, projectId: string, templateId: number): void {
  own(store, projectId, templateId);
  store.families.remove(FAMILY, projectId, String(templateId));
}

/** ListQualityEnhanceDefaultTemplate: every preset, at once. */
export function listQualityEnhanceDefaults(): { task_array: StoredQualityEnhanceTemplate[]; total: number } {
  return { task_array: QUALITY_ENHANCE_PRESETS.map((p) => structuredClone(p)), total: QUALITY_ENHANCE_PRESETS.length };
}

/** Strict mode (SPEC 10.2): an enhancement task's `template_id` is a preset's or one of the project's templates. */
export function checkQualityEnhanceId(store: TemplateStore, projectId: string, request: { template_id?: string }): void {
  const id = request.template_id;
  if (id === undefined) return;
  const known = /^[0-9]{1,15}$/.test(id) && (PRESET_IDS.has(Number(id)) || store.families.get(FAMILY, projectId, String(Number(id))) !== undefined);
  if (!known) throw invalidParameter(`template_id ${id} is not a known video enhancement template`);
}
