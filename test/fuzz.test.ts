// Issue 10, "Nothing breaks it": property tests over every operation of both documents (SPEC 1.5, 1.6: "No input,
// however malformed, may produce a 5xx, hang, or crash the process"). Each case is one request: the operation's
// path with its parameters drawn valid or hostile and the path itself twisted (`..`, doubled slashes, bad
// percent-encoding, unicode, lengths past every limit), a query from the operation's own parameter schemas with
// hostile, repeated and empty values, a body drawn from the operation's request schema and mutated, or not JSON,
// or nested thousands deep, or megabytes long, and odd or duplicated headers. A third of the cases go over a real
// socket, written byte by byte as given, so that Node's HTTP parser sees them (app.inject would tidy a `..` away);
// the rest through app.inject. Every answer must be below 500, arrive within PER_REQUEST_MS, carry
// `Content-Type: application/json;charset=UTF-8` (but a 204) and a fresh 32-hex X-Request-Id, put every 4xx in the
// envelope (an APIGW one with its request_id), and every 2xx must match the document (the helper's response check,
// read after each case here so that fast-check can shrink a failure to its smallest request).
//
// Each test's seed is in its name: the base seed (FC_SEED=<n> overrides it, 20261125 by default) plus the test's
// place in this file. FC_RUNS=<n> sets the cases per operation (the catch-all path test runs four times as many).
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundOperation, Contract, OpenApiDocument, ParameterObject } from '../src/contract/openapi.js';
import { httpSender, type DeliverySender } from '../src/domain/notifications/deliveries.js';
import { TASK_KINDS } from '../src/domain/tasks/task-kinds.js';
import { CREATE_BODIES } from './create-bodies.js';
import { HOSTILE_STRINGS, parameterValue, schemaArbitrary, weirdValue } from './fuzz-arbitraries.js';
import { startReceiver, type Receiver } from './smn-receiver.js';
import { buildTestApp, defaultFixtures, FIXTURE_PROJECT, PROJECT, testContract, testControlContract, type TestApp } from './helper.js';
import { violations } from './response-validation.js';

const SEED = Number(process.env.FC_SEED ?? 20261125);
const RUNS = Number(process.env.FC_RUNS ?? 50);
/** Far beyond any answer's time on a loaded CI machine: a request still unanswered then is a hang. */
const PER_REQUEST_MS = 15_000;
const JSON_TYPE = 'application/json;charset=UTF-8';

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD, as a browser would. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

