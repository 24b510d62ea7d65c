// The account and storage operations (SPEC 9.3, reference mpc-api-templates.md section 7): a project's OBS buckets
// and their objects, bucket authorisation, agency authorisation and service activation. Their settings are one
// document per project, kept with the template families (so a scoped reset, an export, an import and a file store
// carry them as they carry templates). Until an object store is configured (SPEC 11), the buckets and objects are
// those the project's tasks name, plus the buckets its settings declare.
import type { components } from '../../contract/mpc-api.generated.js';
import type { TemplateStore } from '../../storage/templates/template-store-types.js';
import type { TaskDocument } from '../tasks/task-kinds.js';
import { joined } from '../tasks/task-documents.js';
import type { ObjectStore } from '../../storage/objects/object-store.js';
import { formatMpcTime } from '../mpc-time.js';
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
 * Where a project's buckets and objects come from (SPEC 9.3): the object store when one is configured, else the
 * tasks' documents. Times are `yyyymmddhhmmss`; an unknown bucket's objects are undefined.
 */
export interface BucketSource {
  buckets(projectId: string): Promise<Array<{ bucket: string; created: string }>>;
  objects(projectId: string, bucket: string, prefix: string | undefined): Promise<ObsObject[] | undefined>;
  /** Whether the project's declared buckets (the `account` fixture) count: only while no store says which exist. */
  readonly declares: boolean;
}

/** The buckets and objects the project's tasks name. */
export function taskBuckets(tasks: NamedObjects): BucketSource {
  return {
    declares: true,
    buckets: async (projectId) => tasks.bucketsNamed(projectId).map((b) => ({ bucket: b.bucket, created: b.first })),
    async objects(projectId, bucket, prefix) {
      const objects = new Map<string, ObsObject>();
      for (const doc of tasks.documentsNaming(projectId, bucket)) {
        for (const o of objectsNamed(doc)) {
          if (o.bucket !== bucket || (prefix !== undefined && !o.key.startsWith(prefix))) continue;
          // A later task that names the object again wrote or read it later.
          // Deviation: without an object store the mock knows no object's bytes: every size is 0.
          objects.set(o.key, { file_name: o.key, size: 0, last_modified: o.time });
        }
      }
      return [...objects.values()];
    },
  };
}

/** 406 MPC.10210 for a store that failed: never a 5xx from the vendor API for a store problem (SPEC 11.2). */
export const storeFailed = () => new VendorError(406, 'MPC.10210', 'Failed to obtain the input file from OBS.', 'mpc');

const byName = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * ListAllBuckets: the source's buckets (and, without a store, the declared ones), by name. A bucket reads
 * authorised until UpdateBucketAuthorized says otherwise: its tasks used it, or its owner made it for them.
 */
export async function listBuckets(store: TemplateStore, source: BucketSource, projectId: string): Promise<ObsBucket[]> {
  const buckets = new Map<string, ObsBucket>();
  for (const b of await source.buckets(projectId)) buckets.set(b.bucket, { bucket: b.bucket, creation_date: b.created, is_authorized: 1 });
  for (const b of settingsOf(store, projectId).buckets ?? []) {
    const found = buckets.get(b.bucket);
    if (found) found.is_authorized = b.is_authorized;
    else if (source.declares) buckets.set(b.bucket, { ...b });
  }
  return [...buckets.values()].sort(byName((b) => b.bucket));
}

/**
 * UpdateBucketAuthorized: `operation` "1" grants, "0" revokes (the vendor's example sends a number; both are taken).
 * Deviation: the mock runs tasks on any bucket whatever this says.
 */
export async function authorizeBucket(store: TemplateStore, source: BucketSource, projectId: string, body: { bucket: string; operation: string | number }): Promise<() => void> {
  const known = (await listBuckets(store, source, projectId)).find((b) => b.bucket === body.bucket);
  if (!known) throw unknownBucket(403);
  // The write is handed back, to run in one transaction with what it read being current.
  return () => {
    const settings = settingsOf(store, projectId);
    const others = (settings.buckets ?? []).filter((b) => b.bucket !== body.bucket);
    save(store, projectId, { ...settings, buckets: [...others, { ...known, is_authorized: Number(body.operation) === 1 ? 1 : 0 }] });
  };
}

/**
 * ListAllObsObjList: the objects of one of the project's buckets whose key starts with `prefix`, by key.
 * Deviation: `type` filters nothing (no values are documented).
 */
export async function listObjects(store: TemplateStore, source: BucketSource, projectId: string, q: { bucket: string; prefix?: string }): Promise<ObsObject[]> {
  const objects = await source.objects(projectId, q.bucket, q.prefix);
  if (objects === undefined || (objects.length === 0 && !(await listBuckets(store, source, projectId)).some((b) => b.bucket === q.bucket))) throw unknownBucket(400);
  return objects.sort(byName((o) => o.file_name));
}

/** The file names a finished task reports in its output folder, whichever its kind calls them. */
function outputNames(doc: Record<string, unknown>): string[] {
  const names: unknown[] = [];
  const add = (v: unknown) => (Array.isArray(v) ? names.push(...v) : names.push(v));
  add(doc.output_file_name);
  add(doc.output_filename);
  if (Array.isArray(doc.output_file_info)) for (const f of doc.output_file_info as Array<{ output_file_name?: unknown }>) add(f.output_file_name);
  // A snapshot task's pictures.
  if (Array.isArray(doc.thumbnail_info)) for (const p of doc.thumbnail_info as Array<{ pic_name?: unknown }>) add(p.pic_name);
  return names.filter((n): n is string => typeof n === 'string' && n !== '');
}


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
      if (key === 'output') {
        // A file the output names itself (a GIF's, a remux's, an extraction's), else the files the task reports.
        const names = typeof o.file_name === 'string' && o.file_name !== '' ? [o.file_name] : outputNames(doc);
        for (const name of names) found.push({ bucket: o.bucket, key: joined(o.object, name), time: ended });
      }
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

/** The object store's buckets and objects, with their real sizes and times (SPEC 9.3, 11.1). */
export function storeBuckets(objects: ObjectStore): BucketSource {
  const failed = (error: unknown): never => {
    throw Object.assign(storeFailed(), { cause: error });
  };
  return {
    declares: false,
    buckets: async () => (await objects.listBuckets().catch(failed)).map((b) => ({ bucket: b.name, created: formatMpcTime(b.created) })),
    async objects(_projectId, bucket, prefix) {
      const found = await objects.listObjects(bucket, prefix).catch(failed);
      return found?.map((o) => ({ file_name: o.key, size: o.size, last_modified: formatMpcTime(o.lastModified) }));
    },
  };
}
