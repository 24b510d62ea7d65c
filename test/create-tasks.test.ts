// SPEC 4.1, 4.4, 4.5: creating tasks, as the SDKs and real clients send the bodies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskKind } from '../src/domain/tasks/task-kinds.js';
import type { TransTemplate } from '../src/domain/templates/transcoding-templates.js';
import { CREATE_BODIES, obs } from './create-bodies.js';
import { buildTestApp, invalid, type TestApp } from './helper.js';

// The four first kinds, queued with 202 and all shaped alike (input, output, user_data); the later kinds'
// creates are in test/more-task-kinds.test.ts.
const QUEUED_KINDS = TASK_KINDS.filter((k) => k.createStatus === 202);

describe.each(QUEUED_KINDS.map((k) => [k.path, k] as const))('POST /v1/{project_id}/%s', (path, kind: TaskKind) => {
  let t: TestApp;
  const project = `create-${path}`;
  const url = `/v1/${project}/${path}`;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());

  it('answers 202 with the vendor’s create response, and the task is listed in the request’s project only', async () => {
    const res = await t.request.post(url).send(CREATE_BODIES[path]!).expect(202);
    const id = res.body.task_id;
    // A JSON number for transcoding, a string for the others, as the SDK models say.
    expect(typeof id).toBe(kind.createdIdIsNumber ? 'number' : 'string');
    if (kind.name === 'snapshot') expect(Object.keys(res.body).sort()).toEqual(['create_time', 'output', 'status', 'task_id']);
    else expect(Object.keys(res.body)).toEqual(['task_id']);
    const listed = await t.request.get(`${url}?task_id=${id}`).expect(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body[kind.listKey][0]).toMatchObject({ task_id: String(id), status: kind.states[0], create_time: '20261125100000' });
    // Another project does not see it (SPEC 1.2).
    const other = await t.request.get(`/v1/someone-else/${path}?task_id=${id}`).expect(200);
    expect(other.body.total).toBe(0);
  });

  it('gives created tasks numeric ids above every fixture id, never the same twice', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(String((await t.request.post(url).send(CREATE_BODIES[path]!).expect(202)).body.task_id));
    expect(ids.size).toBe(3);
    const highestFixtureId = Math.max(...t.store.allTasks().filter((s) => /^[0-9]+$/.test(s.task.task_id) && Number(s.task.task_id) < 100_000_001).map((s) => Number(s.task.task_id)));
    for (const id of ids) {
      expect(id).toMatch(/^[0-9]+$/);
      expect(Number(id)).toBeGreaterThan(highestFixtureId);
    }
  });

  it.each(['input', 'output'])('requires %s (400 MPC.10202 naming it)', async (field) => {
    const { [field]: _dropped, ...body } = CREATE_BODIES[path]!;
    const res = await t.request.post(url).send(body).expect(400);
    expect(res.body).toEqual(invalid(`${field} is required`));
  });

  it.each(['bucket', 'location', 'object'])('requires input.%s', async (field) => {
    const input = { ...(CREATE_BODIES[path]!.input as object) } as Record<string, unknown>;
    delete input[field];
    const res = await t.request.post(url).send({ ...CREATE_BODIES[path], input }).expect(400);
    expect(res.body).toEqual(invalid(`input.${field} is required`));
  });

  it('reads an empty body with Content-Type: application/json as {} (the Python SDK’s body-less POST)', async () => {
    const res = await t.request.post(url).set('Content-Type', 'application/json').send('').expect(400);
    expect(res.body).toEqual(invalid('input is required'));
  });

  it('answers a body that is not JSON, or not an object, with MPC.10202', async () => {
    expect((await t.request.post(url).set('Content-Type', 'application/json').send('{"input":').expect(400)).body).toEqual(
      invalid('the body is not valid JSON'),
    );
    expect((await t.request.post(url).set('Content-Type', 'application/json').send('[1]').expect(400)).body).toEqual(invalid('the body must be object'));
  });

  it('ignores fields it does not know, at the top and inside (older SDKs send more)', async () => {
    const body = { ...CREATE_BODIES[path], project_id: 'old-java-model', input: { ...(CREATE_BODIES[path]!.input as object), region: 'x' } };
    const res = await t.request.post(url).send(body).expect(202);
    const listed = await t.request.get(`${url}?task_id=${res.body.task_id}`).expect(200);
    expect(listed.body[kind.listKey][0].input).toEqual(CREATE_BODIES[path]!.input);
    expect(listed.body[kind.listKey][0]).not.toHaveProperty('project_id');
  });

  it.each(['/videos/a.mp4', 'videos/a.mp4', 'videos/dir/'])('takes the object path %j as real clients write it', async (object) => {
    await t.request.post(url).send({ ...CREATE_BODIES[path], input: obs(object) }).expect(202);
  });

  it('echoes user_data', async () => {
    const res = await t.request.post(url).send({ ...CREATE_BODIES[path], user_data: '{"job":"42"}' }).expect(202);
    const listed = await t.request.get(`${url}?task_id=${res.body.task_id}`).expect(200);
    expect(listed.body[kind.listKey][0].user_data).toBe('{"job":"42"}');
  });

  it('refuses user_data over 1024 characters', async () => {
    const res = await t.request.post(url).send({ ...CREATE_BODIES[path], user_data: 'x'.repeat(1025) }).expect(400);
    expect(res.body.error_code).toBe('MPC.10202');
    expect(res.body.error_msg).toContain('user_data');
  });
});