interface FuzzCase {
  /** inject: through app.inject; socket: the bytes below on a real connection. */
  mode: 'inject' | 'socket';
  method: string;
  /** The request target as sent: path (twisted and encoded as drawn) and query. */
  target: string;
  headers: Array<[string, string]>;
  body: string | undefined;
  /** Socket only: the body sent chunked rather than with Content-Length. */
  chunked: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let t: TestApp;
let receiver: Receiver;
let port: number;
const requestIds = new Set<string>();
const counts = { inject: 0, socket: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  // Requests/wait and faults act on the journal; time:1 as the CLI's default lets created tasks move.
  // Deliveries go to the test's own receiver only: a drawn subscription's endpoint is never sent to.
  receiver = await startReceiver();
  const send: DeliverySender = (endpoint, headers, body) => (endpoint === receiver.url ? httpSender(endpoint, headers, body) : Promise.reject(new Error('not sent by the fuzz test')));
  t = await buildTestApp({ lifecycle: 'time:1', deliveries: { send } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
  // A delivery wait whose body reads as `{}` waits for any one delivery: the confirmation of one subscription
  // to a local receiver is that delivery, so such a wait is answered at once (as waitForRequests' is, below).
  t.service.deliveries.subscribe('urn:smn:cn-north-4:fuzz:events', receiver.url);
  await t.service.deliveries.drain(5000);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
  const statuses = [...counts.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  console.log(`fuzz (seed ${SEED}): ${counts.inject + counts.socket} requests, ${counts.inject} injected, ${counts.socket} over a socket; ${statuses.join(', ')}`);
});

// ---------------------------------------------------------------------------------------------------------------
// Sending

/** One request over a fresh connection, written as given; resolves with the first final answer. */
function overSocket(c: FuzzCase): Promise<Answer> {
  const lines = [`${c.method} ${c.target} HTTP/1.1`, 'Host: 127.0.0.1', ...c.headers.map(([k, v]) => `${k}: ${v}`)];
  const body = c.body === undefined ? undefined : Buffer.from(c.body, 'utf8');
  if (body !== undefined) lines.push(c.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`);
  if (!c.headers.some(([k]) => k.toLowerCase() === 'connection')) lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  const payload =
    body === undefined
      ? head
      : c.chunked
        ? Buffer.concat([head, body.length > 0 ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : Buffer.alloc(0), Buffer.from('0\r\n\r\n')])
        : Buffer.concat([head, body]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload, () => undefined));
    let received = Buffer.alloc(0);
    let settled = false;
    const done = (error: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer!);
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${PER_REQUEST_MS} ms (a hang)`)), PER_REQUEST_MS);
    const tryParse = () => {
      const answer = firstFinalAnswer(received, c.method);
      if (answer) done(undefined, answer);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    });
    socket.on('end', () => done(new Error(`connection closed without a whole answer: ${JSON.stringify(received.toString('latin1').slice(0, 300))}`)));
    // The server may close while the client still writes (an answer before the whole body); what it sent counts.
    socket.on('error', (error) => {
      tryParse();
      done(new Error(`socket error without a whole answer: ${error.message}: ${JSON.stringify(received.toString('latin1').slice(0, 300))}`));
    });
  });
}

/** The first non-1xx answer in `data` once it is whole (Content-Length or chunked), else undefined. */
function firstFinalAnswer(data: Buffer, method: string): Answer | undefined {
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) return undefined;
    const lines = rest.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0]!)?.[1]);
    if (!(status > 0)) throw new Error(`not an HTTP answer: ${JSON.stringify(lines[0])}`);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const after = rest.subarray(headEnd + 4);
    if (status < 200) {
      rest = after;
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304) return { status, headers, body: '' };
    if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      // A stream (GET /_mock/events) never ends: its first chunk is the answer.
      const stream = headers['content-type']?.startsWith('text/event-stream');
      let at = 0;
      for (;;) {
        const sizeEnd = after.indexOf('\r\n', at);
        if (sizeEnd === -1) return undefined;
        const size = parseInt(after.subarray(at, sizeEnd).toString('latin1'), 16);
        if (after.length < sizeEnd + 2 + size + 2) return undefined;
        if (size === 0) return { status, headers, body: Buffer.concat(chunks).toString('utf8') };
        chunks.push(after.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        if (stream) return { status, headers, body: Buffer.concat(chunks).toString('utf8') };
        at = sizeEnd + 2 + size + 2;
      }
    }
    const length = Number(headers['content-length'] ?? NaN);
    if (!Number.isInteger(length)) throw new Error(`an answer with neither Content-Length nor chunked: ${lines.join(' | ')}`);
    if (after.length < length) return undefined;
    return { status, headers, body: after.subarray(0, length).toString('utf8') };
  }
}

