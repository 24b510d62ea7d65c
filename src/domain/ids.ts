import { randomUUID } from 'node:crypto';

// Identifier sources are injected so that tests can predict them.
export interface IdSource {
  /** 32 lowercase hex digits, unique per request (SPEC 1.5). */
  requestId(): string;
}

// Deviation: the vendor's docs describe X-Request-Id as request_id(uuid)-timestamp-hostname; the gateway's real
// responses carry 32 hex digits, which is what the mock sends (SPEC 1.5).
// randomUUID draws from a cached pool of entropy: a fraction of the cost of randomBytes(16) on every request.
export const randomIds: IdSource = { requestId: () => randomUUID().replaceAll('-', '') };

/** Predictable request ids for tests: 000…001, 000…002, … */
export function sequentialIds(): IdSource {
  let n = 0;
  return { requestId: () => (++n).toString(16).padStart(32, '0') };
}