describe('create bodies: ranges and rules of each kind', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
  });
  afterAll(() => t.close());
  const post = (path: string, body: Record<string, unknown>) => t.request.post(`/v1/ranges/${path}`).send(body);
  const merge = (path: string, extra: Record<string, unknown>) => ({ ...CREATE_BODIES[path], ...extra });

  it.each([
    // [path, body change, expected detail]
    ['transcodings', { trans_template_id: undefined }, 'trans_template_id is required unless av_parameters is given'],
    ['transcodings', { trans_template_id: [] }, 'trans_template_id must NOT have fewer than 1 items'],
    ['transcodings', { trans_template_id: Array.from({ length: 10 }, (_, i) => 7000521 + i) }, 'trans_template_id must NOT have more than 9 items'],
    ['transcodings', { trans_template_id: ['abc'] }, 'trans_template_id.0 must be integer'],
    ['transcodings', { priority: 7 }, 'priority must be one of 6, 9'],
    ['transcodings', { output_filenames: ['only-one.m3u8'] }, 'output_filenames must name one file per template (2), in the same order'],
    ['transcodings', { trans_template_id: undefined, av_parameters: [{ video: { codec: 3 }, common: { pack_type: 1 } }] }, 'av_parameters.0.video.codec must be one of 1, 2'],
    ['transcodings', { trans_template_id: undefined, av_parameters: [{ video: { bitrate: 20 }, common: { pack_type: 1 } }] }, 'av_parameters.0.video.bitrate must be 0, or an integer from 40 to 50000'],
    ['transcodings', { trans_template_id: undefined, av_parameters: [{ audio: { codec: 1 }, common: { pack_type: 4 } }] }, 'av_parameters.0.audio.channels is required'],
    ['transcodings', { trans_template_id: undefined, av_parameters: [{ common: { pack_type: 7 } }] }, 'av_parameters.0.common.pack_type must be one of 1, 2, 3, 4, 5, 6'],
    ['transcodings', { trans_template_id: undefined, av_parameters: [{ common: { pack_type: 1, hls_interval: 11 } }] }, 'av_parameters.0.common.hls_interval must be <= 10'],
    ['thumbnails', { thumbnail_para: undefined }, 'thumbnail_para is required'],
    ['thumbnails', { thumbnail_para: { type: 'EVERY' } }, 'thumbnail_para.type must be one of TIME, DOTS, DOTS_MS'],
    ['thumbnails', { thumbnail_para: { type: 'DOTS' } }, 'thumbnail_para.dots is required when type is DOTS'],
    ['thumbnails', { thumbnail_para: { type: 'DOTS', dots: Array.from({ length: 11 }, (_, i) => i) } }, 'thumbnail_para.dots must NOT have more than 10 items'],
    ['thumbnails', { thumbnail_para: { type: 'TIME', width: 96 } }, 'thumbnail_para.width must be > 96'],
    ['thumbnails', { thumbnail_para: { type: 'TIME', max_length: 100 } }, 'thumbnail_para.max_length must be >= 240'],
    ['thumbnails', { tar: 2 }, 'tar must be one of 0, 1'],
    ['thumbnails', { sync: 1 }, 'a synchronous snapshot (sync 1) takes thumbnail_para.type DOTS or DOTS_MS with one time point'],
    ['thumbnails', { sync: 1, thumbnail_para: { type: 'DOTS', dots: [1, 2] } }, 'a synchronous snapshot (sync 1) takes thumbnail_para.type DOTS or DOTS_MS with one time point'],
    ['animated-graphics', { output_param: undefined }, 'output_param is required'],
    ['animated-graphics', { output_param: { format: 'png', width: 320, height: 0, start: 0, end: 1000 } }, 'output_param.format must be one of gif'],
    ['animated-graphics', { output_param: { format: 'gif', width: 321, height: 0, start: 0, end: 1000 } }, 'output_param.width must be -1, 0, or an even number from 32 to 3840'],
    ['animated-graphics', { output_param: { format: 'gif', width: 320, height: 2162, start: 0, end: 1000 } }, 'output_param.height must be -1, 0, or an even number from 32 to 2160'],
    ['animated-graphics', { output_param: { format: 'gif', width: 320, height: 0, start: 0, end: 60_001 } }, 'output_param.end must be at most 60000 ms after output_param.start'],
    ['animated-graphics', { output_param: { format: 'gif', width: 320, height: 0, start: 5000, end: 5000 } }, 'output_param.end must be later than output_param.start'],
    ['animated-graphics', { output_param: { format: 'gif', width: 320, height: 0, start: 0, end: 1000, frame_rate: 76 } }, 'output_param.frame_rate must be <= 75'],
    ['encryptions', { encryption: undefined }, 'encryption is required'],
    ['encryptions', { encryption: { hls_encrypt: { url: 'https://k' } } }, 'encryption.hls_encrypt.key is required'],
    ['encryptions', { encryption: { hls_encrypt: { key: 'k' } } }, 'encryption.hls_encrypt.url is required'],
    ['encryptions', { encryption: { hls_encrypt: { key: 'k', url: 'u', algorithm: 'ROT13' } } }, 'encryption.hls_encrypt.algorithm must be one of AES-128-CTR, AES-128-CBC, SM4CBC'],
    // The key and IV make 16 bytes (src/domain/objects/hls-encryption.ts): base64 of 16 bytes, 16 characters or 32 hex digits.
    ['encryptions', { encryption: { hls_encrypt: { key: 'k', url: 'u' } } }, 'encryption.hls_encrypt.key must be 16 bytes: base64 of 16 bytes, 16 characters, or 32 hex digits'],
    ['encryptions', { encryption: { hls_encrypt: { key: 'MDEyMzQ1Njc4OWFiY2RlZg==', url: 'u', iv: '0x1234' } } }, 'encryption.hls_encrypt.iv must be 16 bytes: base64 of 16 bytes, 16 characters, or 32 hex digits'],
    ['transcodings', { encryption: { hls_encrypt: { key: 'a-key', url: 'u' } } }, 'encryption.hls_encrypt.key must be 16 bytes: base64 of 16 bytes, 16 characters, or 32 hex digits'],
  ] as Array<[string, Record<string, unknown>, string]>)('%s with %j answers 400 MPC.10202: %s', async (path, change, detail) => {
    const body = merge(path, change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
    const res = await post(path, body).expect(400);
    expect(res.body).toEqual(invalid(detail));
  });

  it('takes numeric strings where an integer is due, and answers them as numbers afterwards', async () => {
    const res = await post('transcodings', merge('transcodings', { trans_template_id: ['7000523'], priority: '9' })).expect(202);
    const listed = await t.request.get(`/v1/ranges/transcodings?task_id=${res.body.task_id}`).expect(200);
    expect(listed.body.task_array[0].trans_template_id).toEqual([7000523]);
    expect(listed.body.task_array[0].transcode_detail.multitask_info[0].template_id).toBe(7000523);
  });

  it('takes the edges of each range', async () => {
    await post('animated-graphics', merge('animated-graphics', { output_param: { format: 'gif', width: -1, height: 2160, start: 0, end: 60_000, frame_rate: 75 } })).expect(202);
    await post('animated-graphics', merge('animated-graphics', { output_param: { format: 'gif', width: 3840, height: 32, start: 0, end: 1, frame_rate: 1 } })).expect(202);
    await post('thumbnails', merge('thumbnails', { thumbnail_para: { type: 'TIME', width: 3840, height: 2160, max_length: 3840 } })).expect(202);
    await post('transcodings', merge('transcodings', { trans_template_id: Array.from({ length: 9 }, (_, i) => 7000521 + i) })).expect(202);
  });
});