async function viaInject(c: FuzzCase): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [k, v] of c.headers) headers[k.toLowerCase()] = v;
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    t.app.inject({ method: c.method as 'GET', url: c.target, headers, ...(c.body !== undefined ? { payload: c.body } : {}) }),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PER_REQUEST_MS} ms (a hang)`)), PER_REQUEST_MS))),
  ]).finally(() => clearTimeout(timer));
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: res.statusCode, headers: flat, body: res.body };
}

/** What every answer must be, whatever was asked (SPEC 1.5, 1.6). Throws, so that fast-check shrinks. */
function checkAnswer(c: FuzzCase, a: Answer): void {
  const where = `${c.mode} ${c.method} ${c.target.slice(0, 200)} -> ${a.status} ${a.body.slice(0, 300)}`;
  expect(a.status, where).toBeLessThan(500);
  const id = a.headers['x-request-id'];
  expect(id, `X-Request-Id: ${where}`).toMatch(/^[0-9a-f]{32}$/);
  expect(requestIds.has(id!), `X-Request-Id ${id} answered twice: ${where}`).toBe(false);
  requestIds.add(id!);
  if (a.status === 200 && a.headers['content-type'] === 'application/x-pem-file') {
    // The one answer that is not JSON, as documented: the signing certificate (SPEC 8).
    // The path as the router reads it: dot segments resolved, percent-encoding decoded.
    expect(decodeURIComponent(new URL(c.target, 'http://mock').pathname), `only the certificate is PEM: ${where}`).toBe('/_mock/smn/signing-cert.pem');
    expect(a.body).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(violations.splice(0), `the document: ${where}`).toEqual([]);
    return;
  }
  if (a.status === 200 && a.headers['content-type']?.startsWith('text/event-stream')) {
    // The one stream, as documented: the event stream (SPEC 12.1), read up to its first message.
    expect(decodeURIComponent(new URL(c.target, 'http://mock').pathname), `only the events are a stream: ${where}`).toBe('/_mock/events');
    expect(a.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(a.body).toMatch(/^retry: 2000\n\n/);
    expect(violations.splice(0), `the document: ${where}`).toEqual([]);
    return;
  }
  if (a.status === 204) {
    expect(a.body, `a 204 has no body: ${where}`).toBe('');
  } else {
    expect(a.headers['content-type'], `Content-Type: ${where}`).toBe(JSON_TYPE);
  }
  if (c.method !== 'HEAD' && a.status !== 204) {
    let body: unknown;
    expect(() => (body = JSON.parse(a.body)), `body is JSON: ${where}`).not.toThrow();
    expect(typeof body === 'object' && body !== null && !Array.isArray(body), `body is a JSON object: ${where}`).toBe(true);
    if (a.status >= 400) {
      const error = body as Record<string, unknown>;
      expect(typeof error.error_code === 'string' && typeof error.error_msg === 'string', `the envelope: ${where}`).toBe(true);
      if (String(error.error_code).startsWith('APIGW.')) expect(error.request_id, `APIGW request_id: ${where}`).toBe(id);
    }
  }
  // The helper's check of the answer against the document (2xx bodies, documented statuses, headers).
  const found = violations.splice(0);
  expect(found, `the document: ${where}`).toEqual([]);
  counts[c.mode]++;
  counts.byStatus.set(a.status, (counts.byStatus.get(a.status) ?? 0) + 1);
}

async function run(c: FuzzCase, operationId?: string): Promise<void> {
  // A wait whose body reads as `{}` (none, blank, or every field unknown and dropped) waits for any one request,
  // for its default 10 s: with one request in the journal it is answered at once, as a wait for what has
  // already happened is. (Waits drawn with a timeout get one of at most 20 ms, see schemaBodyFor.)
  if (operationId === 'waitForRequests') await t.app.inject({ method: 'GET', url: `/v1/${PROJECT}/transcodings?task_id=1` });
  // Likewise a delivery wait: an earlier case (a reset, a subscription's removal) may have emptied the delivery
  // journal, and each `{}` wait then sat out its 10 s (60 s of this file's 61).
  if (operationId === 'waitForDeliveries' && !t.service.deliveries.list().some((e) => e.outcome === 'delivered')) {
    t.service.deliveries.subscribe('urn:smn:cn-north-4:fuzz:events', receiver.url);
    await t.service.deliveries.drain(5000);
  }
  const answer = c.mode === 'socket' ? await overSocket(c) : await viaInject(c);
  checkAnswer(c, answer);
  // A fault rule that was accepted would answer later cases with its own status (a 5xx on purpose, a drop, a
  // delay): it is removed at once. Cases run one at a time, so none ever fires.
  if (operationId === 'addFault' || (c.method === 'POST' && c.target.toLowerCase().startsWith('/_mock/faults'))) {
    await t.app.inject({ method: 'DELETE', url: '/_mock/faults' });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing requests

/** Path segments as they go on the wire: tricks with dots, slashes, percent-encoding, unicode and length. */
const TRICKY_SEGMENTS = [
  '',
  '.',
  '..',
  '%2e%2e',
  '%2E',
  '%2f',
  '..%2f..%2f..',
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '%20',
  '+',
  ';',
  'a;b=c',
  '*',
  '~',
  '\\',
  'a/b',
  encodeURIComponent('日本'),
  encodeURIComponent('🎬'),
  encodeURIComponent("' OR 1=1 --"),
  'a'.repeat(65),
  'a'.repeat(2049),
  'a'.repeat(9000),
];
/** Raw bytes outside ASCII: only a socket sends them as they are. */
const RAW_SEGMENTS = ['日本', 'ÿ', 'é', '🎬', 'a b', 'a"b', 'a<b>', 'a{b}', 'a|b', 'a`b', 'a^b'];

