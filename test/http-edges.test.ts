// What the HTTP server does at its edges, seen from a raw socket: pipelining, parser errors, keep-alive.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, PROJECT, type TestApp } from './helper.js';

let t: TestApp;
let port: number;
let logLines: Array<Record<string, unknown>>;
beforeEach(async () => {
  logLines = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  t = await buildTestApp({ logger: { level: 'info', stream } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
afterEach(() => t.close());

/** Writes `raw` on one connection and reads until the server closes it or `quietMs` pass without a byte. */
function exchange(raw: string | Buffer, quietMs = 400): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let text = '';
    let timer = setTimeout(() => finish(false), quietMs);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    });
    socket.on('close', () => finish(true));
    socket.on('error', reject);
  });
}

/** Splits a stream of HTTP/1.1 answers by their Content-Length: each must be whole, in order. */
function answers(text: string): Array<{ status: number; headers: Record<string, string>; body: string }> {
  const out = [];
  let rest = text;
  while (rest.length > 0) {
    const head = rest.indexOf('\r\n\r\n');
    expect(head, `an answer's head in ${JSON.stringify(rest.slice(0, 200))}`).toBeGreaterThan(0);
    const lines = rest.slice(0, head).split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0]!)?.[1]);
    expect(status, lines[0]).toBeGreaterThan(0);
    const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    out.push({ status, headers, body: rest.slice(head + 4, head + 4 + length) });
    rest = rest.slice(head + 4 + length);
  }
  return out;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: mock\r\n\r\n`;

describe('pipelining', () => {
  it('answers a malformed request only after the answer still owed before it, whole', async () => {
    // The first answer is held back (a fault's delay) while the garbage behind it is already read.
    await t.request.post('/_mock/faults').send({ match: { kind: 'transcodings' }, delay_ms: 150 }).expect(201);
    const { text, closed } = await exchange(get(`/v1/${PROJECT}/transcodings?size=100`) + 'GARBAGE\u0001 /\r\n\r\n', 600);
    const [first, second, ...more] = answers(text);
    expect(more).toEqual([]);
    expect(first!.status).toBe(200);
    expect(JSON.parse(first!.body).total).toBeGreaterThan(0);
    expect(second!.status).toBe(400);
    expect(JSON.parse(second!.body).error_code).toBe('MPC.10202');
    expect(second!.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(closed).toBe(true);
  });

  it.each(['', 'Content-Length: 0\r\n', 'Transfer-Encoding: chunked\r\n'])(
    'keeps the connection open after a body-less DELETE with Content-Type: application/json (%j), as the SDKs send cancels',
    async (framing) => {
      const body = framing.startsWith('Transfer') ? '0\r\n\r\n' : '';
      const cancel = `DELETE /v1/${PROJECT}/transcodings?task_id=1 HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n${framing}\r\n${body}`;
      const { text, closed } = await exchange(cancel + get(`/v1/${PROJECT}/transcodings?task_id=1`));
      const [first, second] = answers(text);
      expect(first!.status).toBe(400);
      expect(first!.headers.connection).toBe('keep-alive');
      expect(second!.status).toBe(200);
      expect(closed).toBe(false);
    },
  );
});

describe('requests the HTTP parser refuses', () => {
  it('get a log line that carries the request id they were answered with', async () => {
    const { text } = await exchange('GET /v1/\u00ff HTTP/1.1\r\nHost: mock\r\n\r\n');
    const [answer] = answers(text);
    expect(answer!.status).toBe(400);
    const id = answer!.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(logLines.filter((l) => l.request_id === id)).toEqual([expect.objectContaining({ level: 30, status: 400 })]);
  });
});

describe('what Node would answer on its own', () => {
  it('answers an Expect other than 100-continue with 417 in the envelope, with a request id and its log line', async () => {
    const { text } = await exchange(`GET /v1/${PROJECT}/transcodings HTTP/1.1\r\nHost: mock\r\nExpect: the-impossible\r\n\r\n`);
    const [answer, ...more] = answers(text);
    expect(more).toEqual([]);
    expect(answer!.status).toBe(417);
    expect(answer!.headers['content-type']).toBe('application/json;charset=UTF-8');
    const id = answer!.headers['x-request-id'];
    expect(JSON.parse(answer!.body)).toEqual({ error_code: 'APIGW.0201', error_msg: 'API request error.', request_id: id });
    expect(logLines.filter((l) => l.request_id === id)).toEqual([expect.objectContaining({ status: 417 })]);
  });

  it('answers CONNECT, a method the API does not have, with 404 APIGW.0101 in the envelope', async () => {
    const { text, closed } = await exchange('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    const [answer] = answers(text);
    expect(answer!.status).toBe(404);
    const id = answer!.headers['x-request-id'];
    expect(JSON.parse(answer!.body)).toMatchObject({ error_code: 'APIGW.0101', request_id: id });
    expect(logLines.filter((l) => l.request_id === id)).toEqual([expect.objectContaining({ status: 404, method: 'CONNECT' })]);
    expect(closed).toBe(true);
  });
});

/** Sends a body of `size` bytes with Node's client, as fast as the server takes it; resolves with the answer. */
function post(path: string, size: number, chunked = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      // A client that has its answer stops sending (Node's own would wait for a drain that never comes).
      res.on('end', () => {
        resolve({ status: res.statusCode!, body });
        req.destroy();
      });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        const piece = sent + chunk.length <= size ? chunk : chunk.subarray(0, size - sent);
        sent += piece.length;
        if (req.destroyed) return;
        if (!req.write(piece)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('limits like the gateway’s', () => {
  const long = (n: number) => 'a'.repeat(n);

  it.each([9_000, 17_000])('answers a request line of about %i bytes with 414 APIGW.0201', async (n) => {
    const { text } = await exchange(get(`/v1/${PROJECT}/transcodings?x=${long(n)}`));
    const [answer] = answers(text);
    expect(answer!.status).toBe(414);
    expect(JSON.parse(answer!.body)).toEqual({ error_code: 'APIGW.0201', error_msg: 'Request URI too large.', request_id: answer!.headers['x-request-id'] });
  });

  it('answers a long project id in the path with 414 too, and a request line just under the limit normally', async () => {
    expect(answers((await exchange(get(`/v1/${long(8200)}/transcodings`))).text)[0]!.status).toBe(414);
    const path = `/v1/${PROJECT}/transcodings?x=`;
    const fits = `${path}${long(8192 - 'GET '.length - ' HTTP/1.1'.length - path.length - 1)}`;
    expect(answers((await exchange(get(fits))).text)[0]!.status).toBe(200);
  });

  it('answers headers over 16 KiB with 494 APIGW.0201', async () => {
    const { text } = await exchange(`GET /v1/${PROJECT}/transcodings HTTP/1.1\r\nHost: mock\r\nX-Big: ${long(17_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 494 Request Header Or Cookie Too Large\r\n/);
    const [answer] = answers(text);
    expect(answer!.status).toBe(494);
    expect(JSON.parse(answer!.body)).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Request headers too large.' });
  });

  it.each([false, true])('answers a body over 12 MB with 413 APIGW.0201, which the client receives whole (chunked: %s)', async (chunked) => {
    const res = await post(`/v1/${PROJECT}/transcodings`, 12 * 1024 * 1024 + 1, chunked);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Request entity too large.' });
  });

  it('reads a body of exactly 12 MB (and judges what it says)', async () => {
    const res = await post(`/v1/${PROJECT}/transcodings`, 12 * 1024 * 1024);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error_code).toBe('MPC.10202');
  });
});

