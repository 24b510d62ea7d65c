// The document and the server cannot drift: every operation has a route, every /v1 route is documented,
// and the served document is the committed one.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_CONTROL_DOCUMENT_PATH, MPC_API_DOCUMENT_PATH } from '../src/contract/openapi.js';
import { fastifyPath } from '../src/http/parameters.js';
import { buildTestApp, testContract, testControlContract, type TestApp } from './helper.js';

describe('the OpenAPI document and the routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('has a route for every operation in the document', () => {
    const routes = new Set(t.app.routeTable.map((r) => `${r.method} ${r.url}`));
    const operations = testContract().operations();
    // Per task kind a list, a create and a cancel (ten kinds), the VOD details list, the notification
    // configuration's three (SPEC 8), remux's retry and record deletion, and the three reads and the record
    // deletion of SPEC 9.2, and the four of a project's transcoding templates of its template groups and of its watermark templates (SPEC 10.1).
    expect(operations.length).toBe(64);
    for (const op of operations) expect(routes, op.operation.operationId).toContain(`${op.method} ${fastifyPath(op.path)}`);
  });

  it('documents every /v1 route', () => {
    const documented = new Set(testContract().operations().map((op) => `${op.method} ${fastifyPath(op.path)}`));
    const v1 = t.app.routeTable.filter((r) => r.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(0);
    for (const r of v1) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`);
  });

  it('serves the committed document as /openapi.json and /openapi.yaml', async () => {
    const committed = parseYaml(readFileSync(MPC_API_DOCUMENT_PATH, 'utf8'));
    const json = await t.request.get('/openapi.json').expect(200);
    expect(json.body).toEqual(committed);
    const yaml = await t.request.get('/openapi.yaml').expect(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parseYaml(yaml.text)).toEqual(committed);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.request.get('/docs/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('has a route for every operation of the control document, and documents every /_mock/ route', () => {
    const routes = new Set(t.app.routeTable.map((r) => `${r.method} ${r.url}`));
    const operations = testControlContract().operations();
    for (const op of operations) expect(routes, op.operation.operationId).toContain(`${op.method} ${fastifyPath(op.path)}`);
    const documented = new Set(operations.map((op) => `${op.method} ${fastifyPath(op.path)}`));
    // The control document itself is served beside the operations it describes.
    const control = t.app.routeTable.filter((r) => r.url.startsWith('/_mock/') && r.url !== '/_mock/openapi.json');
    for (const r of control) expect(documented, `${r.method} ${r.url}`).toContain(`${r.method} ${r.url}`);
  });

  it('serves the committed control document at /_mock/openapi.json', async () => {
    const committed = parseYaml(readFileSync(MOCK_CONTROL_DOCUMENT_PATH, 'utf8'));
    expect((await t.request.get('/_mock/openapi.json').expect(200)).body).toEqual(committed);
  });

  it('answers health checks with GET and HEAD', async () => {
    expect((await t.request.get('/_mock/health').expect(200)).body).toEqual({ status: 'ok', obs: { mode: 'off' } });
    await t.request.head('/_mock/health').expect(200);
  });
});