const tricky = (mode: FuzzCase['mode']) => (mode === 'socket' ? fc.constantFrom(...TRICKY_SEGMENTS, ...RAW_SEGMENTS) : fc.constantFrom(...TRICKY_SEGMENTS));

/** A valid value for a path parameter, encoded. */
function validSegment(document: OpenApiDocument, p: ParameterObject): fc.Arbitrary<string> {
  const ids = defaultFixtures().tasks.map((s) => s.task.task_id);
  switch (p.name) {
    case 'project_id':
      return fc.oneof(fc.constantFrom(PROJECT, FIXTURE_PROJECT, 'p1', 'fuzz'), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/));
    case 'task_id':
      return fc.oneof(fc.constantFrom(...ids.slice(0, 20)), fc.integer({ min: 1, max: 2 ** 40 }).map(String));
    case 'kind':
      return fc.constantFrom(...TASK_KINDS.map((k) => k.path));
    case 'id':
      return fc.oneof(fc.constant('f-1'), fc.integer({ min: 0, max: 99 }).map((n) => `f-${n}`));
    default:
      return schemaArbitrary(document, p.schema as Record<string, unknown>, { mutate: false, extraFields: false }).map((v) => encode(String(v)));
  }
}

/** Twists applied to a whole path: what routers, proxies and path normalisers disagree on. */
const PATH_TWISTS: Array<(path: string) => string> = [
  (p) => p,
  (p) => `${p}/`,
  (p) => p.replace('/', '//'),
  (p) => p.replace(/\/([^/]*)$/, '//$1'),
  (p) => p.replace(/^\/([^/]+)/, '/$1/.'),
  (p) => p.replace(/^\/([^/]+)/, '/$1/x/..'),
  (p) => p.replace(/^\/v1\//, '/V1/').replace(/^\/_mock\//, '/_MOCK/'),
  (p) => p.replace(/^\/v1\//, '/%76%31/').replace(/^\/_mock\//, '/%5Fmock/'),
  (p) => `${p}/extra`,
  (p) => `${p}%`,
  (p) => `${p}#fragment`,
  (p) => p.replace(/\//g, '\\'),
  (p) => `/..${p}`,
];

function pathArbitrary(document: OpenApiDocument, op: BoundOperation, mode: FuzzCase['mode']): fc.Arbitrary<string> {
  const parts = op.path.split('/').map((segment) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name === undefined) return fc.constant(segment);
    const p = op.parameters.find((q) => q.in === 'path' && q.name === name)!;
    return fc.oneof({ weight: 5, arbitrary: validSegment(document, p) }, { weight: 2, arbitrary: tricky(mode) });
  });
  const twist = fc.oneof({ weight: 14, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: PATH_TWISTS.length - 1 }) });
  return fc.tuple(fc.tuple(...parts), twist).map(([segments, i]) => PATH_TWISTS[i]!(segments.join('/')));
}

