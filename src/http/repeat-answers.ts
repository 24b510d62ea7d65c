// Repeat answers (issue 9): a GET to the vendor API asked before, with the store where it was then, is answered
// again with the same bytes from Node's request event: no routing, no hooks, no reply object. What a test
// suite sends most (the same poll every few hundred milliseconds, the same list checked again) then costs less
// than a bare Fastify route (bench/http.bench.ts: Fastify's own path was twice a bare server's CPU per request).
//
// Exact for the reason the domain's answer cache is (src/domain/tasks/answer-cache.ts): a vendor read's answer is a
// function of its URL and the store alone (no vendor read looks at a header), and it is repeated only while
// the store's change counter, after the lifecycle has settled, is what it was when the answer was made.
// Everything the mock does for every request still happens: authentication (SPEC 5: a request it refuses goes to
// Fastify for its 401), a fresh request id (also in a gateway error's body), the journal entry, the log line. Requests that something else may answer differently go the whole
// way through Fastify, and their answers are never kept: any fault rule active, a browser's Origin when
// --cors is on, a body or an Expect header, a request line near the gateway's limit, the mock shutting down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnswerCache } from '../domain/tasks/answer-cache.js';
import { authenticate, type AuthResult, type AuthSettings } from '../domain/auth/auth.js';
import type { Clock } from '../domain/steering/clock.js';
import type { FaultRules } from '../domain/steering/faults.js';
import type { IdSource } from '../domain/ids.js';
import type { Journal } from '../domain/steering/journal.js';
import { requestLineTooLong } from './vendor-envelope.js';
import { authOf, authRequest, isVendorUrl, journalRequest, projectOfUrl } from './vendor-hooks.js';

interface Answer {
  status: number;
  contentType: string;
  /** The body, or the two parts either side of the request id it carries (a gateway error's `request_id`). */
  body: Buffer | string | [string, string];
  /** A route answered (authentication applies), not the gateway's 404 for a path that does not exist. */
  routed: boolean;
}

export interface RepeatAnswersDeps {
  /** The store's change counter, the lifecycle settled first (MpcService.settledVersion): what an answer is kept for. */
  settledVersion: () => number;
  /**
   * The store's change counter as it stands: unchanged from the settled one when the answer is made, nothing was
   * written in between. (Settling again there would move tasks on at the end of a read rather than at the start
   * of the next one.)
   */
  version: () => number;
  faults: FaultRules;
  auth: AuthSettings;
  journal: Journal;
  clock: Clock;
  ids: IdSource;
  /** With --cors, a browser's request (it carries Origin) gets headers of its own: it goes through Fastify. */
  cors: boolean;
  /** The mock is shutting down: every request goes through Fastify, whose 503 it is to send. */
  closing: () => boolean;
}

/** What a request that went through Fastify needs for its answer to be kept. */
interface Pending {
  key: string;
  version: number;
}

export class RepeatAnswers {
  private readonly answers: AnswerCache<Answer>;
  private readonly pending = new WeakMap<IncomingMessage, Pending>();
  /** Writes the request's log line (SPEC 1.5), when the log level has one: set once the app's logger is known. */
  logLine?: (line: { request_id: string; method: string; url: string; status: number; ms: number }) => void;

  constructor(private readonly deps: RepeatAnswersDeps) {
    this.answers = new AnswerCache<Answer>({ version: deps.version }, (a) => 64 + (Array.isArray(a.body) ? a.body[0].length + a.body[1].length : a.body.length));
  }

  /**
   * Answers the request if an answer is kept for it; true if it did. Otherwise notes what a kept answer needs,
   * for `keep` to take it when Fastify has answered.
   */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url!;
    if (req.method !== 'GET' || !isVendorUrl(url) || !this.eligible(req, url)) return false;
    const started = performance.now();
    const version = this.deps.settledVersion();
    const kept = this.answers.lookup(url, version);
    if (kept === undefined) {
      this.pending.set(req, { key: url, version });
      return false;
    }
    let auth: AuthResult | undefined;
    if (kept.routed && this.deps.auth.mode !== 'off') {
      const checked = authenticate(authRequest('GET', url, req.headers, undefined, projectOfUrl(url)), this.deps.auth, this.deps.clock.now());
      // Refused: Fastify answers the 401 and journals why.
      if (checked?.failure) return false;
      auth = checked?.result;
    }
    const id = this.deps.ids.requestId();
    const body = Array.isArray(kept.body) ? kept.body[0] + id + kept.body[1] : kept.body;
    res.writeHead(kept.status, ['content-type', kept.contentType, 'x-request-id', id, 'content-length', String(Buffer.byteLength(body))]);
    res.end(body);
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    journalRequest(this.deps, { id, method: 'GET', url, headers: req.headers }, kept.status, ms, auth ? { auth } : {});
    this.logLine?.({ request_id: id, method: 'GET', url, status: kept.status, ms: Math.round(ms * 100) / 100 });
    return true;
  }

  /** From the last onSend hook: keeps the answer Fastify is about to send, if it may be repeated. */
  keep(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const pending = this.pending.get(request.raw);
    if (pending === undefined) return;
    this.pending.delete(request.raw);
    // A fault rule added while the request was on its way may have answered it, or broken its body; an answer
    // that authentication refused is not the URL's.
    if (this.deps.faults.active() || authOf(request)?.outcome === 'rejected') return;
    const contentType = reply.getHeader('content-type');
    if (typeof contentType !== 'string' || reply.statusCode >= 500) return;
    let body: Answer['body'];
    if (Buffer.isBuffer(payload)) body = payload;
    else if (typeof payload === 'string') {
      const at = payload.indexOf(request.id);
      if (at < 0) body = payload;
      else if (payload.indexOf(request.id, at + 1) < 0) body = [payload.slice(0, at), payload.slice(at + request.id.length)];
      else return;
    } else return;
    this.answers.offer(pending.key, { status: reply.statusCode, contentType, body, routed: !request.is404 }, pending.version);
  }

  private eligible(req: IncomingMessage, url: string): boolean {
    const headers = req.headers;
    return (
      !this.deps.closing() &&
      !this.deps.faults.active() &&
      !requestLineTooLong('GET', url) &&
      headers['content-length'] === undefined &&
      headers['transfer-encoding'] === undefined &&
      headers.expect === undefined &&
      !(this.deps.cors && headers.origin !== undefined)
    );
  }
}

