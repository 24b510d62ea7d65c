// The account and storage operations (SPEC 9.3, reference mpc-api-templates.md section 7): a project's OBS buckets
// and their objects, bucket authorisation, agency authorisation and service activation. Their settings are one
// document per project, kept with the template families (so a scoped reset, an export, an import and a file store
// carry them as they carry templates). Until an object store is configured (SPEC 11), the buckets and objects are
// those the project's tasks name, plus the buckets its settings declare.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import type { TaskDocument } from '../tasks/task-kinds.js';
import { invalidParameter, VendorError } from '../vendor-errors.js';

type Schemas = components['schemas'];
export type ObsBucket = Schemas['ObsBucket'];
export type ObsObject = Schemas['ObsObject'];
export type AgencyState = Schemas['ShowAgenciesTaskResponse']['operate_type'];
export type TenantAccess = Schemas['ShowTenantAccessInfoResponse'];

/** A project's account settings, as the store keeps them and a fixture file of a project carries them (`account`). */
export interface AccountSettings {
  /** Agency authorisation, CANCELED until CreateAgenciesTask turns it on. */
  operate_type?: AgencyState;
  tenant_access?: TenantAccess;
  /** Buckets the project has beside those its tasks name, and every bucket whose authorisation was set. */
  buckets?: ObsBucket[];
}

/** What the account operations read of the tasks: the task store's two questions. */
export interface NamedObjects {
  bucketsNamed(projectId: string): Array<{ bucket: string; first: string }>;
  documentsNaming(projectId: string, bucket: string): TaskDocument[];
}

const FAMILY = 'account';
const ID = 'account';
// A project that never activated the service runs its tasks all the same: it reads activated.
const DEFAULT_ACCESS: TenantAccess = { is_open: true, agreement_version: 1 };

export const accountEntry = (projectId: string, settings: AccountSettings) => ({ projectId, id: ID, seq: 0, doc: settings });
const settingsOf = (store: TemplateStore, projectId: string) => store.families.get<AccountSettings>(FAMILY, projectId, ID) ?? {};
const save = (store: TemplateStore, projectId: string, settings: AccountSettings) => store.families.put(FAMILY, accountEntry(projectId, settings));

/** MPC.10209 "Invalid input or output OBS path." for a bucket the project does not have (403 or 400, as the vendor's examples show). */
const unknownBucket = (status: 400 | 403) => new VendorError(status, 'MPC.10209', 'Invalid input or output OBS path.', 'mpc');

/**
 * ListAllBuckets: the declared buckets and those the project's tasks name, by name. A bucket a task names was used,
 * so it reads authorised until UpdateBucketAuthorized says otherwise; its creation date is its first task's.
 */