const UNKNOWN_KEYS = ['unknown', 'size[]', '__proto__', 'constructor', 'toString', '', 'task_id ', 'TASK_ID', 'Size', 'x'.repeat(300), "' OR 1=1 --"];

/** A query string: the operation's own parameters absent, valid, hostile, empty or repeated, and unknown ones. */
function queryArbitrary(document: OpenApiDocument, op: BoundOperation, mode: FuzzCase['mode']): fc.Arbitrary<string> {
  const own = op.parameters.filter((p) => p.in === 'query');
  const value = (p: ParameterObject) => (p.schema.type === 'array' && p.schema.items ? parameterValue(document, p.schema.items) : parameterValue(document, p.schema));
  const entries = own.map((p) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant([] as Array<[string, string]>) },
      { weight: 4, arbitrary: value(p).map((v) => [[p.name, v]] as Array<[string, string]>) },
      { weight: 1, arbitrary: fc.constant([[p.name, '']] as Array<[string, string]>) },
      { weight: 1, arbitrary: fc.array(value(p), { minLength: 2, maxLength: 13 }).map((vs) => vs.map((v) => [p.name, v] as [string, string])) },
    ),
  );
  const unknown = fc.array(fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 }))), { maxLength: 2 });
  // How a pair is written: encoded (as clients do), raw (a socket only), or a key with no `=`.
  const style = fc.oneof(
    { weight: 8, arbitrary: fc.constant('encoded') },
    { weight: mode === 'socket' ? 2 : 0, arbitrary: fc.constant('raw') },
    { weight: 1, arbitrary: fc.constant('bare') },
  );
  const structured = fc
    .tuple(fc.tuple(...entries), unknown, fc.array(style, { minLength: 40, maxLength: 40 }))
    .map(([chosen, extra, styles]) =>
      [...chosen.flat(), ...extra]
        .map(([k, v], i) => {
          const how = styles[i % 40];
          if (how === 'bare') return encode(k);
          return how === 'raw' ? `${k}=${v}` : `${encode(k)}=${encode(v)}`;
        })
        .join('&'),
    );
  const junk = fc.oneof(fc.constantFrom('&&&', '=', '==&=', '&size', '%', '%zz=%zz', 'a=%E0%A4%A', '?', 'a=1&&b=2', ';'), mode === 'socket' ? fc.string({ maxLength: 30 }) : fc.string({ maxLength: 30 }).map(encode));
  return fc.oneof({ weight: 9, arbitrary: structured }, { weight: 1, arbitrary: junk });
}

