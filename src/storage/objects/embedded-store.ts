// The embedded object store (SPEC 11.1, `--obs embedded`): an S3-compatible server in the mock's own process, built
// on @20minutes/s3rver (a maintained fork of s3rver: it streams objects to and from files, so a 500 MB upload
// does not sit in memory). Huawei's OBS SDK (path-style, which signs v2 against an address) and the AWS S3 SDK
// (signature v4) both upload, list and download against it; the mock reaches it as any client would.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3ObjectStore, type ObjectStore } from './object-store.js';

const require = createRequire(import.meta.url);

export interface EmbeddedStoreOptions {
  port: number;
  host: string;
  /** Where objects are kept across restarts; a temporary directory, removed at close, when absent. */
  directory?: string;
  accessKey: string;
  secretKey: string;
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<ObjectStore> {
  const S3rver = require('@20minutes/s3rver') as typeof import('@20minutes/s3rver');
  // The library's key registry is the process's: every embedded store in one process knows every key given.
  const { DUMMY_ACCOUNT } = require('@20minutes/s3rver/lib/models/account.js') as typeof import('@20minutes/s3rver/lib/models/account.js');
  DUMMY_ACCOUNT.createKeyPair(options.accessKey, options.secretKey);
  const temporary = options.directory === undefined ? await mkdtemp(join(tmpdir(), 'mpc-mock-obs-')) : undefined;
  const server = new S3rver({
    port: options.port,
    address: options.host,
    silent: true,
    directory: options.directory ?? temporary!,
    // Deviation: the embedded store refuses an unknown access key but does not check signatures. The library's
    // check rebuilds a bucket's path without its trailing slash (every SigV4 CreateBucket and ListObjectsV2 fails)
    // and leaves the Date out of a v2 signature (every OBS SDK request fails).
    allowMismatchedSignatures: true,
  });
  // Requests still in flight at close would otherwise log to stderr through a logger without transports.
  server.logger.silent = true;
  const { port } = await server.run();
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return s3ObjectStore({ endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, accessKey: options.accessKey, secretKey: options.secretKey }, 'embedded', {
    ...(options.directory !== undefined ? { directory: options.directory } : {}),
    async close() {
      // A client that holds an unread download would hold the close.
      server.httpServer.closeAllConnections();
      await server.close();
      if (temporary) await rm(temporary, { recursive: true, force: true });
    },
  });
}
