// What the control plane asks of every request to the vendor API, through the domain: a fault rule may
// answer it instead (SPEC 6.3), authentication may refuse it (SPEC 5), and the journal records it (SPEC 6.4).
// The vendor routes know nothing of any; these hooks see only the request's facts (method, path, project,
// kind, task id, and for authentication its headers and received body).
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type AuthRequest, type AuthResult, type AuthSettings } from '../domain/auth/auth.js';
import type { Clock } from '../domain/steering/clock.js';
import type { FaultAction, FaultRules, RequestFacts } from '../domain/steering/faults.js';
import { redactHeaders, type Journal } from '../domain/steering/journal.js';
import { TASK_KINDS, taskKindByUrlPath } from '../domain/tasks/task-kinds.js';
import { parseQueryString } from './parameters.js';
import { journaledBody, rawBodyOf } from './request-body.js';
import { JSON_CONTENT_TYPE, sendVendorError } from './vendor-envelope.js';

interface Observed {
  /** Worked out from the URL only when a fault rule needs them before the answer; else when the journal is read. */
  facts?: RequestFacts;
  fault?: FaultAction;
  /** The id a create answered with. */
  createdId?: string;
  /** How authentication judged the request, when it was on. */
  auth?: AuthResult;
}

const observed = new WeakMap<FastifyRequest, Observed>();