const INVALID_JSON = ['{', '}', '{"a":}', "{'a': 1}", 'nul', '\ufeff{}', '{"a":1,}', '[1,]', 'NaN', '{"a":1}{"b":2}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '\u0000', '{"a":1e999}', '"unterminated', ' '];

/** Bodies: from the request schema (mutated), not JSON at all, nested deep, huge, or of the wrong type. */
function bodyArbitrary(schemaBody: fc.Arbitrary<unknown> | undefined): fc.Arbitrary<string | undefined> {
  const fromSchema = schemaBody ?? fc.jsonValue({ maxDepth: 3 });
  const json = fromSchema.map((v) => JSON.stringify(v) ?? 'null');
  const invalid = fc.oneof(
    fc.constantFrom(...INVALID_JSON),
    fc.string({ maxLength: 40 }),
    fc.tuple(json, fc.nat()).map(([text, n]) => text.slice(0, n % Math.max(1, text.length))),
  );
  const deep = fc.tuple(fc.constantFrom(63, 64, 65, 1_000, 100_000), fc.boolean()).map(([n, arrays]) => (arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
  const huge = fc.tuple(fc.integer({ min: 100_000, max: 2_000_000 }), fc.boolean()).map(([n, quoted]) =>
    quoted ? JSON.stringify({ ...CREATE_BODIES.transcodings, user_data: 'u'.repeat(n) }) : `[${'1,'.repeat(n / 2)}1]`,
  );
  const wrongType = fc.constantFrom('null', 'true', '0', '-1', '"a string"', '[]', '[{}]', '1e308');
  return fc.oneof(
    { weight: schemaBody ? 10 : 2, arbitrary: json },
    { weight: 2, arbitrary: invalid },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: wrongType },
    { weight: schemaBody ? 1 : 8, arbitrary: fc.constant(undefined) },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  'application/jsonx',
  '',
  ';',
];

const printable = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** Extra headers: what the SDKs send, garbled; attacker-chosen request ids; odd Accept and encodings. */
function headersArbitrary(mode: FuzzCase['mode'], hasBody: boolean): fc.Arbitrary<Array<[string, string]>> {
  const hostile = fc.constantFrom(...HOSTILE_STRINGS.filter((s) => !/[\r\n]/.test(s) && (mode === 'socket' || printable(s))));
  const options: Array<fc.Arbitrary<[string, string]>> = [
    fc.tuple(fc.constantFrom('X-Project-Id', 'X-Project_Id', 'x-project-id'), fc.oneof(fc.constantFrom(PROJECT, 'other-project', ''), hostile)),
    fc.tuple(fc.constant('Authorization'), fc.oneof(fc.constantFrom('SDK-HMAC-SHA256 Access=TESTAK, SignedHeaders=host;x-sdk-date, Signature=00', 'Bearer x', '', 'Basic Og=='), hostile)),
    fc.tuple(fc.constant('X-Sdk-Date'), fc.constantFrom('20261125T100000Z', 'yesterday', '')),
    fc.tuple(fc.constant('X-Auth-Token'), fc.oneof(fc.constant('t'), hostile)),
    fc.tuple(fc.constant('X-Request-Id'), fc.constantFrom('not-yours', '0'.repeat(32))),
    fc.tuple(fc.constant('Accept'), fc.constantFrom('*/*', 'text/html', 'application/xml', 'application/json;q=0')),
    fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip, deflate, br', 'identity;q=0', '*')),
    fc.tuple(fc.constant('x-language'), fc.constantFrom('en-us', 'zh-cn', 'xx')),
    fc.tuple(fc.constant('User-Agent'), fc.oneof(fc.constant('huaweicloud-usdk-nodejs/3.0'), hostile)),
    fc.tuple(fc.constantFrom('X-Forwarded-For', 'Forwarded', 'X-Original-URL', 'X-HTTP-Method-Override'), fc.constantFrom('127.0.0.1', 'DELETE', '/_mock/reset')),
  ];
  if (mode === 'socket') {
    options.push(
      fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue')),
      fc.tuple(fc.constant('Cookie'), fc.constantFrom('a=b; c=d', 'x'.repeat(4000))),
      fc.tuple(fc.constant('X-Big'), fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'b'.repeat(n))),
    );
  }
  const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  const typeHeader = hasBody
    ? fc.oneof({ weight: 9, arbitrary: contentType.map((v) => [['Content-Type', v]] as Array<[string, string]>) }, { weight: 1, arbitrary: fc.constant([]) })
    : fc.oneof(fc.constant([] as Array<[string, string]>), fc.constant([['Content-Type', 'application/json']] as Array<[string, string]>));
  // Socket only: the same header twice, with the same or another value; an Upgrade Node has no listener for.
  const duplicates =
    mode === 'socket'
      ? fc.oneof(
          { weight: 6, arbitrary: fc.constant([] as Array<[string, string]>) },
          { weight: 1, arbitrary: fc.tuple(contentType).map(([v]) => [['Content-Type', v]] as Array<[string, string]>) },
          { weight: 1, arbitrary: fc.constant([['Host', 'evil.example']] as Array<[string, string]>) },
          { weight: 1, arbitrary: fc.constant([['X-Project-Id', PROJECT], ['X-Project-Id', 'other']] as Array<[string, string]>) },
          {
            weight: 1,
            arbitrary: fc.constant([
              ['Connection', 'Upgrade'],
              ['Upgrade', 'websocket'],
            ] as Array<[string, string]>),
          },
        )
      : fc.constant([] as Array<[string, string]>);
  return fc.tuple(typeHeader, fc.subarray(options.map((o, i) => ({ o, i })), { maxLength: 3 }), fc.tuple(...options), duplicates).map(([type, chosen, values, dup]) => [
    ...type,
    ...chosen.map(({ i }) => values[i]!),
    ...dup,
  ]);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Methods only a socket sends: Node's parser knows some, not others, and no route has them. */
const RAW_METHODS = ['TRACE', 'PROPFIND', 'PURGE', 'FOO', 'get', 'M-SEARCH', 'SEARCH'];

const document = (c: Contract) => c.document;

/** The body a schema describes, with the operation-specific help that gets more cases past validation. */
function schemaBodyFor(contract: Contract, op: BoundOperation): fc.Arbitrary<unknown> | undefined {
  const schema = op.operation.requestBody?.content?.['application/json']?.schema as Record<string, unknown> | undefined;
  if (!schema) return undefined;
  const mutated = { mutate: true, extraFields: true };
  const vendor = testContract().document;
  // Tasks for the control plane in the vendor's own task schemas (its document says only "a task document"),
  // and the default fixtures' tasks under new ids, which load.
  const taskOf = (kind: (typeof TASK_KINDS)[number]) =>
    fc.oneof(
      schemaArbitrary(vendor, { $ref: `#/components/schemas/${kind.taskSchema}` }, mutated),
      fc
        .tuple(fc.constantFrom(...defaultFixtures().tasks.filter((s) => s.kind === kind.name)), fc.integer({ min: 1, max: 2 ** 40 }))
        .map(([s, id]) => ({ ...s.task, task_id: String(id) })),
    );
  switch (op.operation.operationId) {
    case 'addTasks':
      return fc.record(
        {
          project_id: fc.oneof(fc.constantFrom('fuzz', PROJECT), fc.constantFrom(...HOSTILE_STRINGS)),
          ...Object.fromEntries(TASK_KINDS.map((k) => [k.path, fc.array(taskOf(k), { maxLength: 3 })])),
          thumbnail_details: schemaArbitrary(document(contract), { type: 'array', items: { $ref: '#/components/schemas/FixtureThumbnailDetails' }, maxItems: 2 }, mutated),
        },
        { requiredKeys: [] },
      );
    case 'updateTask':
      return fc.oneof(
        ...TASK_KINDS.map((k) => {
          const full = vendor.components.schemas[k.taskSchema] as Record<string, unknown>;
          return schemaArbitrary(vendor, { ...full, required: [] }, mutated);
        }),
        fc.constant({ user_data: 'patched' }),
        fc.constant({ status: null }),
      );
    case 'waitForRequests':
    case 'waitForDeliveries':
      // A wait that the schema allows may last 300 s by design: its timeout is kept short here, or made invalid.
      return fc
        .tuple(schemaArbitrary(document(contract), schema, mutated), fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: weirdValue }))
        .map(([body, timeout]) => (typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, timeout_ms: timeout } : body));
    default:
      return schemaArbitrary(document(contract), schema, mutated);
  }
}

