// SPEC 5: authentication like the real gateway's. The captured SDK requests (test/data/signing-vectors.json, a copy
// of shared/reference/signing-vectors.json: AK TESTAK, SK TESTSK) verify with the clock at their X-Sdk-Date and
// the bad one does not; requests signed here as the Python SDK signs them (mpc-api.md §15) verify too; every
// tampering, an unknown key, a date out of the 15-minute window (both ways), a project mismatch and a key bound to
// other projects answer 401 APIGW.0301 in the gateway's envelope; the journal says who signed and why a request
// failed, and never a secret.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';
import { authenticate, AuthSettings, canonicalQuery, parseSdkDate, type Credentials } from '../src/domain/auth/auth.js';
import { loadAuthSettings } from '../src/server.js';
import { buildTestApp, PROJECT, testControlContract, type TestApp } from './helper.js';
import { pythonSigned } from './python-signer.js';

interface Vector {
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
  set: string;
  verifies: boolean;
}
const VECTORS = JSON.parse(readFileSync('test/data/signing-vectors.json', 'utf8')) as { ak: string; sk: string; requests: Vector[] };
const TEST_CREDENTIALS: Credentials = { access_keys: [{ ak: 'TESTAK', sk: 'TESTSK' }], tokens: ['a-configured-token'] };

/** A vector's headers as Node hands them over: lower-case names. Content-Length and Connection are the transport's. */
function headersOf(v: Vector): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < v.rawHeaders.length; i += 2) {
    const name = v.rawHeaders[i]!.toLowerCase();
    if (name !== 'content-length' && name !== 'connection') headers[name] = v.rawHeaders[i + 1]!;
  }
  return headers;
}
const isoOf = (sdkDate: string) => new Date(parseSdkDate(sdkDate)).toISOString();
/** The project id of a path, the segment after v1 (one vector has a path prefix). */
const projectOf = (path: string) => {
  const segments = path.split('/');
  return decodeURIComponent(segments[segments.indexOf('v1') + 1]!);
};
const apigw = (detail: string) => ({ error_code: 'APIGW.0301', error_msg: `Incorrect IAM authentication information: ${detail}` });