export function listBuckets(store: TemplateStore, tasks: NamedObjects, projectId: string): ObsBucket[] {
  const buckets = new Map<string, ObsBucket>();
  for (const b of tasks.bucketsNamed(projectId)) buckets.set(b.bucket, { bucket: b.bucket, creation_date: b.first, is_authorized: 1 });
  for (const b of settingsOf(store, projectId).buckets ?? []) buckets.set(b.bucket, { ...b });
  return [...buckets.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
}

/**
 * UpdateBucketAuthorized: `operation` "1" grants, "0" revokes (the vendor's example sends a number; both are taken).
 * Deviation: the mock runs tasks on any bucket whatever this says.
 */
export function authorizeBucket(store: TemplateStore, tasks: NamedObjects, projectId: string, body: { bucket: string; operation: string | number }): void {
  const known = listBuckets(store, tasks, projectId).find((b) => b.bucket === body.bucket);
  if (!known) throw unknownBucket(403);
  const settings = settingsOf(store, projectId);
  const others = (settings.buckets ?? []).filter((b) => b.bucket !== body.bucket);
  save(store, projectId, { ...settings, buckets: [...others, { ...known, is_authorized: Number(body.operation) === 1 ? 1 : 0 }] });
}

/**
 * ListAllObsObjList: the objects of one of the project's buckets, by key, those starting with `prefix`: the inputs
 * its tasks read and the files its tasks wrote (an output's folder and the file names the task reports).
 * Deviation: without an object store the mock knows no object's bytes: every size is 0, and `type` filters nothing.
 */
export function listObjects(store: TemplateStore, tasks: NamedObjects, projectId: string, q: { bucket: string; prefix?: string }): ObsObject[] {
  if (!listBuckets(store, tasks, projectId).some((b) => b.bucket === q.bucket)) throw unknownBucket(400);
  const objects = new Map<string, ObsObject>();
  for (const doc of tasks.documentsNaming(projectId, q.bucket)) {
    for (const o of objectsNamed(doc)) {
      if (o.bucket !== q.bucket || (q.prefix !== undefined && !o.key.startsWith(q.prefix))) continue;
      // A later task that names the object again wrote or read it later.
      objects.set(o.key, { file_name: o.key, size: 0, last_modified: o.time });
    }
  }
  return [...objects.values()].sort((a, b) => (a.file_name < b.file_name ? -1 : a.file_name > b.file_name ? 1 : 0));
}

/** The file names a finished task reports beside its output folder, whichever its kind calls them. */
function outputNames(doc: Record<string, unknown>): string[] {
  const names: unknown[] = [];
  const add = (v: unknown) => (Array.isArray(v) ? names.push(...v) : names.push(v));
  add(doc.output_file_name);
  add(doc.output_filename);
  if (Array.isArray(doc.output_file_info)) for (const f of doc.output_file_info as Array<{ output_file_name?: unknown }>) add(f.output_file_name);
  return names.filter((n): n is string => typeof n === 'string' && n !== '');
}

const joinKey = (folder: string, name: string) => (folder === '' || folder.endsWith('/') ? `${folder}${name}` : `${folder}/${name}`);

/** Every OBS object a task document names: each `{bucket, object}` it holds, an output one as the files written there. */
export function objectsNamed(task: TaskDocument): Array<{ bucket: string; key: string; time: string }> {
  const doc = task as unknown as Record<string, unknown>;
  const created = String(doc.create_time);
  const ended = typeof doc.end_time === 'string' && doc.end_time !== '' ? doc.end_time : created;
  const found: Array<{ bucket: string; key: string; time: string }> = [];
  const visit = (node: unknown, key: string) => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, key));
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.bucket === 'string' && typeof o.object === 'string') {
      if (key === 'output') for (const name of outputNames(doc)) found.push({ bucket: o.bucket, key: joinKey(o.object, name), time: ended });
      else if (o.object !== '' && !o.object.endsWith('/')) found.push({ bucket: o.bucket, key: o.object, time: created });
      return;
    }
    for (const [k, v] of Object.entries(o)) visit(v, k);
  };
  visit(doc, '');
  return found;
}

/** ShowAgenciesTask. */
export const agencyState = (store: TemplateStore, projectId: string): { operate_type: AgencyState } => ({ operate_type: settingsOf(store, projectId).operate_type ?? 'CANCELED' });

/** CreateAgenciesTask: turning it on while on is 403 MPC.10223, off while off 400 MPC.10224 (reference 7.4). */
export function setAgency(store: TemplateStore, projectId: string, body: { operate_type: AgencyState }): void {
  const settings = settingsOf(store, projectId);
  const now = settings.operate_type ?? 'CANCELED';
  if (body.operate_type === now) {
    throw now === 'CREATED' ? new VendorError(403, 'MPC.10223', 'An agency has been created.', 'mpc') : new VendorError(400, 'MPC.10224', 'The agency has been deleted.', 'mpc');
  }
  save(store, projectId, { ...settings, operate_type: body.operate_type });
}

/** ShowTenantAccessInfo. */
export const tenantAccess = (store: TemplateStore, projectId: string): TenantAccess => ({ ...DEFAULT_ACCESS, ...settingsOf(store, projectId).tenant_access });

/** UpdateTenantAccessInfo: the fields given replace the project's. */
export function setTenantAccess(store: TemplateStore, projectId: string, body: Partial<TenantAccess>): void {
  const settings = settingsOf(store, projectId);
  save(store, projectId, { ...settings, tenant_access: { ...tenantAccess(store, projectId), ...body } });
}

/** A fixture's or an import's settings: the declared buckets' names once each. */
export function checkAccountSettings(settings: AccountSettings): void {
  const seen = new Set<string>();
  (settings.buckets ?? []).forEach((b, i) => {
    if (seen.has(b.bucket)) throw invalidParameter(`account.buckets[${i}]: bucket ${b.bucket} is given twice`);
    seen.add(b.bucket);
  });
}
