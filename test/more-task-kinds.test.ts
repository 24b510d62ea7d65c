// SPEC 9.1 and 9.2: the six task kinds beyond the first four (media info extraction, remux, merge channels,
// reset tracks, editing jobs, media process tasks) and the reads derived from transcoding tasks, each with the
// envelope, state words, ids and status codes of shared/reference/mpc-api-more-tasks.md.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TASK_KINDS, taskKindByPath, type TaskDocument, type TaskKind } from '../src/domain/tasks/task-kinds.js';
import { probeInput } from '../src/domain/templates/transcoding-templates.js';
import { parseLifecycleList } from '../src/domain/tasks/lifecycle-settings.js';
import { parseGenerateCount } from '../src/config.js';
import { CREATE_BODIES, obs } from './create-bodies.js';
import { buildTestApp, invalid, type TestApp } from './helper.js';

const LATER_KINDS = TASK_KINDS.filter((k) => k.createStatus === 200);
const kind = (word: string) => taskKindByPath(word)!;

let t: TestApp;
const url = (k: TaskKind, project: string) => `/v1/${project}/${k.urlPath}`;
const create = async (k: TaskKind, project: string, body: Record<string, unknown> = CREATE_BODIES[k.path]!) => {
  const res = await t.request.post(url(k, project)).send(body).expect(200);
  return String(res.body[k.idParam]);
};
const poll = async (k: TaskKind, project: string, id: string): Promise<TaskDocument> => {
  const res = await t.request.get(`${url(k, project)}?${k.idParam}=${id}`).expect(200);
  expect(res.body.total).toBe(1);
  return (res.body[k.listKey] as TaskDocument[])[0]!;
};
const cancel = (k: TaskKind, project: string, id?: string) => t.request.delete(`${url(k, project)}${id === undefined ? '' : `?${k.idParam}=${id}`}`);

describe('the later kinds: the same paths, states and envelopes as the SDK has them', () => {
  it('are known to --lifecycle and --generate by their words', () => {
    expect(parseLifecycleList('remux=manual,project:a/editing-jobs=immediate')).toEqual([
      { mode: 'manual', kind: 'remux' },
      { mode: 'immediate', project_id: 'a', kind: 'editing-jobs' },
    ]);
    expect(parseGenerateCount('merge-channels=5,enhancements=2')).toEqual({ 'merge-channels': 5, enhancements: 2 });
  });

  it('are the six of SPEC 9.1, at the reference’s paths', () => {
    expect(LATER_KINDS.map((k) => [k.path, k.urlPath, k.listKey, k.hasIsTruncated])).toEqual([
      ['extract-metadata', 'extract-metadata', 'tasks', false],
      ['remux', 'remux', 'tasks', false],
      ['merge-channels', 'audio/services/merge_channels/task', 'task_array', true],
      ['reset-tracks', 'audio/services/reset_tracks/task', 'task_array', true],
      ['editing-jobs', 'editing/jobs', 'jobs', false],
      ['enhancements', 'enhancements', 'task_array', true],
    ]);
  });
});

