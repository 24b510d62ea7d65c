// The template families kept as documents (groups, watermark templates) as state like tasks (SPEC 10.3): what a
// reset goes back to, an import adds and an export carries, one call for every family.
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { addGroups, exportGroups, replaceGroups, type TemplateGroup } from './template-groups.js';
import { addWatermarkTemplates, exportWatermarkTemplates, replaceWatermarkTemplates, type WatermarkTemplate } from './watermark-templates.js';

export interface TemplateState {
  /** Projects' transcoding template groups (their templates are the set's transcoding templates). */
  groups?: ReadonlyArray<{ projectId: string; group: TemplateGroup }>;
  /** Projects' watermark templates. */
  watermarks?: ReadonlyArray<{ projectId: string; template: WatermarkTemplate }>;
}

/** One project's (every project's when undefined) families back to the state's. */
export function replaceTemplateState(store: TemplateStore, projectId: string | undefined, state: TemplateState): void {
  replaceGroups(store, projectId, state.groups ?? []);
  replaceWatermarkTemplates(store, projectId, state.watermarks ?? []);
}

export function addTemplateState(store: TemplateStore, state: TemplateState): void {
  addGroups(store, state.groups ?? []);
  addWatermarkTemplates(store, state.watermarks ?? []);
}

/** A project's families, only those it has. */
export function exportTemplateState(store: TemplateStore, projectId: string): TemplateState {
  const groups = exportGroups(store, projectId);
  const watermarks = exportWatermarkTemplates(store, projectId);
  return { ...(groups.length ? { groups } : {}), ...(watermarks.length ? { watermarks } : {}) };
}