/** The vendor API's paths: `/v1/...`, and ListAllObsObjList's `/v1.0-ext/...` (SPEC 9.3). */
export const isVendorUrl = (url: string) => url.startsWith('/v1/') || url.startsWith('/v1.0-ext/');
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The project id of a vendor URL (`/v1/{project_id}/...`), decoded as the router decodes it; undefined if none. */
export function projectOfUrl(url: string): string | undefined {
  const segment = url.split('?', 1)[0]!.split('/')[2];
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The vendor document's operations, to name a request's operation in the journal and to know the paths that
 * have no project (the workers' callbacks, `PUT /v1/mediabox/tasks/report`: their second segment is a word of
 * the path, not a project id). Set once from the document (app.ts). A path without parameters is tried before
 * one with them, as the router does (`POST /v1/mpe/notification` is the callback, `GET` a project's settings).
 */
interface OperationPattern {
  method: string;
  pattern: RegExp;
  operationId: string;
  projectless: boolean;
  params: number;
}
let operationPatterns: readonly OperationPattern[] = [];
export function useOperations(operations: Iterable<{ method: string; path: string; operation: { operationId: string } }>): void {
  operationPatterns = [...operations]
    .map((op) => ({
      method: op.method,
      pattern: new RegExp(`^${op.path.replace(/[.+^$()|[\]\\?*]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      operationId: op.operation.operationId,
      projectless: !op.path.includes('{project_id}'),
      params: (op.path.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);
}
const operationOf = (method: string, path: string) => operationPatterns.find((o) => o.method === method && o.pattern.test(path));

/** The facts of a vendor request from its URL alone: /v1/{project_id}/{kind path}?task_id=... */
function factsOf(method: string, url: string): { facts: RequestFacts; operation: string | undefined; query: Record<string, string[]> } {
  const [pathPart = '', queryPart = ''] = url.split('?', 2);
  const segments = pathPart.split('/');
  let path = pathPart;
  let project: string | undefined;
  try {
    path = decodeURIComponent(pathPart);
    project = operationOf(method, pathPart)?.projectless ? undefined : projectOfUrl(pathPart);
  } catch {
    // A path that is not valid percent-encoding is journaled as it came.
  }
  const query = parseQueryString(queryPart);
  // The kind is the one whose list path the URL names, or leads to (`remux/task`, `transcodings/detail`).
  const rest = segments.slice(3).join('/');
  const kind = segments.length >= 4 ? (taskKindByUrlPath(rest) ?? TASK_KINDS.find((k) => rest.startsWith(`${k.urlPath}/`))) : undefined;
  const ids = kind?.idParam === 'job_id' ? query.job_id : query.task_id;
  return {
    facts: {
      method,
      path,
      project_id: project,
      kind: kind?.path,
      task_id: ids?.length === 1 ? ids[0] : undefined,
    },
    operation: operationOf(method, pathPart)?.operationId,
    query,
  };
}

/** How authentication judged a request, if it was on and the request reached it. */
export function authOf(request: FastifyRequest): AuthResult | undefined {
  return observed.get(request)?.auth;
}

/** The fault rule that answered (or broke) a request, if one did: what it sends is the rule's, not the API's. */
export function faultOf(request: FastifyRequest): string | undefined {
  return observed.get(request)?.fault?.ruleId;
}

/**
 * Journals one answered request to the vendor API. What the journal keeps is taken now, as plain values (never
 * the request, which holds its socket); the entry is made from them only if it is read.
 */
export function journalRequest(
  deps: { journal: Journal; clock: Clock },
  request: { id: string; method: string; url: string; headers: IncomingHttpHeaders },
  status: number,
  durationMs: number,
  extra: { fault?: string; createdId?: string; body?: unknown; auth?: AuthResult } = {},
): void {
  const { id, method, url, headers } = request;
  const timeMs = deps.clock.now();
  const { fault, createdId, body, auth } = extra;
  deps.journal.record(() => {
    const { facts, operation, query } = factsOf(method, url);
    const taskId = createdId ?? facts.task_id;
    return {
      request_id: id,
      time: new Date(timeMs).toISOString(),
      method,
      path: facts.path,
      query,
      status,
      duration_ms: durationMs,
      ...(facts.project_id !== undefined ? { project_id: facts.project_id } : {}),
      ...(facts.kind !== undefined ? { kind: facts.kind } : {}),
      ...(operation !== undefined ? { operation } : {}),
      ...(taskId !== undefined ? { task_id: taskId } : {}),
      headers: redactHeaders(headers),
      ...(fault !== undefined ? { fault } : {}),
      ...(auth !== undefined ? { auth } : {}),
      ...(body !== undefined ? { body } : {}),
    };
  });
}

/** What authentication looks at: the request as received (path and query still encoded, the body's text). */
export function authRequest(method: string, url: string, headers: IncomingHttpHeaders, body: string | undefined, projectId: string | undefined): AuthRequest {
  const q = url.indexOf('?');
  return {
    method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
    projectId,
  };
}

const authRequestOf = (request: FastifyRequest): AuthRequest =>
  authRequest(request.method, request.url, request.headers, rawBodyOf(request), (request.params as { project_id?: string } | undefined)?.project_id);

export function registerVendorHooks(app: FastifyInstance, deps: { faults: FaultRules; journal: Journal; clock: Clock; auth: AuthSettings }): void {
  const isVendor = (request: FastifyRequest) => isVendorUrl(request.url);

  const record = (request: FastifyRequest, status: number, durationMs: number) => {
    const seen = observed.get(request);
    if (!seen) return;
    let body: unknown;
    if (WRITES.has(request.method)) {
      const raw = rawBodyOf(request);
      if (raw !== undefined && raw !== '') body = journaledBody(raw);
    }
    journalRequest(deps, request, status, durationMs, { fault: seen.fault?.ruleId, createdId: seen.createdId, body, auth: seen.auth });
  };

  // Hooks in callback style: an async hook costs every request a promise and a microtask turn.
  app.addHook('onRequest', (request, reply, done) => {
    if (!isVendor(request)) return done();
    const seen: Observed = {};
    observed.set(request, seen);
    if (!deps.faults.active()) return done();
    seen.facts = factsOf(request.method, request.url).facts;
    const action = deps.faults.decide(seen.facts, request.id);
    if (!action) return done();
    seen.fault = action;
    const act = () => {
      if (action.drop) {
        // No answer at all: the connection closes under the client, as a broken network does.
        record(request, 0, 0);
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      if (action.response) {
        reply.code(action.response.status).headers(action.response.headers).type(JSON_CONTENT_TYPE).send(action.response.body as object);
        return;
      }
      done();
    };
    if (action.delayMs > 0) setTimeout(act, action.delayMs);
    else act();
  });

  // SPEC 5: authentication, once the body is read (verification hashes the bytes received). After the fault
  // rules, which stand for what happens on the way (a rule answers, or drops, whatever the credentials). A path
  // that does not exist is the gateway's 404 whoever asks.
  // Deviation: a body that cannot be read (not JSON, too deep, over 12 MB) is answered before authentication,
  // which needs it read; the gateway would check the credentials first.
  const { auth } = deps;
  app.addHook('preValidation', (request, reply, done) => {
    // Off (the default): one comparison per request, nothing else.
    if (auth.mode === 'off') return done();
    const seen = observed.get(request);
    if (!seen || request.is404) return done();
    const checked = authenticate(authRequestOf(request), auth, deps.clock.now());
    if (checked === undefined) return done();
    seen.auth = checked.result;
    if (checked.failure) return sendVendorError(request, reply, checked.failure);
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const seen = observed.get(request);
    if (!seen) return done(null, payload);
    // A created task's id is known once it is answered.
    if (request.method === 'POST' && reply.statusCode < 300 && typeof payload === 'string') {
      try {
        const answer = JSON.parse(payload) as { task_id?: unknown; job_id?: unknown };
        const id = answer.task_id ?? answer.job_id;
        if (id !== undefined) seen.createdId = String(id);
      } catch {
        // not JSON: nothing to learn
      }
    }
    // Journaled as the answer is handed over (not once it is written: one hook fewer on every request), so a
    // client that has its answer always finds its request in the journal.
    record(request, reply.statusCode, Math.round(reply.elapsedTime * 1000) / 1000);
    // A broken body: the answer's JSON cut short, with a length that matches what is sent.
    if (seen.fault?.brokenBody && (typeof payload === 'string' || Buffer.isBuffer(payload)) && payload.length > 1) {
      return done(null, typeof payload === 'string' ? payload.slice(0, Math.floor(payload.length / 2)) : payload.subarray(0, Math.floor(payload.length / 2)));
    }
    done(null, payload);
  });
}