describe.each(LATER_KINDS.map((k) => [k.path, k] as const))('%s: create, poll, cancel', (word, k) => {
  const project = `later-${word}`;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());

  it('answers 200 with the id, lists the task in its first state in its own project only, and moves on to success', async () => {
    const res = await t.request.post(url(k, project)).send(CREATE_BODIES[word]!).expect(200);
    const id = res.body[k.idParam];
    expect(typeof id).toBe('string');
    expect(id).toMatch(/^[0-9]+$/);
    if (k.name === 'extract') expect(res.body).toMatchObject({ task_id: id, status: 'INIT', create_time: '20261125100000' });
    else expect(res.body).toEqual({ [k.idParam]: id });
    const listed = await t.request.get(`${url(k, project)}?${k.idParam}=${id}`).expect(200);
    expect(Object.keys(listed.body).sort()).toEqual([k.listKey, 'total', ...(k.hasIsTruncated ? ['is_truncated'] : [])].sort());
    expect(listed.body[k.listKey][0]).toMatchObject({ task_id: id, status: k.states[0], create_time: '20261125100000' });
    expect((await t.request.get(`${url(k, 'someone-else')}?${k.idParam}=${id}`).expect(200)).body.total).toBe(0);
    const seen: string[] = [];
    for (let i = 0; i <= k.states.length; i++) {
      seen.push((await poll(k, project, id)).status);
      t.clock.advance(1);
    }
    expect(seen).toEqual([...k.states, k.succeededStatus]);
    const done = await poll(k, project, id);
    expect(done.end_time).toBe(`202611251000${String(k.states.length - 1).padStart(2, '0')}`);
  });

  it('fails a task whose input is named fail-*, with the kind’s code and message', async () => {
    const failing = JSON.parse(JSON.stringify(CREATE_BODIES[word]!).replaceAll('intro-', 'fail-intro-'));
    const id = await create(k, project, failing);
    t.clock.advance(60);
    const task = await poll(k, project, id);
    expect(task.status).toBe('FAILED');
    expect(task.description).toBe(k.defaultFailure.description);
    if (k.hasErrorCode) expect(task.error_code).toBe(k.defaultFailure.error_code);
    else expect(task).not.toHaveProperty('error_code');
  });

  it('cancels a queued task (204, CANCELED with an end_time), and refuses a running or final one with MPC.10212', async () => {
    const queued = await create(k, project);
    await cancel(k, project, queued).expect(204);
    expect(await poll(k, project, queued)).toMatchObject({ status: 'CANCELED', end_time: '20261125100000' });
    expect((await cancel(k, project, queued).expect(400)).body.error_code).toBe('MPC.10212');
    const running = await create(k, project);
    t.clock.advance(k.states.indexOf('PROCESSING'));
    expect((await poll(k, project, running)).status).toBe('PROCESSING');
    const refused = await cancel(k, project, running).expect(400);
    expect(refused.body.error_code).toBe('MPC.10212');
    expect(refused.body.error_msg).toContain('only a queued task');
    expect((await poll(k, project, running)).status).toBe('PROCESSING');
  });

  it(`answers an unknown or missing ${k.idParam} with MPC.10202`, async () => {
    expect((await cancel(k, project, '424242').expect(400)).body).toEqual(invalid('task_id 424242 does not exist'));
    expect((await cancel(k, project).expect(400)).body).toEqual(invalid(`${k.idParam} is required`));
  });
});

