// --cors: browsers from the listed origins may call the mock; off by default.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { parseCorsOrigins } from '../src/http/cors.js';
import { buildTestApp, PROJECT, type TestApp } from './helper.js';

let t: TestApp | undefined;
afterEach(() => t?.close());

const APP = 'http://localhost:5173';
const preflight = (app: TestApp, origin: string) =>
  app.request
    .options(`/v1/${PROJECT}/transcodings`)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type, x-sdk-date');

describe('CORS', () => {
  it('is off by default: no Access-Control headers, and a preflight is an unknown method (404)', async () => {
    t = await buildTestApp();
    const res = await t.request.get(`/v1/${PROJECT}/transcodings`).set('Origin', APP).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await preflight(t, APP).expect(404);
    expect(pre.body.error_code).toBe('APIGW.0101');
  });

  it('answers the listed origins, and them only', async () => {
    t = await buildTestApp({ cors: [APP] });
    const ok = await t.request.get(`/v1/${PROJECT}/transcodings`).set('Origin', APP).expect(200);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'X-Request-Id', vary: 'Origin' });
    const other = await t.request.get(`/v1/${PROJECT}/transcodings`).set('Origin', 'https://elsewhere.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // Errors carry the headers too, or the browser hides the envelope from the page.
    const bad = await t.request.get(`/v1/${PROJECT}/transcodings?size=0`).set('Origin', APP).expect(400);
    expect(bad.headers['access-control-allow-origin']).toBe(APP);
  });

  it('answers a preflight from a listed origin with 204 and what it may send; from another, 404', async () => {
    t = await buildTestApp({ cors: [APP] });
    const pre = await preflight(t, APP).expect(204);
    expect(pre.text).toBe('');
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'content-type, x-sdk-date',
    });
    await preflight(t, 'https://elsewhere.example').expect(404);
  });

  it('takes * for any origin', async () => {
    t = await buildTestApp({ cors: ['*'] });
    const res = await t.request.get('/_mock/health').set('Origin', 'https://anything.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('reads --cors and MPC_MOCK_CORS as a comma-separated list', () => {
    expect(parseCorsOrigins(parseConfig(['--cors', `${APP}/, https://b.example`], {}).cors!)).toEqual([APP, 'https://b.example']);
    expect(parseConfig([], { MPC_MOCK_CORS: '*' }).cors).toBe('*');
    expect(parseConfig([], {}).cors).toBeUndefined();
  });
});
