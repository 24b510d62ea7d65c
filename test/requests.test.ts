// SPEC section 1: what every request and every response of the emulated API must do.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { faker } from '@faker-js/faker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { buildTestApp, invalid, PROJECT, type TestApp } from './helper.js';

const notFound = (requestId: string) => ({
  error_code: 'APIGW.0101',
  error_msg: 'The API does not exist or has not been published in the environment',
  request_id: requestId,
});

describe('every request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  describe('project_id in the path', () => {
    it.each(['abc', 'my_project-1', 'A'.repeat(64), PROJECT])('accepts %s', async (project) => {
      await t.request.get(`/v1/${project}/transcodings`).expect(200);
    });

    it.each([
      ['65 characters', 'a'.repeat(65)],
      ['a dot', 'my.project'],
      ['an encoded brace, as the SDK sends when no project id is set', '%7Bproject_id%7D'],
      ['an encoded space', 'my%20project'],
    ])('rejects %s with MPC.10202', async (_what, project) => {
      const res = await t.request.get(`/v1/${project}/thumbnails`).expect(400);
      expect(res.body).toEqual(invalid('project_id must match ^[A-Za-z0-9_-]{1,64}$'));
    });

    it('rejects a project id longer than the router takes with MPC.10202', async () => {
      const res = await t.request.get(`/v1/${'x'.repeat(5000)}/thumbnails`).expect(400);
      expect(res.body).toEqual(invalid('a path parameter is longer than 2048 characters'));
    });

    it('answers a path that is not valid percent-encoding with MPC.10202, not a 5xx', async () => {
      const res = await t.request.get('/v1/%zz/thumbnails').expect(400);
      expect(res.body).toEqual(invalid('the URL path is not valid percent-encoding'));
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('requests exactly as the official SDK sends them', () => {
    const sdkHeaders = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'huaweicloud-usdk-nodejs/3.0; os/linux#6.1#x64 nodejs/v20.20.2 meta/C; app/e2ad320d-ca21-4480-bfb5-08467fa735e0',
      'X-Project-Id': PROJECT,
      'X-Sdk-Date': '20261122T085155Z',
      'x-language': 'en-US',
      'X-Security-Token': 'token',
      Authorization:
        'SDK-HMAC-SHA256 Access=TESTAK, SignedHeaders=content-type;host;x-language;x-project-id;x-sdk-date;x-security-token, Signature=f884db224bee9aa399b862019b7554e3c06d0144e0c38720a4294e9fcbd33ee8',
    };

    it('answers a GET with Content-Type: application/json and no body', async () => {
      const res = await t.request.get(`/v1/${PROJECT}/transcodings?task_id=22123973`).set(sdkHeaders).expect(200);
      expect(res.body.task_array[0].task_id).toBe('22123973');
    });

    it('takes repeated task_id keys in the SDK’s sorted-as-strings order', async () => {
      const res = await t.request
        .get(`/v1/${PROJECT}/transcodings?task_id=22123973&task_id=22124101&task_id=9&status=SUCCEEDED`)
        .set(sdkHeaders)
        .expect(200);
      expect(res.body.task_array.map((x: { task_id: string }) => x.task_id)).toEqual(['22124101', '22123973']);
    });

    it('accepts the project header in the docs’ spelling X-Project_Id, and an unchecked Authorization', async () => {
      await t.request.get(`/v1/${PROJECT}/encryptions`).set({ 'X-Project_Id': PROJECT, Authorization: 'anything' }).expect(200);
      await t.request.get(`/v1/${PROJECT}/encryptions`).set({ 'x-project_id': PROJECT, 'X-Auth-Token': 'token' }).expect(200);
    });

    it('ignores a body sent on a GET', async () => {
      await t.request.get(`/v1/${PROJECT}/thumbnails`).set('Content-Type', 'application/json').send('{not json').expect(200);
    });
  });

  describe('every response', () => {
    it('carries the vendor’s Content-Type and a fresh 32-hex-digit X-Request-Id', async () => {
      const ids = new Set<string>();
      for (const path of ['transcodings', 'thumbnails', 'animated-graphics', 'encryptions', 'asset/thumbnail/details?task_id=1', 'nope']) {
        const res = await t.request.get(`/v1/${PROJECT}/${path}`);
        expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
        ids.add(String(res.headers['x-request-id']));
      }
      expect(ids.size).toBe(6);
    });

    it('never takes the request id from the caller', async () => {
      const res = await t.request.get(`/v1/${PROJECT}/thumbnails`).set('X-Request-Id', 'mine').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('paths and methods that do not exist', () => {
    it.each(['/v1/p/transcoding', '/v1/p/transcodings/extra', '/v2/p/transcodings', '/', '/v1', '/v1/p'])(
      'answers GET %s with 404 APIGW.0101 carrying the request id',
      async (path) => {
        const res = await t.request.get(path).expect(404);
        expect(res.body).toEqual(notFound(String(res.headers['x-request-id'])));
      },
    );

    it.each(['PUT', 'PATCH', 'HEAD', 'OPTIONS'] as const)('answers %s on a list path with 404 APIGW.0101', async (method) => {
      const res = await t.app.inject({ method, url: `/v1/${PROJECT}/transcodings` });
      expect(res.statusCode).toBe(404);
      if (method !== 'HEAD') expect(res.json()).toEqual(notFound(res.headers['x-request-id'] as string));
    });

    it.each(['PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'] as const)('answers %s on the VOD details path with 404 APIGW.0101', async (method) => {
      const res = await t.app.inject({ method, url: `/v1/${PROJECT}/asset/thumbnail/details?task_id=1` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(notFound(res.headers['x-request-id'] as string));
    });
  });

  it.each([
    ['DELETE', `/v1/${PROJECT}/asset/thumbnail/details?task_id=1`, undefined],
    ['DELETE', `/v1/${PROJECT}/nothing`, undefined],
    ['PUT', `/v1/${PROJECT}/thumbnails`, undefined],
    ['OPTIONS', `/v1/${PROJECT}/encryptions`, undefined],
    ['POST', `/v1/${PROJECT}/asset/thumbnail/details`, '{not json'],
  ] as const)('answers %s %s with Content-Type: application/json as 404 APIGW.0101, whatever its body', async (method, url, payload) => {
    const res = await t.app.inject({ method, url, headers: { 'content-type': 'application/json' }, ...(payload ? { payload } : {}) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(notFound(String(res.headers['x-request-id'])));
  });

  it('survives malformed input without a 5xx: a seeded storm of odd query strings', async () => {
    faker.seed(20261123);
    const paths = ['transcodings', 'thumbnails', 'animated-graphics', 'encryptions', 'asset/thumbnail/details'];
    const names = ['task_id', 'status', 'start_time', 'end_time', 'page', 'size', 'offset', 'limit', '__proto__', ''];
    const values = () =>
      faker.helpers.arrayElement([
        faker.string.sample({ min: 0, max: 20 }),
        encodeURIComponent(faker.string.sample({ min: 0, max: 20 })),
        String(faker.number.int({ min: -5, max: 1e15 })),
        '%', '%E0%A4%A', '%00', '\u0000', '1'.repeat(3000), '20230230000000', '99991231235959',
      ]);
    for (let i = 0; i < 400; i++) {
      const query = Array.from({ length: faker.number.int({ min: 0, max: 14 }) }, () => `${faker.helpers.arrayElement(names)}=${values()}`).join('&');
      const url = `/v1/${PROJECT}/${faker.helpers.arrayElement(paths)}?${query}`;
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(500);
      // A request line over 8 KiB is the gateway's 414 (test/http-edges.test.ts), whatever it asks.
      if (url.length + 'GET  HTTP/1.1'.length > 8192) expect(res.json(), url).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Request URI too large.' });
      else expect(['MPC.10202', undefined]).toContain(res.json().error_code);
    }
  });
});

describe('requests that Node’s HTTP parser rejects', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, logLevel: 'silent' });
  });
  afterAll(() => mock.close());

  /** Sends raw bytes and returns the raw answer. */
  const raw = (bytes: Buffer | string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(mock.port, '127.0.0.1', () => socket.end(bytes));
      let answer = '';
      socket.on('data', (d) => (answer += String(d)));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });

  it.each([
    ['a raw non-ASCII byte in the path', Buffer.concat([Buffer.from('GET /v1/'), Buffer.from([0xe4, 0xb8, 0xad]), Buffer.from('/transcodings HTTP/1.1\r\nHost: x\r\n\r\n')]), 'the request is not valid HTTP'],
  ])('answers %s with 400 MPC.10202 in the vendor’s envelope', async (_what, bytes, detail) => {
    const answer = await raw(bytes);
    const [head, body] = answer.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toContain('Content-Type: application/json;charset=UTF-8');
    expect(head).toMatch(/X-Request-Id: [0-9a-f]{32}/);
    expect(JSON.parse(body)).toEqual(invalid(detail));
  });

  it('answers an HTTP/1.1 request without Host like any other, with a request id', async () => {
    const answer = await raw('GET /v1/p/transcodings?size=0 HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/x-request-id: [0-9a-f]{32}/i);
    expect(answer).toContain('size must be an integer from 1 to 100');
  });
});

describe('logging', () => {
  it('writes one line per request, with its id, method, path, status and time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const t = await buildTestApp({ logger: { level: 'info', stream } });
    try {
      const res = await t.request.get(`/v1/${PROJECT}/thumbnails?size=0`).expect(400);
      const id = res.headers['x-request-id'];
      const own = lines.filter((l) => l.request_id === id);
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({ level: 30, msg: 'request', method: 'GET', url: `/v1/${PROJECT}/thumbnails?size=0`, status: 400 });
      expect(typeof own[0]!.ms).toBe('number');
    } finally {
      await t.close();
    }
  });
});

describe('anything unexpected inside the mock', () => {
  it('answers 500 MPC.10050 and writes the cause to the log only', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await buildTestApp({ logger: { level: 'info', stream } });
    try {
      t.store.countTasks = () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed');
      };
      const res = await t.request.get(`/v1/${PROJECT}/transcodings`).expect(500);
      expect(res.body).toEqual({ error_code: 'MPC.10050', error_msg: 'System error. Contact technical support.' });
      expect(res.text).not.toContain('SQLITE');
      const logged = lines.join('');
      expect(logged).toContain('SQLITE_CORRUPT');
      expect(logged).toContain(res.headers['x-request-id']);
      expect(logged).toMatch(/"stack":"Error: SQLITE_CORRUPT[^"]*\\n\s+at /);
    } finally {
      await t.close();
    }
  });
});
