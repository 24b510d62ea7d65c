// What the control plane asks of every request to the vendor API, through the domain: a fault rule may
// answer it instead (SPEC 6.3), and the journal records it (SPEC 6.4). The vendor routes know nothing of
// either; these hooks see only the request's facts (method, path, project, kind, task id).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { FaultAction, FaultRules, RequestFacts } from '../domain/faults.js';
import { redactHeaders, type Journal, type JournalEntry } from '../domain/journal.js';
import { taskKindByPath } from '../domain/task-kinds.js';
import { parseQueryString } from './parameters.js';
import { journaledBody, rawBodyOf } from './request-body.js';
import { JSON_CONTENT_TYPE } from './vendor-envelope.js';

interface Observed {
  facts: RequestFacts;
  query: Record<string, string[]>;
  fault?: FaultAction;
}

const observed = new WeakMap<FastifyRequest, Observed>();
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The facts of a vendor request from its URL alone: /v1/{project_id}/{kind path}?task_id=... */
function factsOf(request: FastifyRequest): Observed {
  const [pathPart = '', queryPart = ''] = request.url.split('?', 2);
  const segments = pathPart.split('/');
  let path = pathPart;
  let project: string | undefined;
  try {
    path = decodeURIComponent(pathPart);
    project = segments[2] ? decodeURIComponent(segments[2]) : undefined;
  } catch {
    // A path that is not valid percent-encoding is journaled as it came.
  }
  const query = parseQueryString(queryPart);
  const ids = query.task_id;
  return {
    facts: {
      method: request.method,
      path,
      project_id: project,
      kind: segments.length === 4 ? taskKindByPath(segments[3]!)?.path : undefined,
      task_id: ids?.length === 1 ? ids[0] : undefined,
    },
    query,
  };
}

/** The fault rule that answered (or broke) a request, if one did: what it sends is the rule's, not the API's. */
export function faultOf(request: FastifyRequest): string | undefined {
  return observed.get(request)?.fault?.ruleId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerVendorHooks(app: FastifyInstance, deps: { faults: FaultRules; journal: Journal; clock: Clock }): void {
  const isVendor = (request: FastifyRequest) => request.url.startsWith('/v1/');

  const record = (request: FastifyRequest, status: number, extra: Partial<JournalEntry> = {}) => {
    const seen = observed.get(request);
    if (!seen) return;
    const { facts } = seen;
    const entry: JournalEntry = {
      request_id: request.id,
      time: new Date(deps.clock.now()).toISOString(),
      method: facts.method,
      path: facts.path,
      query: seen.query,
      status,
      duration_ms: 0,
      ...(facts.project_id !== undefined ? { project_id: facts.project_id } : {}),
      ...(facts.kind !== undefined ? { kind: facts.kind } : {}),
      ...(facts.task_id !== undefined ? { task_id: facts.task_id } : {}),
      headers: redactHeaders(request.headers),
      ...(seen.fault ? { fault: seen.fault.ruleId } : {}),
      ...extra,
    };
    if (WRITES.has(request.method)) {
      const raw = rawBodyOf(request);
      if (raw !== undefined && raw !== '') entry.body = journaledBody(raw);
    }
    deps.journal.record(entry);
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!isVendor(request)) return;
    const seen = factsOf(request);
    observed.set(request, seen);
    const action = deps.faults.decide(seen.facts, request.id);
    if (!action) return;
    seen.fault = action;
    if (action.delayMs > 0) await sleep(action.delayMs);
    if (action.drop) {
      // No answer at all: the connection closes under the client, as a broken network does.
      record(request, 0);
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    if (action.response) {
      return reply.code(action.response.status).headers(action.response.headers).type(JSON_CONTENT_TYPE).send(action.response.body as object);
    }
    return undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const seen = observed.get(request);
    if (!seen) return payload;
    // A created task's id is known once it is answered.
    if (request.method === 'POST' && seen.facts.kind && reply.statusCode < 300 && typeof payload === 'string') {
      try {
        const id = (JSON.parse(payload) as { task_id?: unknown }).task_id;
        if (id !== undefined) seen.facts.task_id = String(id);
      } catch {
        // not JSON: nothing to learn
      }
    }
    // A broken body: the answer's JSON cut short, with a length that matches what is sent.
    if (seen.fault?.brokenBody && typeof payload === 'string' && payload.length > 1) return payload.slice(0, Math.floor(payload.length / 2));
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    record(request, reply.statusCode, { duration_ms: Math.round(reply.elapsedTime * 1000) / 1000 });
  });
}
