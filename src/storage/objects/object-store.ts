// The object store that tasks read their inputs from and write their outputs to (SPEC 11.1): an S3-compatible
// endpoint, embedded in the mock's process (embedded-store.ts) or an existing one (MinIO, LocalStack's S3, a real
// OBS bucket), reached path-style with signature v4 through the AWS SDK's S3 client. The SDK is loaded only when a
// store is configured: it costs a start without one nothing.
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface ObjectStore {
  /** Where it is, as the start-up line and the health answer say it. */
  readonly endpoint: string;
  readonly mode: 'embedded' | 'external';
  /** The directory an embedded store keeps its objects under, when it was given one. */
  readonly directory?: string;
  listBuckets(): Promise<Array<{ name: string; created: Date }>>;
  /**
   * The objects of a bucket whose key starts with the prefix, by key, all of them or the first `limit`; undefined
   * when there is no such bucket.
   */
  listObjects(bucket: string, prefix?: string, limit?: number): Promise<StoredObject[] | undefined>;
  /** An object's size; undefined when the object (or its bucket) does not exist. */
  head(bucket: string, key: string): Promise<{ size: number } | undefined>;
  put(bucket: string, key: string, body: Buffer | string | Readable, length?: number): Promise<void>;
  get(bucket: string, key: string): Promise<Readable>;
  createBucket(bucket: string): Promise<void>;
  /** Removes an object; one that is not there is no error. */
  remove(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}

export interface S3Settings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** OBS ignores it; MinIO and LocalStack take any region. */
  region?: string;
}

/** What a store's error says is not there, whatever the endpoint calls it: the bucket, the object, or nothing. */
export function missingOf(error: unknown): 'bucket' | 'key' | undefined {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.Code;
  if (name === 'NoSuchBucket') return 'bucket';
  if (name === 'NoSuchKey' || name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return 'key';
  return undefined;
}
const isMissing = (error: unknown) => missingOf(error) !== undefined;

export async function s3ObjectStore(settings: S3Settings, mode: ObjectStore['mode'], extra: { directory?: string; close?: () => Promise<void> } = {}): Promise<ObjectStore> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    endpoint: settings.endpoint,
    region: settings.region ?? 'cn-north-4',
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
    // Checksums only where S3 needs them: a streamed upload otherwise goes out with a checksum trailer, which
    // OBS and the embedded store do not read.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that does not answer fails the call, it does not hold a task for ever.
    maxAttempts: 2,
  });
  return {
    endpoint: settings.endpoint,
    mode,
    ...(extra.directory !== undefined ? { directory: extra.directory } : {}),
    async listBuckets() {
      const answer = await client.send(new s3.ListBucketsCommand({}));
      return (answer.Buckets ?? []).flatMap((b) => (b.Name ? [{ name: b.Name, created: b.CreationDate ?? new Date(0) }] : []));
    },
    async listObjects(bucket, prefix, limit = Infinity) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      try {
        do {
          // S3 lists keys in order, so the first `limit` of the pages are the first `limit` keys.
          const left = limit - objects.length;
          const page = await client.send(
            new s3.ListObjectsV2Command({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}), ...(token ? { ContinuationToken: token } : {}), ...(left < 1000 ? { MaxKeys: left } : {}) }),
          );
          for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
          token = page.IsTruncated && objects.length < limit ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async head(bucket, key) {
      try {
        const answer = await client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: answer.ContentLength ?? 0 };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async put(bucket, key, body, length) {
      await client.send(new s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(length !== undefined ? { ContentLength: length } : {}) }));
    },
    async get(bucket, key) {
      const answer = await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }));
      return answer.Body as Readable;
    },
    async createBucket(bucket) {
      await client.send(new s3.CreateBucketCommand({ Bucket: bucket }));
    },
    async remove(bucket, key) {
      await client.send(new s3.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await extra.close?.();
    },
  };
}