describe('a client that stalls', () => {
  it.each([
    ['in its headers', `GET /v1/${PROJECT}/transcodings HTTP/1.1\r\nHost: mo`],
    ['in its body', `POST /v1/${PROJECT}/transcodings HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inp`],
  ])('%s is answered 408 in the envelope and dropped', async (_when, partial) => {
    await t.close();
    t = await buildTestApp({ requestTimeoutMs: 500 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
    const started = Date.now();
    const { text, closed } = await exchange(partial, 5_000);
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(4_000);
    const [answer] = answers(text);
    expect(answer!.status).toBe(408);
    expect(JSON.parse(answer!.body)).toMatchObject({ error_code: 'APIGW.0201' });
  });
});

describe('shutdown', () => {
  it('answers a request that arrives on an open connection while the mock closes with 503 in the envelope', async () => {
    // The first request is held (a fault's delay), so its connection stays open while the mock starts closing;
    // the second is sent on it only then.
    await t.request.post('/_mock/faults').send({ match: { kind: 'transcodings' }, delay_ms: 300, times: 1 }).expect(201);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(get(`/v1/${PROJECT}/transcodings?task_id=1`)));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => {
        void t.app.close();
        setTimeout(() => socket.write(get(`/v1/${PROJECT}/thumbnails?task_id=1`)), 50);
      }, 100);
      setTimeout(() => socket.destroy(), 2_000);
    });
    const [first, second] = answers(text);
    expect(first!.status).toBe(200);
    expect(second!.status).toBe(503);
    expect(second!.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(JSON.parse(second!.body)).toEqual({ error_code: 'APIGW.0201', error_msg: 'Backend unavailable.', request_id: second!.headers['x-request-id'] });
  });

  it('answers 503 too for a question whose answer is kept to be repeated (src/http/repeat-answers.ts)', async () => {
    const kept = `/v1/${PROJECT}/thumbnails?task_id=1`;
    for (let i = 0; i < 3; i++) await t.request.get(kept).expect(200);
    // The first request on the connection is held by a fault's delay; the rule is gone before the mock closes (while
    // any rule exists, nothing is repeated at all), so the second meets a kept answer.
    await t.request.post('/_mock/faults').send({ match: { kind: 'transcodings' }, delay_ms: 300, times: 1 }).expect(201);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(get(`/v1/${PROJECT}/transcodings?task_id=1`)));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => {
        t.service.faults.clear();
        void t.app.close();
        setTimeout(() => socket.write(get(kept)), 50);
      }, 100);
      setTimeout(() => socket.destroy(), 2_000);
    });
    const [first, second] = answers(text);
    expect(first!.status).toBe(200);
    expect(second!.status).toBe(503);
    expect(JSON.parse(second!.body)).toEqual({ error_code: 'APIGW.0201', error_msg: 'Backend unavailable.', request_id: second!.headers['x-request-id'] });
  });
});

describe('paths that climb out of the docs', () => {
  it.each(['/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json', '/docs/static/..%2f..%2fpackage.json'])(
    'answers %s with 404 APIGW.0101, never a file and never Fastify’s own code',
    async (path) => {
      const { text } = await exchange(get(path));
      const [answer] = answers(text);
      expect(answer!.status).toBe(404);
      expect(JSON.parse(answer!.body)).toMatchObject({ error_code: 'APIGW.0101' });
      expect(answer!.body).not.toMatch(/FST_|"name"\s*:\s*"mpc-mock"/);
    },
  );
});