describe('synchronous snapshot (SPEC 4.4)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
  });
  afterAll(() => t.close());

  it.each([
    ['DOTS', { type: 'DOTS', dots: [7] }, '7', '7.jpg'],
    ['DOTS_MS', { type: 'DOTS_MS', dots_ms: [12500] }, '12500', '12.jpg'],
  ])('with %s answers 200 at once with output, output_file_name and thumbnail_time; the task is listed SUCCEEDED', async (_name, para, time, file) => {
    const body = { ...CREATE_BODIES.thumbnails, thumbnail_para: para, sync: 1 };
    const res = await t.request.post('/v1/sync/thumbnails').send(body).expect(200);
    expect(res.body).toMatchObject({ status: 'SUCCEEDED', output_file_name: file, thumbnail_time: time, create_time: '20261125100000' });
    expect(res.body.output).toMatchObject({ bucket: 'media-out', location: 'cn-north-4' });
    expect(res.body.output.object).toMatch(/^snapshots\/intro\/[0-9a-f]{16}$/);
    const listed = await t.request.get(`/v1/sync/thumbnails?task_id=${res.body.task_id}&status=SUCCEEDED`).expect(200);
    expect(listed.body.task_array[0]).toMatchObject({ status: 'SUCCEEDED', end_time: '20261125100000', output_file_name: file, thumbnail_info: [{ pic_name: file }] });
    const details = await t.request.get(`/v1/sync/asset/thumbnail/details?task_id=${res.body.task_id}`).expect(200);
    expect(details.body.thumbnail_result).toEqual([{ offset: Number(file.split('.')[0]), url: `https://media-out.obs.cn-north-4.myhuaweicloud.com/${res.body.output.object}/${file}` }]);
  });

  it('writes into the output directory as given with original_dir 1', async () => {
    const res = await t.request.post('/v1/sync/thumbnails').send({ ...CREATE_BODIES.thumbnails, thumbnail_para: { type: 'DOTS', dots: [1] }, sync: 1, original_dir: 1 }).expect(200);
    expect(res.body.output.object).toBe('snapshots/intro');
  });

  it('fails at once for an input an outcome rule fails', async () => {
    const res = await t.request
      .post('/v1/sync/thumbnails')
      .send({ ...CREATE_BODIES.thumbnails, input: obs('videos/fail-broken.mp4'), thumbnail_para: { type: 'DOTS', dots: [1] }, sync: 1 })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'FAILED', description: 'Input data error.' });
  });
});

