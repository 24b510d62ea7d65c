// A start does only what the first answer needs (issue 9): Swagger UI, Ajv, Fastify's schema compilers and
// Node's fetch load when something first needs them. These tests hold behaviour, not time
// (bench/start-up.bench.ts measures that): a fresh start has not loaded them, each loads on first need, and what
// was deferred answers exactly as it did when it was registered at start.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, invalid, PROJECT, testContract, type TestApp } from './helper.js';

// Run in a process of its own, where nothing else has loaded these modules: the CommonJS ones are read from
// require.cache, Node's fetch (undici) from process.moduleLoadList.
const PROBE = `
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { startMpcMock } from './src/server.ts';

const cache = createRequire(process.cwd() + '/').cache;
const WATCHED = {
  'swagger-ui': /node_modules\\/@fastify\\/swagger-ui\\//,
  swagger: /node_modules\\/@fastify\\/swagger\\//,
  static: /node_modules\\/@fastify\\/static\\//,
  // Ajv itself; the precompiled fixture validator uses only its small runtime helpers (ajv/dist/runtime/).
  ajv: /node_modules\\/ajv\\/dist\\/(?!runtime\\/)/,
  'fastify-ajv-compiler': /node_modules\\/@fastify\\/ajv-compiler\\//,
};
const loaded = () => [
  ...Object.entries(WATCHED).filter(([, re]) => Object.keys(cache).some((k) => re.test(k))).map(([name]) => name),
  ...(process.moduleLoadList.some((m) => m.includes('undici')) ? ['fetch'] : []),
];
const mock = await startMpcMock({ port: 0, logLevel: 'silent' });
const call = (method, path, body) =>
  new Promise((resolve, reject) => {
    const req = request(mock.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
const stages = { start: loaded() };
const documents = await call('GET', '/openapi.json');
stages.documents = { status: documents.status, loaded: loaded() };
const created = await call('POST', '/v1/${PROJECT}/transcodings', ${JSON.stringify(CREATE_BODIES.transcodings)});
stages.create = { status: created.status, loaded: loaded() };
const docs = await call('GET', '/docs/');
stages.docs = { status: docs.status, swaggerUi: docs.text.includes('swagger-ui'), loaded: loaded() };
void mock.control;
stages.control = loaded();
await mock.close();
console.log(JSON.stringify(stages));
`;

describe('a start', () => {
  it('loads neither Swagger UI, nor Ajv, nor Fastify’s schema compilers, nor fetch; each loads when first needed', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    // Node 24's own node:http loads undici: there, whether the mock needs fetch cannot be seen this way.
    const httpLoadsUndici = spawnSync(process.execPath, ['--input-type=module', '-e', "import 'node:http'; console.log(process.moduleLoadList.some((m) => m.includes('undici')))"], {
      encoding: 'utf8',
    }).stdout.trim() === 'true';
    const stages = JSON.parse(run.stdout) as {
      start: string[];
      documents: { status: number; loaded: string[] };
      create: { status: number; loaded: string[] };
      docs: { status: number; swaggerUi: boolean; loaded: string[] };
      control: string[];
    };
    if (httpLoadsUndici) {
      const withoutFetch = (list: string[]) => list.filter((name) => name !== 'fetch');
      stages.start = withoutFetch(stages.start);
      stages.documents.loaded = withoutFetch(stages.documents.loaded);
      stages.create.loaded = withoutFetch(stages.create.loaded);
      stages.docs.loaded = withoutFetch(stages.docs.loaded);
    }
    // The default fixtures were checked (by the precompiled validator) and the store seeded, with none of them.
    // (Ajv here most likely means src/contract/fixture-validator.generated.ts is stale: npm run generate:types.)
    expect(stages.start).toEqual([]);
    // The documents are served from the JSON already loaded.
    expect(stages.documents).toEqual({ status: 200, loaded: [] });
    // A create body is checked by Ajv, compiled for it now.
    expect(stages.create).toEqual({ status: 202, loaded: ['ajv'] });
    // Swagger UI is built on its first request, and Fastify's own compilers are still not needed.
    expect(stages.docs.status).toBe(200);
    expect(stages.docs.swaggerUi).toBe(true);
    expect(stages.docs.loaded).toEqual(expect.arrayContaining(['swagger-ui', 'swagger', 'static']));
    expect(stages.docs.loaded).not.toContain('fastify-ajv-compiler');
    expect(stages.docs.loaded).not.toContain('fetch');
    // The typed control client is made when it is first asked for.
    if (!httpLoadsUndici) expect(stages.control).toContain('fetch');
  }, 40_000);
});

describe('Swagger UI, built on its first request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('answers requests that arrive together before it is built, each in full', async () => {
    const fresh = await buildTestApp();
    try {
      const answers = await Promise.all([fresh.request.get('/docs/'), fresh.request.get('/docs/json'), fresh.request.get('/openapi.yaml')]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[0]!.text).toContain('swagger-ui');
      expect(answers[1]!.body).toEqual(testContract().document);
      expect(answers[2]!.headers['content-type']).toMatch(/^application\/yaml/);
    } finally {
      await fresh.close();
    }
  });

  it('serves its files with their headers, answers HEAD and conditional requests, and redirects as it did', async () => {
    const css = await t.request.get('/docs/static/swagger-ui.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const etag = css.headers.etag as string;
    expect(etag).toBeTruthy();
    expect(Number(css.headers['content-length'])).toBe(Buffer.byteLength(css.text));

    const head = await t.request.head('/docs/static/swagger-ui.css').expect(200);
    expect(head.headers['content-length']).toBe(css.headers['content-length']);
    expect(head.text ?? '').toBe('');

    await t.request.get('/docs/static/swagger-ui.css').set('if-none-match', etag).expect(304);

    const redirect = await t.request.get('/docs/static/index.html').expect(302);
    expect(redirect.headers.location).toBe('/docs/');
    expect(redirect.headers['content-type']).toBeUndefined();
  });

  it('answers a file it does not have, or a method it does not take, with the API gateway’s 404', async () => {
    for (const [method, path] of [
      ['get', '/docs/static/no-such-file.js'],
      ['post', '/docs/json'],
      ['head', '/docs/json'],
    ] as const) {
      const res = await t.request[method](path).expect(404);
      if (method !== 'head') expect(res.body).toEqual({ error_code: 'APIGW.0101', error_msg: expect.any(String), request_id: res.headers['x-request-id'] });
    }
  });
});

describe('routes with schemas, should one be added', () => {
  it('are still validated and serialised by Fastify’s own compilers, loaded for them', async () => {
    const t = await buildTestApp({
      beforeReady: (app) =>
        app.get(
          '/_test/schema',
          {
            schema: {
              querystring: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
              response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
            },
          },
          async (request) => ({ n: (request.query as { n: number }).n, dropped: 'by the serializer' }),
        ),
    });
    try {
      expect((await t.request.get('/_test/schema?n=5').expect(200)).body).toEqual({ n: 5 });
      expect((await t.request.get('/_test/schema?n=five').expect(400)).body).toEqual(invalid('the request could not be read (FST_ERR_VALIDATION)'));
    } finally {
      await t.close();
    }
  });
});
