// What the object store holds, for the control plane (GET /_mock/objects) and the dashboard: each bucket with
// the objects that match, and the URL an S3 or OBS client reads each from. The vendor API's own listings
// (ListAllBuckets, ListAllObsObjList) are per project and in the vendor's shapes (account.ts); this one is the
// store as a test sees it, whatever project wrote it.
import type { ObjectStore } from '../../storage/objects/object-store.js';
import { storeFailed } from '../account/account.js';
import { mockNotFound } from '../vendor-errors.js';

export interface ObjectListingQuery {
  bucket?: string;
  prefix?: string;
  limit?: number;
}

export interface ObjectListing {
  obs: ObsPlace;
  buckets: Array<{ bucket: string; created: string; objects: Array<{ key: string; size: number; last_modified: string; url: string }> }>;
  truncated: boolean;
}

export type ObsPlace = { mode: 'off' } | { mode: ObjectStore['mode']; endpoint: string; directory?: string };

export const DEFAULT_LISTING_LIMIT = 1000;

/** Where the store is, as health and the listing say it. */
export const obsPlace = (objects: ObjectStore | undefined): ObsPlace =>
  objects ? { mode: objects.mode, endpoint: objects.endpoint, ...(objects.directory !== undefined ? { directory: objects.directory } : {}) } : { mode: 'off' };

/** Path-style, as clients address an object: each segment of the key encoded, its slashes kept. */
export const objectUrl = (endpoint: string, bucket: string, key: string) =>
  `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * The store's buckets (or the one asked for) with their objects by key, at most `limit` objects in all. A store
 * that fails is 406 MPC.10210 with the store's error as the cause, for the log; an unknown bucket a 404.
 */
export async function listStoreObjects(objects: ObjectStore | undefined, query: ObjectListingQuery): Promise<ObjectListing> {
  const obs = obsPlace(objects);
  if (!objects) {
    if (query.bucket !== undefined) throw mockNotFound(`Bucket ${query.bucket} (the mock runs with --obs off)`);
    return { obs, buckets: [], truncated: false };
  }
  const failed = (error: unknown): never => {
    throw Object.assign(storeFailed(), { cause: error });
  };
  const all = await objects.listBuckets().catch(failed);
  const buckets = query.bucket === undefined ? all : all.filter((b) => b.name === query.bucket);
  if (query.bucket !== undefined && buckets.length === 0) throw mockNotFound(`Bucket ${query.bucket}`);
  buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let left = query.limit ?? DEFAULT_LISTING_LIMIT;
  let truncated = false;
  const listing: ObjectListing['buckets'] = [];
  for (const b of buckets) {
    // One more than is left tells whether more matched; once that is known, a later bucket is not read.
    const found = truncated ? [] : ((await objects.listObjects(b.name, query.prefix, left + 1).catch(failed)) ?? []);
    if (found.length > left) truncated = true;
    const kept = found.slice(0, left);
    left -= kept.length;
    listing.push({
      bucket: b.name,
      created: b.created.toISOString(),
      objects: kept.map((o) => ({ key: o.key, size: o.size, last_modified: o.lastModified.toISOString(), url: objectUrl(objects.endpoint, b.name, o.key) })),
    });
  }
  return { obs, buckets: listing, truncated };
}