describe('transcoding templates (SPEC 4.5)', () => {
  it('accepts an unknown template id with plausible defaults, and refuses it with --strict-templates', async () => {
    const lenient = await buildTestApp({ lifecycle: 'immediate' });
    const strict = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true });
    try {
      const body = { ...CREATE_BODIES.transcodings, trans_template_id: [7000523, 556813] };
      const res = await lenient.request.post('/v1/t/transcodings').send(body).expect(202);
      const task = (await lenient.request.get(`/v1/t/transcodings?task_id=${res.body.task_id}`).expect(200)).body.task_array[0];
      expect(task.transcode_detail.multitask_info[1]).toMatchObject({ template_id: 556813, output_file: { format: 'HLS', video_info: { width: 1280, height: 720, codec: 'H264' } } });
      expect((await strict.request.post('/v1/t/transcodings').send(body).expect(400)).body).toEqual(invalid('trans_template_id 556813 is not a known template'));
      await strict.request.post('/v1/t/transcodings').send(CREATE_BODIES.transcodings).expect(202);
    } finally {
      await lenient.close();
      await strict.close();
    }
  });

  it('takes templates added by fixture files, per project', async () => {
    const { defaultFixtures } = await import('./helper.js');
    const base = defaultFixtures();
    const own: TransTemplate = { template_id: 8000001, template_name: 'team 4K', common: { pack_type: 4 }, video: { codec: 2, width: 3840, height: 2160, bitrate: 12000 }, audio: { codec: 1, channels: 2, bitrate: 192 } };
    const t = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true, fixtures: { ...base, templates: [...base.templates, { projectId: 'team', template: own }] } });
    try {
      const res = await t.request.post('/v1/team/transcodings').send({ ...CREATE_BODIES.transcodings, trans_template_id: [8000001] }).expect(202);
      const task = (await t.request.get(`/v1/team/transcodings?task_id=${res.body.task_id}`).expect(200)).body.task_array[0];
      expect(task.transcode_detail.multitask_info[0].output_file).toMatchObject({ format: 'MP4', video_info: { width: 3840, height: 2160, bitrate: 12000, codec: 'H265' } });
      expect(task.output_file_name).toEqual(['intro-60s_1_3840X2160_12000_0.mp4']);
      // Another project does not have it.
      await t.request.post('/v1/other/transcodings').send({ ...CREATE_BODIES.transcodings, trans_template_id: [8000001] }).expect(400);
    } finally {
      await t.close();
    }
  });
});

