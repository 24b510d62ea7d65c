// SPEC section 3: the VOD snapshot-details query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureSet } from '../src/fixture-format/fixture-files.js';
import { buildTestApp, FIXTURE_PROJECT, invalid, PROJECT, type TestApp } from './helper.js';

const URL_BASE = `/v1/${PROJECT}/asset/thumbnail/details`;
const VOD_TASK = '8f14e45fceea167a5a36dedd4bea2543'; // 25 explicit snapshots in fixtures/thumbnail-details.json

describe('GET /v1/{project_id}/asset/thumbnail/details', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('derives a succeeded snapshot task’s details from its pictures and output location, by offset', async () => {
    const res = await t.request.get(`${URL_BASE}?task_id=7684`).expect(200);
    expect(res.body).toEqual({
      total: 2,
      thumbnail_result: [
        { offset: 5, url: 'https://obs-apitest-01.obs.cn-north-5.myhuaweicloud.com/out_gamma/thumbnails/query_02/5.jpg' },
        { offset: 9, url: 'https://obs-apitest-01.obs.cn-north-5.myhuaweicloud.com/out_gamma/thumbnails/query_02/9.jpg' },
      ],
    });
  });

  it('pages explicit details with the default limit of 20 and the true total', async () => {
    const first = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}`).expect(200);
    expect(first.body.total).toBe(25);
    expect(first.body.thumbnail_result).toHaveLength(20);
    expect(first.body.thumbnail_result[0].offset).toBe(0);
    const rest = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}&offset=20&limit=20`).expect(200);
    expect(rest.body.thumbnail_result.map((x: { offset: number }) => x.offset)).toEqual([200, 210, 220, 230, 240]);
    const one = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}&offset=3&limit=1`).expect(200);
    expect(one.body).toEqual({ total: 25, thumbnail_result: [first.body.thumbnail_result[3]] });
  });

  it('answers an offset past the end with the true total and an empty array', async () => {
    const res = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}&offset=25`).expect(200);
    expect(res.body).toEqual({ total: 25, thumbnail_result: [] });
    const derived = await t.request.get(`${URL_BASE}?task_id=7684&offset=20480`).expect(200);
    expect(derived.body).toEqual({ total: 2, thumbnail_result: [] });
  });

  it.each([
    ['an unknown task id', 'no-such-task'],
    ['a snapshot task that has not succeeded', '7707'],
    ['a failed snapshot task', '7703'],
    ['a transcoding task id', '22123973'],
  ])('answers %s with total 0 and thumbnail_result null, as the vendor’s example', async (_what, id) => {
    const res = await t.request.get(`${URL_BASE}?task_id=${id}`).expect(200);
    expect(res.body).toEqual({ total: 0, thumbnail_result: null });
  });

  it('shows a project’s own snapshot task only to that project', async () => {
    const own = await t.request.get(`/v1/${FIXTURE_PROJECT}/asset/thumbnail/details?task_id=52000002`).expect(200);
    expect(own.body.total).toBe(2);
    const other = await t.request.get(`${URL_BASE}?task_id=52000002`).expect(200);
    expect(other.body).toEqual({ total: 0, thumbnail_result: null });
  });

  it('requires task_id', async () => {
    expect((await t.request.get(URL_BASE).expect(400)).body).toEqual(invalid('task_id is required'));
    expect((await t.request.get(`${URL_BASE}?task_id=`).expect(400)).body).toEqual(invalid('task_id is required'));
    expect((await t.request.get(`${URL_BASE}?task_id=a&task_id=b`).expect(400)).body).toEqual(invalid('task_id must be given only once'));
    expect((await t.request.get(`${URL_BASE}?task_id=${'a'.repeat(1025)}`).expect(400)).body).toEqual(
      invalid('task_id must be 1 to 1024 characters long'),
    );
    await t.request.get(`${URL_BASE}?task_id=${'a'.repeat(1024)}`).expect(200);
  });

  it.each(['-1', '20481', '1.5', '1e2', 'abc', '0x10'])('rejects offset=%s', async (value) => {
    const res = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}&offset=${value}`).expect(400);
    expect(res.body).toEqual(invalid('offset must be an integer from 0 to 20480'));
  });

  it.each(['0', '101', '-1', '2.0', ' 5'])('rejects limit=%s', async (value) => {
    const res = await t.request.get(`${URL_BASE}?task_id=${VOD_TASK}&limit=${encodeURIComponent(value)}`).expect(400);
    expect(res.body).toEqual(invalid('limit must be an integer from 1 to 100'));
  });
});

describe('explicit details beside a snapshot task', () => {
  it('prefer the explicit details, and a project’s own over the shared ones', async () => {
    const fixtures: FixtureSet = {
      templates: [],
      tasks: [
        {
          kind: 'snapshot',
          projectId: null,
          task: {
            task_id: '1', status: 'SUCCEEDED', create_time: '20240101000000', end_time: '20240101000001',
            output: { bucket: 'b', location: 'cn-north-4', object: 'o' }, thumbnail_info: [{ pic_name: '1.jpg' }],
          },
        },
      ],
      details: [
        {
          projectId: null,
          taskId: 'unordered',
          thumbnails: [30, 10, 20, 10].map((offset, i) => ({ offset, url: `https://example.com/${offset}-${i}.jpg` })),
        },
        { projectId: null, taskId: '1', thumbnails: [{ offset: 7, url: 'https://example.com/shared.jpg' }] },
        { projectId: 'p1', taskId: '1', thumbnails: [{ offset: 8, url: 'https://example.com/p1.jpg' }] },
      ],
    };
    const t = await buildTestApp({ fixtures });
    try {
      expect((await t.request.get('/v1/p1/asset/thumbnail/details?task_id=1')).body.thumbnail_result[0].offset).toBe(8);
      expect((await t.request.get('/v1/p2/asset/thumbnail/details?task_id=1')).body.thumbnail_result[0].offset).toBe(7);
      // Ordered by offset whatever the fixture's order; equal offsets keep the fixture's order.
      const unordered = await t.request.get('/v1/p2/asset/thumbnail/details?task_id=unordered').expect(200);
      expect(unordered.body.thumbnail_result.map((x: { url: string }) => x.url.split('/').pop())).toEqual(['10-1.jpg', '10-3.jpg', '20-2.jpg', '30-0.jpg']);
    } finally {
      await t.close();
    }
  });
});