describe('media info extraction', () => {
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.close());
  const extract = kind('extract-metadata');

  it('answers sync 1 at once with the metadata, SUCCEED, consistent with what a transcoding of the same input reports', async () => {
    const input = obs('videos/keynote-90s.mp4');
    const res = await t.request.post(url(extract, 'meta')).send({ input, sync: 1 }).expect(200);
    expect(res.body).toMatchObject({ status: 'SUCCEED', create_time: '20261125100000' });
    const m = res.body.metadata;
    const source = probeInput(input);
    expect(m).toMatchObject({ duration: 90, duration_ms: 90, format: 'MP4', size: source.size, bitrate: source.video!.bitrate + 128 });
    expect(m.video).toEqual([
      expect.objectContaining({ width: source.video!.width, height: source.video!.height, codec: source.video!.codec, bitrate: source.video!.bitrate, bitrate_bps: source.video!.bitrate * 1000, duration: '90', duration_ms: '90000' }),
    ]);
    expect(m.audio).toEqual([{ codec: 'AAC', sample: 48000, channels: 2, bitrate: 128, bitrate_bps: 128_000, duration: '90', duration_ms: '90000' }]);
    expect(m.md5).toMatch(/^[0-9a-f]{32}$/);
    // The same input always has the same metadata, and a transcoding task of it reports the same source.
    expect((await t.request.post(url(extract, 'meta')).send({ input, sync: 1 }).expect(200)).body.metadata).toEqual(m);
    const tid = (await t.request.post('/v1/meta/transcodings').send({ input, output: obs('out/'), trans_template_id: [7000523] }).expect(202)).body.task_id;
    t.clock.advance(10);
    const transcoding = (await t.request.get(`/v1/meta/transcodings?task_id=${tid}`).expect(200)).body.task_array[0];
    expect(transcoding.transcode_detail.input_file).toMatchObject({ duration: m.duration, size: m.size, video_info: { width: m.video[0].width, height: m.video[0].height, codec: m.video[0].codec } });
    // Listed SUCCEED, with the metadata.
    const listed = await poll(extract, 'meta', res.body.task_id);
    expect(listed).toMatchObject({ status: 'SUCCEED', metadata: m, description: 'The task has completed.' });
  });

  it('answers a synchronous extraction of a fail- input FAILED with the vendor’s code, and names its metadata file', async () => {
    const res = await t.request.post(url(extract, 'meta')).send({ input: obs('videos/fail-upload.mp4'), output: obs('meta/', 'out'), sync: 1 }).expect(200);
    expect(res.body).toMatchObject({ status: 'FAILED', description: 'Failed to open the input file.', output_file_name: 'fail-upload.txt' });
    expect(res.body).not.toHaveProperty('metadata');
    expect((await poll(extract, 'meta', res.body.task_id)).error_code).toBe('MPC.10154');
  });

  it('finds a running task under PROCESSING and PREPROCESSING alike (the filter’s docstring and the model disagree)', async () => {
    const id = await create(extract, 'pre');
    t.clock.advance(2);
    for (const word of ['PROCESSING', 'PREPROCESSING']) {
      const res = await t.request.get(`${url(extract, 'pre')}?status=${word}`).expect(200);
      expect(res.body.tasks.map((x: TaskDocument) => x.task_id)).toContain(id);
    }
    expect((await t.request.get(`${url(extract, 'pre')}?status=SUCCEEDED`).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('requires an input', async () => {
    expect((await t.request.post(url(extract, 'meta')).send({ sync: 1 }).expect(400)).body).toEqual(invalid('input is required'));
  });
});

describe('remux', () => {
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());
  const remux = kind('remux');
  const body = (object: string, bucket = 'media-in', param: object = { format: 'HLS', segment_duration: 20 }) => ({ input: obs(object, bucket), output: obs('remux/', 'media-out'), output_param: param });

  it('converts the container and reports the output’s metadata; a segment length outside [2,10] becomes 5', async () => {
    const id = await create(remux, 'rx', body('live/show-120s.flv'));
    const queued = await poll(remux, 'rx', id);
    expect(queued).toMatchObject({ status: 'INIT', complete_ratio: 0, output_param: { format: 'HLS', segment_duration: 5 }, output: { file_name: 'show-120s.m3u8' } });
    t.clock.advance(2);
    expect(await poll(remux, 'rx', id)).toMatchObject({ status: 'PROCESSING', complete_ratio: 50, start_time: '20261125100002' });
    t.clock.advance(5);
    const done = await poll(remux, 'rx', id);
    expect(done).toMatchObject({ status: 'SUCCEED', complete_ratio: 100, description: 'The task has completed.', output_metadata: { format: 'hls', duration: 120 } });
  });

  it('filters by input_bucket and input_object, alone, together, with status and with task_id', async () => {
    const a = await create(remux, 'rf', body('in/a.flv', 'b1'));
    const b = await create(remux, 'rf', body('in/b.flv', 'b1'));
    const c = await create(remux, 'rf', body('in/a.flv', 'b2'));
    const list = async (query: string) => ((await t.request.get(`${url(remux, 'rf')}?${query}`).expect(200)).body as { total: number; tasks: TaskDocument[] });
    const ids = async (query: string) => (await list(query)).tasks.map((x) => x.task_id);
    expect(await ids('input_bucket=b1')).toEqual([b, a]);
    expect(await ids('input_object=in/a.flv')).toEqual([c, a]);
    expect(await ids('input_bucket=b1&input_object=in%2Fa.flv')).toEqual([a]);
    expect((await list('input_bucket=b1&size=1&page=1')).total).toBe(2);
    expect(await ids('input_bucket=b1&size=1&page=1')).toEqual([a]);
    expect(await ids('input_bucket=b1&status=INIT')).toEqual([b, a]);
    expect(await ids('input_bucket=b1&status=SUCCEED')).toEqual([]);
    expect(await ids(`input_bucket=b2&task_id=${a}&task_id=${c}`)).toEqual([c]);
    expect(await ids('input_bucket=nope')).toEqual([]);
  });

  it('deletes a finished task’s record (204) and refuses an unfinished or unknown one', async () => {
    const id = await create(remux, 'rd');
    const notFinal = await t.request.delete(`/v1/rd/remux/task?task_id=${id}`).expect(400);
    expect(notFinal.body.error_code).toBe('MPC.10213');
    t.clock.advance(10);
    await t.request.delete(`/v1/rd/remux/task?task_id=${id}`).expect(204);
    expect((await t.request.get(`/v1/rd/remux?task_id=${id}`).expect(200)).body.total).toBe(0);
    const unknown = await t.request.delete(`/v1/rd/remux/task?task_id=${id}`).expect(403);
    expect(unknown.body.error_code).toBe('MPC.10211');
    expect((await t.request.delete('/v1/rd/remux/task').expect(400)).body).toEqual(invalid('task_id is required'));
  });

  it('retries a FAILED task under its id: back to WAITING, and it runs again under the rules in force', async () => {
    const id = await create(remux, 'rr', body('in/fail-first.flv'));
    t.clock.advance(10);
    expect((await poll(remux, 'rr', id)).status).toBe('FAILED');
    // Not failed: refused, 403 MPC.10212; unknown: 403 MPC.10211.
    const other = await create(remux, 'rr');
    expect((await t.request.put('/v1/rr/remux').send({ task_id: other }).expect(403)).body.error_code).toBe('MPC.10212');
    expect((await t.request.put('/v1/rr/remux').send({ task_id: '99999' }).expect(403)).body.error_code).toBe('MPC.10211');
    await t.outcomes.set([]);
    const res = await t.request.put('/v1/rr/remux').send({ task_id: id }).expect(200);
    expect(res.body).toEqual({});
    const again = await poll(remux, 'rr', id);
    expect(again).toMatchObject({ task_id: id, status: 'WAITING', create_time: '20261125100000', complete_ratio: 0 });
    expect(again).not.toHaveProperty('end_time');
    expect(again).not.toHaveProperty('error_code');
    t.clock.advance(10);
    expect(await poll(remux, 'rr', id)).toMatchObject({ status: 'SUCCEED', complete_ratio: 100 });
    expect((await t.request.put('/v1/rr/remux').send({}).expect(400)).body).toEqual(invalid('task_id is required'));
  });
});

describe('merge channels, reset tracks, editing jobs and media process tasks', () => {
  beforeAll(async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
  });
  afterAll(() => t.close());

  it('merge channels echo their inputs and the output name, and have no user_data or start_time', async () => {
    const k = kind('merge-channels');
    const task = await poll(k, 'audio', await create(k, 'audio'));
    const m = (CREATE_BODIES['merge-channels'] as { multi_audio: Record<string, unknown> }).multi_audio;
    expect(task).toMatchObject({ status: 'SUCCEEDED', output: m.output, audio_files: m.audio_files, output_filename: 'intro-stereo.wav' });
    expect(task).not.toHaveProperty('start_time');
    expect((await t.request.post(url(k, 'audio')).send({ multi_audio: { output: obs('o/') } }).expect(400)).body).toEqual(invalid('multi_audio.audio_files is required'));
  });

  it('reset tracks echo the tracks and the input', async () => {
    const k = kind('reset-tracks');
    const task = await poll(k, 'audio', await create(k, 'audio'));
    expect(task).toMatchObject({ status: 'SUCCEEDED', tracks_info: [{ channel_layout: 'stereo', language: 'chi' }], input: obs('videos/intro-60s.mp4'), output_filename: 'intro-tracks.mp4' });
  });

  it('editing jobs answer job_id, carry both ids, echo the request and report each output as a SourceInfo', async () => {
    const k = kind('editing-jobs');
    const res = await t.request.post(url(k, 'edit')).send(CREATE_BODIES['editing-jobs']!).expect(200);
    expect(Object.keys(res.body)).toEqual(['job_id']);
    const job = await poll(k, 'edit', res.body.job_id);
    expect(job).toMatchObject({ job_id: res.body.job_id, task_id: res.body.job_id, status: 'SUCCEED', edit_type: ['CLIP'], edit_task_req: CREATE_BODIES['editing-jobs'] });
    expect(job.output_file_info).toEqual([expect.objectContaining({ output_file_name: 'intro-60s_clip_1.mp4', meta_data: expect.objectContaining({ duration: 30, format: 'MP4' }) })]);
    // job_id names jobs; task_id is not this list's filter.
    expect((await t.request.get(`${url(k, 'edit')}?job_id=${res.body.job_id}&job_id=1`).expect(200)).body.total).toBe(1);
  });

  it('editing jobs succeed in part: the last outputs carry the error and no meta_data, a one-output job succeeds whole', async () => {
    const k = kind('editing-jobs');
    await t.request.put('/_mock/outcomes').send({ rules: [{ kind: 'editing-jobs', input_object: 'part-*', outcome: 'partial', failed_templates: 2, description: 'Clip is out of range.' }] }).expect(200);
    try {
      const clips = ['part-a.mp4', 'b.mp4', 'c.mp4'].map((name) => ({ input: obs(`videos/${name}`), timeline_start: '0', timeline_end: '10' }));
      const job = await poll(k, 'edit', await create(k, 'edit', { ...CREATE_BODIES['editing-jobs'], clips }));
      expect(job.status).toBe('SUCCEED');
      const info = job.output_file_info as Array<Record<string, unknown>>;
      expect(info.map((o) => o.output_file_name)).toEqual(['part-a_clip_1.mp4', 'b_clip_2.mp4', 'c_clip_3.mp4']);
      expect(info[0]).toHaveProperty('meta_data');
      expect(info.slice(1)).toEqual([1, 2].map((i) => ({ output_file_name: info[i]!.output_file_name, exec_description: 'mWorker.Template.Video.Resolution: Clip is out of range.' })));
      const single = await poll(k, 'edit', await create(k, 'edit', { ...CREATE_BODIES['editing-jobs'], clips: clips.slice(0, 1) }));
      expect((single.output_file_info as unknown[])[0]).toHaveProperty('meta_data');
      // Kinds whose tasks have one result refuse the outcome.
      expect((await t.request.put('/_mock/outcomes').send({ rules: [{ kind: 'remux', outcome: 'partial' }] }).expect(400)).body).toEqual(
        invalid('rules[0].outcome partial applies to transcodings, editing-jobs only'),
      );
    } finally {
      await t.request.put('/_mock/outcomes').send({ rules: [{ input_object: 'fail-*', outcome: 'fail' }] }).expect(200);
    }
  });

  it.each([
    [{ edit_type: ['CLIP'], output_setting: { output: obs('o/') } }, 'clips is required when edit_type has CLIP'],
    [{ edit_type: ['CONCAT'], concat: { inputs: [obs('a.mp4')] }, concats: [{ inputs: [obs('a.mp4')], output: obs('o/') }] }, 'concat and concats exclude each other'],
    [{ edit_settings: [{ output: obs('o/') }] }, 'input is required with edit_settings'],
    [{}, 'edit_settings is required when edit_type is empty'],
    [{ edit_type: ['CLIP'], clips: [{ input: obs('a.mp4') }] }, 'output_setting.output is required when edit_type has CLIP'],
  ])('refuses the editing body %j: %s', async (body, detail) => {
    expect((await t.request.post(url(kind('editing-jobs'), 'edit')).send(body).expect(400)).body).toEqual(invalid(detail));
  });

  it('media process tasks list their outputs as an array', async () => {
    const k = kind('enhancements');
    expect(await poll(k, 'enh', await create(k, 'enh'))).toMatchObject({ status: 'SUCCEEDED', output_file_name: ['intro-60s.mp4'] });
  });
});

describe('reads derived from transcoding tasks (SPEC 9.2)', () => {
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(() => t.close());
  const transcode = async (project: string, object: string) =>
    String((await t.request.post(`/v1/${project}/transcodings`).send({ input: obs(object), output: obs('out/'), trans_template_id: [7000523, 7000524] }).expect(202)).body.task_id);

  it('ListTranscodeDetail answers each task’s media details, per output, in the detail model', async () => {
    const id = await transcode('d', 'videos/talk-120s.mp4');
    const before = (await t.request.get(`/v1/d/transcodings/detail?task_id=${id}`).expect(200)).body;
    expect(before.task_array).toEqual([expect.objectContaining({ task_id: id, status: 'WAITING', progress: 0 })]);
    expect(before.task_array[0]).not.toHaveProperty('media_detail');
    t.clock.advance(5);
    const task = (await t.request.get(`/v1/d/transcodings?task_id=${id}`).expect(200)).body.task_array[0];
    const detail = (await t.request.get(`/v1/d/transcodings/detail?task_id=${id}&task_id=404`).expect(200)).body.task_array;
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ task_id: id, status: 'SUCCEEDED', error_code: 'MPC.10218', media_detail: { features: ['TRANSCODE'], origin_para: { duration: 120 } } });
    expect(detail[0].media_detail.output_video_paras.map((p: { template_id: number; file_name: string }) => [p.template_id, p.file_name])).toEqual(
      task.transcode_detail.multitask_info.map((m: { template_id: number }, i: number) => [m.template_id, task.output_file_name[i]]),
    );
    expect((await t.request.get('/v1/d/transcodings/detail').expect(400)).body).toEqual(invalid('task_id is required'));
    expect((await t.request.get('/v1/other/transcodings/detail?task_id=' + id).expect(200)).body).toEqual({ task_array: [] });
  });

  it('ListStatSummary counts the project’s succeeded tasks per day, in minutes with 2 decimals', async () => {
    await transcode('s', 'videos/a-90s.mp4');
    await transcode('s', 'videos/b-45s.mp4');
    await transcode('s', 'videos/fail-c-60s.mp4');
    t.clock.advance(5);
    const stat = async (type: string, from = '20261124', to = '20261126') => (await t.request.get(`/v1/s/transcodings/summaries?start_time=${from}&end_time=${to}&stat_type=${type}`).expect(200)).body;
    expect(await stat('video_duration')).toEqual({
      summary: [
        { date: '2026/11/24', value: 0 },
        { date: '2026/11/25', value: 2.25 },
        { date: '2026/11/26', value: 0 },
      ],
      total: 2.25,
      stat_type: 'video_duration',
    });
    expect((await stat('transcode_task_number')).total).toBe(2);
    // Each took 2 s from creation to its end (WAITING, TRANSCODING, then SUCCEEDED).
    expect((await stat('transcode_duration')).total).toBe(0.07);
    expect((await stat('remux_file_duration')).total).toBe(0);
    // A remux counts its file's duration: 90 s is 1.5 minutes.
    await t.request.post('/v1/s/remux').send({ input: obs('live/show-90s.flv'), output: obs('remux/'), output_param: { format: 'MP4' } }).expect(200);
    t.clock.advance(5);
    expect((await stat('remux_file_duration')).total).toBe(1.5);
    // The shared fixtures' days count for every project, as their lists do.
    expect((await stat('transcode_task_number', '20200310', '20200310')).total).toBeGreaterThan(0);
  });

  it.each([
    ['start_time=20261126&end_time=20261125&stat_type=video_duration', 'start_time cannot be greater than end_time'],
    ['start_time=20260230&end_time=20261125&stat_type=video_duration', 'start_time must be a real UTC date written yyyymmdd'],
    ['start_time=20240101&end_time=20261125&stat_type=video_duration', 'start_time to end_time must span at most 366 days'],
    ['start_time=20261125&end_time=20261125', 'stat_type is required'],
    ['start_time=20261125&end_time=20261125&stat_type=calls', 'stat_type must be one of video_duration, remux_file_duration, transcode_task_number, transcode_duration'],
  ])('ListStatSummary refuses %s', async (query, detail) => {
    expect((await t.request.get(`/v1/s/transcodings/summaries?${query}`).expect(400)).body).toEqual(invalid(detail));
  });

  it('DeleteTranscodingTaskByConsole removes a finished task’s record only', async () => {
    const id = await transcode('del', 'videos/a.mp4');
    expect((await t.request.delete(`/v1/del/transcodings/task?task_id=${id}`).expect(400)).body.error_code).toBe('MPC.10213');
    t.clock.advance(5);
    await t.request.delete(`/v1/del/transcodings/task?task_id=${id}`).expect(204);
    expect((await t.request.get(`/v1/del/transcodings?task_id=${id}`).expect(200)).body.total).toBe(0);
    expect((await t.request.delete(`/v1/del/transcodings/task?task_id=${id}`).expect(403)).body.error_code).toBe('MPC.10211');
    // A shared fixture task is kept as written.
    expect((await t.request.delete('/v1/del/transcodings/task?task_id=22123973').expect(400)).body.error_code).toBe('MPC.10212');
  });
});