function caseArbitrary(contract: Contract, op: BoundOperation): fc.Arbitrary<FuzzCase> {
  const schemaBody = schemaBodyFor(contract, op);
  const forMode = (mode: FuzzCase['mode']) => {
    const method =
      mode === 'socket'
        ? fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_METHODS) })
        : fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });
    return fc
      .tuple(method, pathArbitrary(document(contract), op, mode), queryArbitrary(document(contract), op, mode), bodyArbitrary(schemaBody), fc.boolean(), fc.boolean())
      .chain(([m, path, query, body, withQuery, chunked]) =>
        headersArbitrary(mode, body !== undefined).map(
          (headers): FuzzCase => ({
            mode,
            method: m,
            target: query !== '' || withQuery ? `${path}?${query}` : path,
            headers,
            // HEAD and GET bodies are sent too: Node and Fastify must still answer.
            body,
            chunked: mode === 'socket' && chunked && body !== undefined,
          }),
        ),
      );
  };
  // A stream that is answered never ends, which app.inject waits for: the event stream goes over a socket.
  if (op.operation.operationId === 'streamEvents') return forMode('socket');
  return fc.oneof({ weight: 2, arbitrary: forMode('inject') }, { weight: 1, arbitrary: forMode('socket') });
}

/** Any method on any path: not an operation's, made of unicode, web paths, dots and percent signs. */
const anyPathCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom<FuzzCase['mode']>('inject', 'socket', 'socket'),
    fc.constantFrom(...METHODS, ...RAW_METHODS),
    fc.oneof(
      fc.webPath(),
      fc.array(fc.oneof(fc.constantFrom('v1', '_mock', PROJECT, 'transcodings', 'asset', 'thumbnail', 'details', 'tasks', 'faults', '..', '.', '', '%2e%2e', '%2f'), fc.string({ maxLength: 6 }).map(encode)), { maxLength: 7 }).map((s) => `/${s.join('/')}`),
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => `/${s}`),
      fc.constantFrom('*', '/', '//', '/..', '/%', 'http://127.0.0.1/v1/p/transcodings', '/v1/p/transcodings/..%2f..%2f_mock%2freset', '/openapi.json/..', '/docs/../_mock/health'),
    ),
    fc.oneof(fc.constant(undefined), fc.constantFrom('{}', '{', 'x'.repeat(100))),
  )
  .map(([mode, method, path, body]) => {
    const raw = mode === 'socket';
    // Over a socket, the path goes as it is (spaces and all, the parser judges); injected, it must be a URL.
    const target = raw ? path : `/${encode(path.replace(/^\//, '')).replace(/%2F/g, '/').replace(/%25([0-9A-Fa-f]{2})/g, '%$1')}`;
    return { mode: raw || RAW_METHODS.includes(method) ? 'socket' : 'inject', method, target, headers: body ? [['Content-Type', 'application/json']] : [], body, chunked: false } as FuzzCase;
  });