describe('authentication (SPEC 5)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  const verify = (credentials: Credentials = TEST_CREDENTIALS) => t.auth.set({ mode: 'verify', credentials });
  const send = (v: Pick<Vector, 'method' | 'url' | 'body'>, headers: Record<string, string>) =>
    t.app.inject({ method: v.method as 'GET', url: v.url, headers, ...(v.body ? { payload: v.body } : {}) });
  const sendVector = (v: Vector, change: (h: Record<string, string>) => void = () => undefined) => {
    const headers = headersOf(v);
    change(headers);
    return send(v, headers);
  };
  const lastEntry = () => t.service.journal.list().at(-1)!;
  const expect401 = (res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }, detail: string) => {
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ ...apigw(detail), request_id: res.headers['x-request-id'] });
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
  };

  describe('the captured SDK requests', () => {
    const valid = VECTORS.requests.map((v, i) => [i, v] as const).filter(([, v]) => v.verifies);
    const bad = VECTORS.requests.map((v, i) => [i, v] as const).filter(([, v]) => !v.verifies);

    it('has 26 of them, one marked as not verifying', () => {
      expect(valid.length).toBe(25);
      expect(bad.length).toBe(1);
    });

    it.each(valid)('vector %i verifies with the clock at its X-Sdk-Date (the check itself)', (_i, v) => {
      const headers = headersOf(v);
      const [path, query = ''] = v.url.split('?');
      const settings = new AuthSettings('verify', TEST_CREDENTIALS);
      const checked = authenticate({ method: v.method, path: path!, query, headers, body: v.body || undefined, projectId: projectOf(path!) }, settings, parseSdkDate(headers['x-sdk-date']!));
      expect(checked?.failure).toBeUndefined();
      expect(checked?.result).toMatchObject({ mode: 'verify', outcome: 'accepted', access_key: 'TESTAK', credential: 'aksk' });
    });

    it.each(valid.filter(([, v]) => v.url.startsWith('/v1/')))('vector %i is let through over HTTP, and journaled as signed by TESTAK', async (_i, v) => {
      await verify();
      t.clock.freeze(isoOf(headersOf(v)['x-sdk-date']!));
      const res = await sendVector(v);
      expect(res.statusCode).not.toBe(401);
      expect(lastEntry().auth).toEqual({ mode: 'verify', outcome: 'accepted', access_key: 'TESTAK', credential: 'aksk' });
    });

    it.each(bad)('vector %i (signed for //v1/... and sent as /v1/...) answers 401 verify aksk signature fail', async (_i, v) => {
      await verify();
      t.clock.freeze(isoOf(headersOf(v)['x-sdk-date']!));
      expect401(await sendVector(v), 'verify aksk signature fail');
      expect(lastEntry().auth).toMatchObject({ outcome: 'rejected', access_key: 'TESTAK', reason: 'verify aksk signature fail' });
    });
  });

  describe('the Python SDK’s ordering (mpc-api.md §15)', () => {
    const date = '20261125T100000Z';

    it('sends and signs numeric task ids 9, 10, 200 in that order; the mock verifies them as received', async () => {
      await verify();
      const signed = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, params: { task_id: [200, 9, 10], status: ['SUCCEEDED'] }, date });
      expect(signed.query).toBe('status=SUCCEEDED&task_id=9&task_id=10&task_id=200');
      const res = await send({ method: 'GET', url: signed.url, body: '' }, signed.headers);
      expect(res.statusCode).toBe(200);
      expect(lastEntry().auth).toMatchObject({ outcome: 'accepted', access_key: 'TESTAK' });
      // The mock's canonical query keeps that order ...
      expect(canonicalQuery(signed.query)).toBe(signed.query);
      // ... where re-sorting the values as strings (the Node SDK's order) would sign something else, and fail.
      const resorted = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, params: { task_id: [200, 9, 10], status: ['SUCCEEDED'] }, date, signQuery: 'status=SUCCEEDED&task_id=10&task_id=200&task_id=9' });
      expect(resorted.signature).not.toBe(signed.signature);
      expect401(await send({ method: 'GET', url: signed.url, body: '' }, resorted.headers), 'verify aksk signature fail');
    });

    it('verifies escaped values (!\'()* and spaces percent-encoded on the wire) and x-language', async () => {
      await verify();
      const signed = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/animated-graphics`, params: { task_id: ['z(1)*!', 'x y'] }, headers: { 'x-language': 'en-US' }, date });
      expect(signed.query).toBe('task_id=x%20y&task_id=z%281%29%2A%21');
      expect((await send({ method: 'GET', url: signed.url, body: '' }, signed.headers)).statusCode).toBe(200);
    });

    it('verifies a json.dumps body by the bytes received (", " separators, \\u00fc escapes)', async () => {
      await verify();
      const body =
        '{"input": {"bucket": "b", "location": "cn-north-4", "object": "v.mp4"}, "output": {"bucket": "b", "location": "cn-north-4", "object": "out"}, "trans_template_id": [7000523], "user_data": "\\u00fc"}';
      const signed = pythonSigned({ method: 'POST', path: `/v1/${PROJECT}/transcodings`, body, date });
      const res = await send({ method: 'POST', url: signed.url, body }, signed.headers);
      expect(res.statusCode).toBe(202);
    });

    it('verifies a DELETE with Content-Length: 0 and no body (the empty payload hash)', async () => {
      await verify();
      const signed = pythonSigned({ method: 'DELETE', path: `/v1/${PROJECT}/transcodings`, params: { task_id: [424242] }, date });
      const res = await send({ method: 'DELETE', url: signed.url, body: '' }, { ...signed.headers, 'content-length': '0' });
      // No such task: past authentication, the API's own answer.
      expect(res.statusCode).toBe(400);
      expect(lastEntry().auth).toMatchObject({ outcome: 'accepted' });
    });
  });

  describe('a changed request fails', () => {
    const list = VECTORS.requests[0]!; // GET thumbnails, query with repeated ids, x-language signed
    const create = VECTORS.requests[2]!; // POST thumbnails with a body
    beforeEach(async () => {
      await verify();
      t.clock.freeze(isoOf('20261122T085155Z'));
    });

    it('answers the unchanged requests (the control)', async () => {
      expect((await sendVector(list)).statusCode).toBe(200);
      expect((await sendVector(create)).statusCode).toBe(202);
      // Headers the SDK adds after signing are not signed: changing them changes nothing.
      expect((await sendVector(list, (h) => (h['user-agent'] = 'something else'))).statusCode).toBe(200);
    });

    it.each([
      ['the path', { ...list, url: list.url.replace('/thumbnails', '/animated-graphics') }],
      ['a query value', { ...list, url: list.url.replace('status=SUCCEEDED', 'status=PROCESSING') }],
      ['the order of a name’s values', { ...list, url: list.url.replace('task_id=10&task_id=9', 'task_id=9&task_id=10') }],
      ['a body byte', { ...create, body: create.body.replace('b c.mp4', 'b d.mp4') }],
    ])('%s', async (_what, v) => {
      expect401(await sendVector(v), 'verify aksk signature fail');
    });

    it.each([
      ['x-language', 'zh-CN'],
      ['host', '127.0.0.1:39788'],
      ['content-type', 'application/json;charset=UTF-8'],
    ])('a signed header: %s', async (name, value) => {
      expect401(await sendVector(list, (h) => (h[name] = value)), 'verify aksk signature fail');
    });

    it('the signature itself', async () => {
      expect401(await sendVector(list, (h) => (h.authorization = h.authorization!.replace(/Signature=./, 'Signature=0'))), 'verify aksk signature fail');
    });

    it('a header with _ in its name listed as signed (X-Project_Id signed by hand): the gateway never sees it', async () => {
      // Signed consistently by the client, value and all: what a raw client that adds the header itself does.
      const signed = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, headers: { 'x-project_id': PROJECT }, date: '20261122T085155Z' });
      expect(signed.headers.authorization).toContain('x-project_id');
      expect401(await send({ method: 'GET', url: signed.url, body: '' }, signed.headers), 'verify aksk signature fail');
      // The same request without it verifies (the control).
      const plain = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, date: '20261122T085155Z' });
      expect((await send({ method: 'GET', url: plain.url, body: '' }, plain.headers)).statusCode).toBe(200);
    });

    it('an Authorization that is not an SDK-HMAC-SHA256 signature', async () => {
      expect401(await sendVector(list, (h) => (h.authorization = 'Bearer abc')), 'verify aksk signature fail');
    });
  });

  describe('errors', () => {
    const v = VECTORS.requests[1]!; // GET /v1/<PROJECT>/thumbnails, signed at 20261122T085155Z

    it('an unknown access key: ak <AK> not exist', async () => {
      await verify({ access_keys: [{ ak: 'OTHERAK', sk: 'TESTSK' }] });
      t.clock.freeze(isoOf('20261122T085155Z'));
      expect401(await sendVector(v), 'ak TESTAK not exist');
      expect(lastEntry().auth).toEqual({ mode: 'verify', outcome: 'rejected', credential: 'aksk', access_key: 'TESTAK', reason: 'ak TESTAK not exist' });
    });

    it('a secret key that is not the one the request was signed with', async () => {
      await verify({ access_keys: [{ ak: 'TESTAK', sk: 'OTHERSK' }] });
      t.clock.freeze(isoOf('20261122T085155Z'));
      expect401(await sendVector(v), 'verify aksk signature fail');
    });

    it.each([
      ['15 minutes after', '2026-11-22T09:06:55.000Z', 200],
      ['15 minutes and 1 second after', '2026-11-22T09:06:56.000Z', 401],
      ['15 minutes before', '2026-11-22T08:36:55.000Z', 200],
      ['15 minutes and 1 second before', '2026-11-22T08:36:54.000Z', 401],
    ])('X-Sdk-Date %s the mock’s clock (PUT /_mock/clock) answers %i', async (_when, now, status) => {
      await t.request.put('/_mock/auth').send({ mode: 'verify', credentials: TEST_CREDENTIALS }).expect(200);
      await t.request.put('/_mock/clock').send({ frozen: true, now }).expect(200);
      const res = await sendVector(v);
      expect(res.statusCode).toBe(status);
      if (status === 401) {
        const server = now.replace(/[-:]/g, '').replace('.000', '');
        expect401(res, `calc aksk signature fail:signature expired, signature time:20261122T085155Z,server time:${server}`);
      }
    });

    it('a missing or malformed X-Sdk-Date is refused as expired', async () => {
      await verify();
      t.clock.freeze(isoOf('20261122T085155Z'));
      expect401(await sendVector(v, (h) => (h['x-sdk-date'] = '2026-11-22T08:51:55Z')), 'calc aksk signature fail:signature expired, signature time:2026-11-22T08:51:55Z,server time:20261122T085155Z');
    });

    it('an X-Project-Id that differs from the path, in verify and presence', async () => {
      await verify();
      const signed = pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, headers: { 'x-project-id': 'another-project' }, date: '20261125T100000Z' });
      const detail = `the project id another-project in X-Project-Id differs from the project id ${PROJECT} in the URL`;
      expect401(await send({ method: 'GET', url: signed.url, body: '' }, signed.headers), detail);
      expect(lastEntry().auth).toMatchObject({ outcome: 'rejected', access_key: 'TESTAK', reason: detail });
      t.auth.set({ mode: 'presence' });
      expect401(await send({ method: 'GET', url: signed.url, body: '' }, { 'x-auth-token': 't', 'x-project_id': 'another-project' }), detail);
      expect((await send({ method: 'GET', url: signed.url, body: '' }, { 'x-auth-token': 't', 'x-project_id': PROJECT })).statusCode).toBe(200);
    });

    it('a key bound to other projects; bound to this one, it passes', async () => {
      await verify({ access_keys: [{ ak: 'TESTAK', sk: 'TESTSK', projects: ['team-a', 'team-b'] }] });
      t.clock.freeze(isoOf('20261122T085155Z'));
      expect401(await sendVector(v), `ak TESTAK may not access project ${PROJECT}`);
      await verify({ access_keys: [{ ak: 'TESTAK', sk: 'TESTSK', projects: ['team-a', PROJECT] }] });
      expect((await sendVector(v)).statusCode).toBe(200);
    });

    it('presence: no token and no Authorization is x-auth-token not found; either one passes unchecked', async () => {
      t.auth.set({ mode: 'presence' });
      const url = `/v1/${PROJECT}/transcodings`;
      expect401(await send({ method: 'GET', url, body: '' }, {}), 'x-auth-token not found');
      expect(lastEntry().auth).toEqual({ mode: 'presence', outcome: 'rejected', credential: 'none', reason: 'x-auth-token not found' });
      expect((await send({ method: 'GET', url, body: '' }, { 'x-auth-token': 'anything' })).statusCode).toBe(200);
      expect(lastEntry().auth).toEqual({ mode: 'presence', outcome: 'accepted', credential: 'token' });
      expect((await send({ method: 'GET', url, body: '' }, { authorization: 'SDK-HMAC-SHA256 Access=SOMEAK, SignedHeaders=host, Signature=00' })).statusCode).toBe(200);
      expect(lastEntry().auth).toEqual({ mode: 'presence', outcome: 'accepted', credential: 'aksk', access_key: 'SOMEAK' });
      // A create with no credentials: refused before its body is looked at.
      expect401(await t.app.inject({ method: 'POST', url, payload: '{}', headers: { 'content-type': 'application/json' } }), 'x-auth-token not found');
    });

    it('verify: a configured token passes, another is decrypt token fail, none is x-auth-token not found', async () => {
      await verify();
      const url = `/v1/${PROJECT}/thumbnails`;
      expect((await send({ method: 'GET', url, body: '' }, { 'x-auth-token': 'a-configured-token' })).statusCode).toBe(200);
      expect(lastEntry().auth).toEqual({ mode: 'verify', outcome: 'accepted', credential: 'token' });
      expect401(await send({ method: 'GET', url, body: '' }, { 'x-auth-token': 'not-configured' }), 'decrypt token fail');
      expect401(await send({ method: 'GET', url, body: '' }, {}), 'x-auth-token not found');
    });

    it('a path that does not exist is 404 APIGW.0101 whoever asks', async () => {
      await verify();
      const res = await send({ method: 'GET', url: `/v1/${PROJECT}/remuxes`, body: '' }, {});
      expect(res.statusCode).toBe(404);
      expect(res.json().error_code).toBe('APIGW.0101');
    });

    it('off (the default): anything passes, and the journal records no judgement', async () => {
      expect(t.auth.get().mode).toBe('off');
      expect((await sendVector(v, (h) => (h.authorization = 'garbage'))).statusCode).toBe(200);
      expect(lastEntry().auth).toBeUndefined();
    });
  });

  describe('a request sent again', () => {
    const date = '20261125T100000Z';
    const signed = () => pythonSigned({ method: 'GET', path: `/v1/${PROJECT}/transcodings`, params: { task_id: [22123973] }, date });

    it('verifies again, and a change to it still fails after it verified', async () => {
      await verify();
      const s = signed();
      for (let i = 0; i < 3; i++) expect((await send({ method: 'GET', url: s.url, body: '' }, s.headers)).statusCode).toBe(200);
      expect401(await send({ method: 'GET', url: s.url.replace('22123973', '22123974'), body: '' }, s.headers), 'verify aksk signature fail');
      expect401(await send({ method: 'GET', url: s.url, body: '' }, { ...s.headers, 'x-project-id': 'another' }), 'verify aksk signature fail');
      expect401(await send({ method: 'GET', url: s.url, body: '' }, { ...s.headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' }), 'verify aksk signature fail');
      // The clock is checked every time: the same request, 15 minutes and a second later, has expired.
      t.clock.advance(15 * 60 + 1);
      expect401(
        await send({ method: 'GET', url: s.url, body: '' }, s.headers),
        `calc aksk signature fail:signature expired, signature time:${date},server time:20261125T101501Z`,
      );
    });

    it('is checked against the credentials in force: a changed secret key refuses what it accepted', async () => {
      await verify();
      const s = signed();
      expect((await send({ method: 'GET', url: s.url, body: '' }, s.headers)).statusCode).toBe(200);
      await verify({ access_keys: [{ ak: 'TESTAK', sk: 'ANOTHERSK' }] });
      expect401(await send({ method: 'GET', url: s.url, body: '' }, s.headers), 'verify aksk signature fail');
      // And a key bound to other projects is refused, however it verified before.
      await verify({ access_keys: [{ ak: 'TESTAK', sk: 'TESTSK', projects: ['elsewhere'] }] });
      expect401(await send({ method: 'GET', url: s.url, body: '' }, s.headers), `ak TESTAK may not access project ${PROJECT}`);
    });
  });

  describe('the journal and secrets', () => {
    it('records the access key and the reason, with the canonical request the mock signed; no secret anywhere', async () => {
      await verify();
      const v = VECTORS.requests[19]!; // signs X-Security-Token
      const headers = headersOf(v);
      t.clock.freeze(isoOf(headers['x-sdk-date']!));
      expect((await sendVector(v)).statusCode).toBe(200);
      expect401(await sendVector({ ...v, url: v.url.replace('page=0', 'page=1') }), 'verify aksk signature fail');
      const entry = lastEntry();
      expect(entry.auth).toMatchObject({ mode: 'verify', outcome: 'rejected', credential: 'aksk', access_key: 'TESTAK', reason: 'verify aksk signature fail' });
      expect(entry.auth!.canonical_request).toContain(`GET\n/v1/${PROJECT}/thumbnails/\npage=1\n`);
      expect(entry.auth!.canonical_request).toContain('x-security-token:[redacted]\n');
      expect(entry.headers.authorization).toBe('[redacted]');
      const signature = /Signature=(\w+)/.exec(headers.authorization!)![1]!;
      const journal = (await t.request.get('/_mock/requests').expect(200)).text;
      expect(journal).toContain('"access_key":"TESTAK"');
      for (const secret of ['TESTSK', headers['x-security-token']!, signature, 'a-configured-token']) expect(journal).not.toContain(secret);
    });
  });

  describe('the control plane', () => {
    it('GET and PUT /_mock/auth: the settings without a secret key or a token', async () => {
      const set = await t.request.put('/_mock/auth').send({ mode: 'verify', credentials: { access_keys: [{ ak: 'AK1', sk: 'SECRET1', projects: ['p1'] }], tokens: ['TOKEN1'] } }).expect(200);
      expect(set.body).toEqual({ mode: 'verify', access_keys: [{ ak: 'AK1', projects: ['p1'] }], tokens: 1 });
      const got = await t.request.get('/_mock/auth').expect(200);
      expect(got.body).toEqual(set.body);
      expect(got.text).not.toMatch(/SECRET1|TOKEN1/);
      // The mode alone leaves the credentials as they are.
      expect((await t.request.put('/_mock/auth').send({ mode: 'presence' }).expect(200)).body.access_keys).toEqual([{ ak: 'AK1', projects: ['p1'] }]);
    });

    it.each([
      [{ mode: 'sometimes' }, 'mode must be one of off, presence, verify'],
      [{ credentials: { access_keys: [{ ak: 'AK1' }] } }, 'sk'],
      [{ credentials: { tokens: [''] } }, 'tokens'],
    ])('refuses %j with 400 MPC.10202 naming the field', async (body, field) => {
      const res = await t.request.put('/_mock/auth').send(body).expect(400);
      expect(res.body.error_code).toBe('MPC.10202');
      expect(res.body.error_msg).toContain(field);
      expect(t.auth.get().mode).toBe('off');
    });

    it('refuses an access key given twice, and changes nothing', async () => {
      const res = await t.request
        .put('/_mock/auth')
        .send({ mode: 'verify', credentials: { access_keys: [{ ak: 'AK1', sk: 'a' }, { ak: 'AK1', sk: 'b' }] } })
        .expect(400);
      expect(res.body).toEqual({ error_code: 'MPC.10202', error_msg: 'Invalid request parameter, credentials.access_keys.1.ak AK1 is given twice.' });
      expect(t.auth.get()).toEqual({ mode: 'off', access_keys: [], tokens: 0 });
    });

    it('is never subject to the API’s auth mode, and a reset of everything goes back to the settings at start', async () => {
      await verify();
      await t.request.get('/_mock/clock').expect(200);
      await t.request.get('/_mock/requests').expect(200);
      await t.request.post('/_mock/reset').send({}).expect(200);
      expect(t.auth.get().mode).toBe('off');
    });

    it('keeps its own token in verify mode; that token is no credential for the API', async () => {
      const guarded = await buildTestApp({ controlPlane: { enabled: true, token: 'control-secret' } });
      try {
        await guarded.request.put('/_mock/auth').set('Authorization', 'Bearer control-secret').send({ mode: 'verify', credentials: TEST_CREDENTIALS }).expect(200);
        expect((await guarded.request.get('/_mock/requests').expect(401)).body.error_code).toBe('MOCK.0401');
        await guarded.request.get('/_mock/requests').set('Authorization', 'Bearer control-secret').expect(200);
        const api = await guarded.request.get(`/v1/${PROJECT}/transcodings`).set('Authorization', 'Bearer control-secret').expect(401);
        expect(api.body).toMatchObject(apigw('verify aksk signature fail'));
      } finally {
        await guarded.close();
      }
    });
  });

  describe('configuration', () => {
    it('reads --auth and MPC_MOCK_AUTH (default off), and refuses another mode', () => {
      expect(parseConfig([]).auth).toBe('off');
      expect(parseConfig(['--auth', 'verify']).auth).toBe('verify');
      expect(parseConfig([], { MPC_MOCK_AUTH: 'presence' }).auth).toBe('presence');
      expect(() => parseConfig(['--auth', 'on'])).toThrow(new ConfigError('--auth: "on" is not one of off, presence, verify'));
    });

    it('reads a --credentials file in SPEC 5.1’s format, and names the field of a bad one without quoting secrets', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mpc-credentials-'));
      const file = join(dir, 'credentials.json');
      writeFileSync(file, JSON.stringify({ access_keys: [{ ak: 'TESTAK', sk: 'TESTSK', projects: [PROJECT] }], tokens: ['tok'] }));
      const settings = loadAuthSettings('verify', file, testControlContract());
      expect(settings.view()).toEqual({ mode: 'verify', access_keys: [{ ak: 'TESTAK', projects: [PROJECT] }], tokens: 1 });
      writeFileSync(file, JSON.stringify({ access_keys: [{ ak: 'TESTAK', secret: 'TESTSK' }] }));
      expect(() => loadAuthSettings('verify', file, testControlContract())).toThrow(/^--credentials .*: Invalid request parameter, credentials\.access_keys\.0\.sk is required\.$/);
      writeFileSync(file, '{"access_keys": [{"ak": "TESTAK", "sk": "VERYSECRET"');
      expect(() => loadAuthSettings('verify', file, testControlContract())).toThrow(new ConfigError(`--credentials ${file}: the file is not valid JSON`));
    });
  });
});