describe('bodies no client should get away with', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
  });
  afterAll(() => t.close());

  it('refuses a body nested deeper than 64 levels with MPC.10202, not a 5xx', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const body = JSON.stringify(CREATE_BODIES.transcodings).replace(/}$/, `,"thumbnail":${deep}}`);
    const res = await t.request.post('/v1/deep/transcodings').set('Content-Type', 'application/json').send(body).expect(400);
    expect(res.body).toEqual(invalid('the body nests deeper than 64 levels'));
    await t.request.get('/_mock/requests').expect(200);
  });

  it.each([
    ['input.object', { input: { bucket: 'b', location: 'cn-north-4', object: null } }, 'input.object must be string'],
    ['input.bucket', { input: { bucket: false, location: 'cn-north-4', object: 'o' } }, 'input.bucket must be string'],
    ['trans_template_id', { trans_template_id: [true] }, 'trans_template_id.0 must be integer'],
    ['priority', { priority: '9.5' }, 'priority must be integer'],
  ])('takes numeric strings only: %s of another type is refused', async (_name, change, detail) => {
    expect((await t.request.post('/v1/types/transcodings').send({ ...CREATE_BODIES.transcodings, ...change }).expect(400)).body).toEqual(invalid(detail));
  });

  it('refuses an empty input object name', async () => {
    const res = await t.request.post('/v1/types/encryptions').send({ ...CREATE_BODIES.encryptions, input: { bucket: 'b', location: 'l', object: '' } }).expect(400);
    expect(res.body.error_msg).toContain('input.object');
  });

  it('refuses a clock change that is not a boolean, an impossible date, or a time MPC cannot write', async () => {
    expect((await t.request.put('/_mock/clock').send({ frozen: null }).expect(400)).body).toEqual(invalid('frozen must be boolean'));
    expect((await t.request.put('/_mock/clock').send({ frozen: 'true' }).expect(400)).body).toEqual(invalid('frozen must be boolean'));
    expect((await t.request.put('/_mock/clock').send({ frozen: true, now: '2026-02-30T00:00:00Z' }).expect(400)).body.error_msg).toContain('now must match format');
    await t.request.put('/_mock/clock').send({ frozen: true, now: '9999-12-31T23:59:00Z' }).expect(200);
    expect((await t.request.post('/_mock/clock/advance').send({ seconds: 120 }).expect(400)).body).toEqual(
      invalid('the clock must stay between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z'),
    );
    expect(() => t.clock.advance(Infinity)).toThrowError('seconds must be a number greater than 0');
    expect(() => t.clock.freeze(1e20)).toThrowError('the clock must stay between');
    await t.request.put('/_mock/clock').send({ frozen: true, now: '2026-11-25T10:00:00Z' }).expect(200);
  });

  it('takes a synchronous snapshot at any point it is given, and tells the point as asked', async () => {
    const sync = (para: object) => t.request.post('/v1/types/thumbnails').send({ ...CREATE_BODIES.thumbnails, thumbnail_para: para, sync: 1 }).expect(200);
    const late = (await sync({ type: 'DOTS', dots: [500] })).body;
    expect(late).toMatchObject({ status: 'SUCCEEDED', output_file_name: '500.jpg', thumbnail_time: '500' });
    const ms = (await sync({ type: 'DOTS_MS', dots_ms: [30000], dots: [5], output_filename: 'cover' })).body;
    expect(ms).toMatchObject({ output_file_name: '30.jpg', thumbnail_time: '30000' });
    const details = await t.request.get(`/v1/types/asset/thumbnail/details?task_id=${ms.task_id}`).expect(200);
    expect(details.body.thumbnail_result[0].url).toMatch(/\/30\.jpg$/);
  });
});