// ---------------------------------------------------------------------------------------------------------------

// Each property gets a seed of its own (the base seed plus its place), named in its title: with one seed for all,
// every operation drew the very same choices. `FC_SEED=<base> npx vitest run test/fuzz.test.ts -t '<title>'`
// replays one test.
let place = 0;
const seedFor = () => SEED + place++;

for (const [name, contract] of [
  ['the vendor API (openapi/mpc-api.yaml)', testContract()],
  ['the control plane (openapi/mock-control.yaml)', testControlContract()],
] as const) {
  describe(`fuzz: every operation of ${name}`, () => {
    for (const op of contract.operations()) {
      const seed = seedFor();
      it(`${op.method} ${op.path} (${op.operation.operationId}): no 5xx, no hang, the envelope and the document; seed ${seed}, ${RUNS} cases`, async () => {
        await fc.assert(
          fc.asyncProperty(caseArbitrary(contract, op), (c) => run(c, op.operation.operationId)),
          { seed, numRuns: RUNS, endOnFailure: false },
        );
      }, 120_000);
    }
  });
}

describe('fuzz: any method on any path', () => {
  const seed = seedFor();
  it(`answers in the envelope, never 5xx; seed ${seed}, ${RUNS * 4} cases`, async () => {
    await fc.assert(fc.asyncProperty(anyPathCase, (c) => run(c)), { seed, numRuns: RUNS * 4, endOnFailure: false });
  }, 120_000);
});
