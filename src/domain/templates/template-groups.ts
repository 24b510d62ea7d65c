// A project's transcoding template groups (SPEC 10.1, reference mpc-api-templates.md section 4): one input, up to
// six outputs that share their audio, video and container settings and differ in width, height and bitrate. A
// group makes one transcoding template per output, kept with the project's templates, so a task uses the group
// by naming those templates' ids (no create body takes a group id, SPEC 10.2).
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';
import { checkTemplate } from './custom-templates.js';
import { pageStart } from '../paging.js';
import type { TransTemplate } from './transcoding-templates.js';

type Schemas = components['schemas'];
export type TemplateGroup = Schemas['TemplateGroup'];
export type CreateTemplateGroupBody = Schemas['TransTemplateGroup'];
export type ModifyTemplateGroupBody = Schemas['ModifyTransTemplateGroup'];

const FAMILY = 'transcoding_group';

/** A group as its family's table keeps it: ordered by the number its id was made from. */
export const groupEntry = (projectId: string, group: TemplateGroup) => ({ projectId, id: group.group_id, seq: Number(group.group_id), doc: group });
/** 403 MPC.10231, as Terraform sees the real service answer for a group it does not have (error-codes.md). */
const groupNotFound = () => new VendorError(403, 'MPC.10231', 'The template group does not exist.', 'mpc');
/** 400 MPC.10230: another group of the project has the name. */
const groupExists = () => new VendorError(400, 'MPC.10230', 'The template group already exists.', 'mpc');
// Deviation: a group need not give `common`, and the vendor does not say what its templates then use; the
// mock's templates answer HLS, as its defaults for an unknown template do (SPEC 4.5).
const DEFAULT_COMMON: Schemas['Common'] = { pack_type: 1, hls_interval: 5 };

type Settings = Omit<TemplateGroup, 'group_id' | 'template_ids'>;

/** The group's templates, one per output, from its shared settings and each output's size and bitrate. */
function templatesOf(group: Settings): TransTemplate[] {
  return group.videos.map((v, i) => ({
    template_id: v.template_id,
    template_name: `${group.name}_${i + 1}`,
    video: { ...group.video_common, width: v.width, height: v.height, bitrate: v.bitrate, ...(v.stream_name !== undefined ? { stream_name: v.stream_name } : {}) },
    ...(group.audio ? { audio: group.audio } : {}),
    common: group.common ?? DEFAULT_COMMON,
  }));
}

/** Writes the group and its templates, checked as CreateTransTemplate checks a template. */
function write(store: TemplateStore, projectId: string, group: TemplateGroup): void {
  const templates = templatesOf(group);
  templates.forEach((t) => checkTemplate({ template_name: t.template_name!, ...(t.video ? { video: t.video } : {}), ...(t.audio ? { audio: t.audio } : {}), common: t.common }));
  for (const t of templates) store.put(projectId, t);
  store.families.put(FAMILY, groupEntry(projectId, group));
}

function existing(store: TemplateStore, projectId: string, groupId: string): TemplateGroup {
  const group = store.families.get<TemplateGroup>(FAMILY, projectId, groupId);
  if (!group) throw groupNotFound();
  return group;
}

export function createTemplateGroup(store: TemplateStore, projectId: string, body: CreateTemplateGroupBody): TemplateGroup {
  if (store.families.nameTaken(FAMILY, projectId, body.name)) throw groupExists();
  // Group ids are strings in the SDK; the mock's are numbers from the template ids' counter, written as text.
  const group: TemplateGroup = {
    group_id: String(store.nextId()),
    name: body.name,
    template_ids: [],
    videos: (body.videos ?? []).map((v) => ({ template_id: store.nextId(), ...v })),
    ...(body.audio ? { audio: body.audio } : {}),
    ...(body.video_common ? { video_common: body.video_common } : {}),
    ...(body.common ? { common: body.common } : {}),
  };
  group.template_ids = group.videos.map((v) => v.template_id);
  write(store, projectId, group);
  return group;
}

/**
 * ListTemplateGroup: by id (page and size ignored; an id the project has no group under is MPC.10231), else a
 * page of the project's groups, newest first, kept to the names given; `total` counts every match.
 */
export function listTemplateGroups(
  store: TemplateStore,
  projectId: string,
  q: { group_id?: string[]; group_name?: string[]; page: number; size: number },
): { template_group_list: TemplateGroup[]; total: number } {
  if (q.group_id?.length) {
    const names = q.group_name?.length ? new Set(q.group_name) : undefined;
    const found = [...new Set(q.group_id)]
      .map((id) => existing(store, projectId, id))
      .filter((g) => !names || names.has(g.name))
      .sort((a, b) => Number(b.group_id) - Number(a.group_id));
    return { template_group_list: found, total: found.length };
  }
  const total = store.families.count(FAMILY, projectId, q.group_name);
  const start = pageStart(q.page, q.size, total);
  return { template_group_list: start === undefined ? [] : store.families.list<TemplateGroup>(FAMILY, projectId, q.size, start, q.group_name), total };
}

/**
 * UpdateTemplateGroup: the fields given replace the group's. With `videos`, the outputs that remain keep their
 * template ids in order, added ones get new ids, and the templates of removed ones are deleted.
 * Deviation: the vendor does not document what becomes of the ids; this is the mock's rule.
 */
export function updateTemplateGroup(store: TemplateStore, projectId: string, body: ModifyTemplateGroupBody): void {
  const before = existing(store, projectId, body.group_id);
  if (body.name !== undefined && store.families.nameTaken(FAMILY, projectId, body.name, before.group_id)) throw groupExists();
  const videos = body.videos === undefined ? before.videos : body.videos.map((v, i) => ({ template_id: before.videos[i]?.template_id ?? store.nextId(), ...v }));
  const after: TemplateGroup = {
    group_id: before.group_id,
    name: body.name ?? before.name,
    template_ids: videos.map((v) => v.template_id),
    videos,
    ...((body.audio ?? before.audio) ? { audio: body.audio ?? before.audio } : {}),
    ...((body.video_common ?? before.video_common) ? { video_common: body.video_common ?? before.video_common } : {}),
    ...((body.common ?? before.common) ? { common: body.common ?? before.common } : {}),
  };
  for (const id of before.template_ids) if (!after.template_ids.includes(id)) store.remove(projectId, id);
  write(store, projectId, after);
}

/** DeleteTemplateGroup: the group and the templates it made. */
export function deleteTemplateGroup(store: TemplateStore, projectId: string, groupId: string): void {
  const group = existing(store, projectId, groupId);
  for (const id of group.template_ids) store.remove(projectId, id);
  store.families.remove(FAMILY, projectId, groupId);
}

/**
 * Strict mode (SPEC 10.2, mpc-api.md): the templates of one task come from one template group, or from none. A task
 * that names a group's templates beside another group's, or beside templates of no group, is refused.
 */
export function checkOneGroup(store: TemplateStore, projectId: string, templateIds: readonly number[]): void {
  const groups = templateIds.map((id) => store.families.holding(FAMILY, projectId, id));
  const named = [...new Set(groups.filter((g) => g !== undefined))];
  if (named.length === 0) return;
  if (named.length > 1) throw invalidParameter(`the templates of one task come from one template group, not from groups ${named.join(' and ')}`);
  const outside = templateIds.find((_id, i) => groups[i] === undefined);
  if (outside !== undefined) throw invalidParameter(`the templates of one task come from one template group: template ${outside} is not in group ${named[0]}`);
}
