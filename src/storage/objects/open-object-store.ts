// The object store a configuration asks for (SPEC 11.1): none, the embedded one, or an existing endpoint that the
// mock waits for at start (compose starts services in parallel), giving up with one line that says why.
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedStore } from './embedded-store.js';
import { s3ObjectStore, type ObjectStore } from './object-store.js';

export interface ObjectStoreConfig {
  obs: { mode: 'off' } | { mode: 'embedded' } | { mode: 'external'; url: string };
  port: number;
  host: string;
  directory?: string;
  accessKey?: string;
  secretKey?: string;
  /** Seconds to wait for an external store. */
  waitSeconds: number;
}

/** Why the store cannot be used: the start stops with this one line. */
export class ObjectStoreError extends Error {}

const EMBEDDED_ACCESS_KEY = 'mpc-mock';
const EMBEDDED_SECRET_KEY = 'mpc-mock-secret';

/** What an endpoint's refusal or a socket's failure says, in a few words. */
function reason(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return [status !== undefined ? String(status) : undefined, e.code ?? e.name, e.message].filter((x) => x !== undefined && x !== '').join(' ');
}

/** A refusal that waiting will not change: wrong keys, no such method. */
const permanent = (error: unknown) => {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
};

export async function openObjectStore(config: ObjectStoreConfig): Promise<ObjectStore | undefined> {
  const { obs } = config;
  if (obs.mode === 'off') return undefined;
  if (obs.mode === 'embedded') {
    try {
      return await startEmbeddedStore({
        port: config.port,
        host: config.host,
        accessKey: config.accessKey ?? EMBEDDED_ACCESS_KEY,
        secretKey: config.secretKey ?? EMBEDDED_SECRET_KEY,
        ...(config.directory !== undefined ? { directory: config.directory } : {}),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ObjectStoreError(`cannot start the embedded object store on ${config.host}:${config.port}: ${code ?? (error as Error).message}`);
    }
  }
  if (config.accessKey === undefined || config.secretKey === undefined) {
    throw new ObjectStoreError(`--obs ${obs.url} needs --obs-access-key and --obs-secret-key (or MPC_MOCK_OBS_ACCESS_KEY and MPC_MOCK_OBS_SECRET_KEY)`);
  }
  const store = await s3ObjectStore({ endpoint: obs.url, accessKey: config.accessKey, secretKey: config.secretKey }, 'external');
  const deadline = Date.now() + config.waitSeconds * 1000;
  for (;;) {
    try {
      await store.listBuckets();
      return store;
    } catch (error) {
      if (permanent(error) || Date.now() >= deadline) {
        await store.close();
        const waited = permanent(error) ? 'refused' : `did not answer within ${config.waitSeconds} s`;
        throw new ObjectStoreError(`the object store at ${obs.url} ${waited}: ${reason(error)}`);
      }
      await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
    }
  }
}