describe('the control plane and the journal know the later kinds by their words', () => {
  beforeAll(async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
  });
  afterAll(() => t.close());

  it('advances a task by hand, journals its requests under the kind’s word and its id, and matches fault rules by kind', async () => {
    const k = kind('merge-channels');
    const id = await create(k, 'cp');
    const moved = (await t.request.post(`/_mock/tasks/merge-channels/${id}/advance?project_id=cp`).expect(200)).body;
    expect(moved.status).toBe('PROCESSING');
    // The in-process controls (startMpcMock's) name kinds by the same words.
    expect(t.tasks.advance('merge-channels', id, 'cp').status).toBe('SUCCEEDED');
    const job = await create(kind('editing-jobs'), 'cp');
    await t.request.get(`/v1/cp/editing/jobs?job_id=${job}`).expect(200);
    const journal = (await t.request.get('/_mock/requests?project_id=cp').expect(200)).body.requests as Array<{ method: string; kind?: string; task_id?: string }>;
    expect(journal.map((r) => [r.method, r.kind, r.task_id])).toEqual([
      ['POST', 'merge-channels', id],
      ['POST', 'editing-jobs', job],
      ['GET', 'editing-jobs', job],
    ]);
    await t.request.post('/_mock/faults').send({ match: { kind: 'remux' }, response: { status: 503 }, times: 1 }).expect(201);
    await t.request.get('/v1/cp/remux/task').expect(503);
    await t.request.get('/v1/cp/remux').expect(200);
    const exported = (await t.request.get('/_mock/tasks?project_id=cp').expect(200)).body;
    expect(Object.keys(exported).sort()).toEqual(['editing-jobs', 'merge-channels', 'project_id']);
    await t.request.post('/_mock/reset').send({ project_id: 'cp', kind: 'merge-channels' }).expect(200);
    expect((await t.request.get(`/v1/cp/audio/services/merge_channels/task?task_id=${id}`).expect(200)).body.total).toBe(0);
  });
});
