// SPEC 4.3 and 6.5: created tasks move through their kind's states, from a clock the tests freeze and move
// on (never a sleep), after a number of reads, or by hand; outcome rules decide how they end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TASK_KINDS, type TaskDocument, type TaskKind } from '../src/domain/tasks/task-kinds.js';
import type { TransTemplate } from '../src/domain/templates/transcoding-templates.js';
import { CREATE_BODIES, withInput } from './create-bodies.js';
import { buildTestApp, PROJECT, testContract, type TestApp } from './helper.js';

let t: TestApp;
afterEach(() => t.close());

const create = async (kind: TaskKind, project = PROJECT, body: Record<string, unknown> = CREATE_BODIES[kind.path]!) =>
  String((await t.request.post(`/v1/${project}/${kind.urlPath}`).send(body).expect((r) => expect([200, 202]).toContain(r.status))).body[kind.idParam]);
const poll = async (kind: TaskKind, id: string, project = PROJECT): Promise<TaskDocument> => {
  const res = await t.request.get(`/v1/${project}/${kind.urlPath}?${kind.idParam}=${id}`).expect(200);
  expect(res.body.total).toBe(1);
  return res.body[kind.listKey][0] as TaskDocument;
};
const byKind = TASK_KINDS.map((k) => [k.path, k] as const);

describe.each(byKind)('a created %s task in time mode (the default, one state a second)', (_path, kind) => {
  beforeEach(async () => {
    t = await buildTestApp();
  });

  it('shows every state in order to a client polling every second, then stays final', async () => {
    const id = await create(kind);
    const seen: string[] = [];
    for (let i = 0; i < kind.states.length + 2; i++) {
      seen.push((await poll(kind, id)).status);
      t.clock.advance(1);
    }
    expect(seen).toEqual([...kind.states, kind.states.at(-1), kind.states.at(-1)]);
  });

  it('jumps to the state the clock says however late it is read, with times as if it had been watched', async () => {
    const id = await create(kind);
    t.clock.advance(3600);
    const task = await poll(kind, id);
    expect(task.status).toBe(kind.succeededStatus);
    expect(task.create_time).toBe('20261125100000');
    expect(task.end_time).toBe(`2026112510000${kind.states.length - 1}`);
  });

  it('follows seconds_per_state set through the control plane', async () => {
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 30 }).expect(200);
    const id = await create(kind);
    await t.request.post('/_mock/clock/advance').send({ seconds: 29 }).expect(200);
    expect((await poll(kind, id)).status).toBe(kind.states[0]);
    await t.request.post('/_mock/clock/advance').send({ seconds: 1 }).expect(200);
    expect((await poll(kind, id)).status).toBe(kind.states[1]);
  });
});

describe.each(byKind)('a created %s task in reads mode', (_path, kind) => {
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'reads:3' });
  });

  it('shows each state in exactly N reads, and the next read shows the next state, whatever the clock', async () => {
    const id = await create(kind);
    const seen: string[] = [];
    for (let i = 0; i < 3 * kind.states.length; i++) {
      seen.push((await poll(kind, id)).status);
      t.clock.advance(100);
    }
    const expected = kind.states.flatMap((s, i) => (i === kind.states.length - 1 ? [s, s, s] : [s, s, s]));
    expect(seen).toEqual(expected);
  });

  it('counts a list page that contains the task as a read, and one that does not as none', async () => {
    const id = await create(kind);
    await t.request.get(`/v1/${PROJECT}/${kind.urlPath}?size=100`).expect(200);
    await t.request.get(`/v1/${PROJECT}/${kind.urlPath}?${kind.idParam}=${id}`).expect(200);
    // A list in another project and a page that does not reach the task do not count.
    await t.request.get(`/v1/elsewhere/${kind.urlPath}?${kind.idParam}=${id}`).expect(200);
    await t.request.get(`/v1/${PROJECT}/${kind.urlPath}?status=FAILED`).expect(200);
    expect((await poll(kind, id)).status).toBe(kind.states[0]);
    expect((await poll(kind, id)).status).toBe(kind.states[1]);
  });
});

describe.each(byKind)('a created %s task in immediate and manual modes', (_path, kind) => {
  it('is final at its first read in immediate mode', async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
    const id = await create(kind);
    const task = await poll(kind, id);
    expect(task.status).toBe(kind.succeededStatus);
    expect(task.end_time).toBe('20261125100000');
  });

  it('moves only when advanced through the control plane in manual mode, one state a call', async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
    const id = await create(kind);
    t.clock.advance(86_400);
    expect((await poll(kind, id)).status).toBe(kind.states[0]);
    for (const state of kind.states.slice(1)) {
      const res = await t.request.post(`/_mock/tasks/${kind.path}/${id}/advance?project_id=${PROJECT}`).expect(200);
      expect(res.body.status).toBe(state);
      expect((await poll(kind, id)).status).toBe(state);
    }
    const final = await t.request.post(`/_mock/tasks/${kind.path}/${id}/advance?project_id=${PROJECT}`).expect(400);
    expect(final.body).toEqual({ error_code: 'MPC.10212', error_msg: `Operation failed, task ${id} is already ${kind.succeededStatus}.` });
  });
});

describe('what a finished task reports (SPEC 4.3)', () => {
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
  });

  it('transcoding: output_file_name[i] lines up with multitask_info[i], each consistent with its template and the input', async () => {
    const templates = [7000521, 7000525, 7000528, 7000532, 7000534, 7000541];
    const id = await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, trans_template_id: templates, user_data: 'u-1' });
    const task = await poll(TASK_KINDS[0]!, id);
    const detail = task.transcode_detail as { multitask_info: Array<{ template_id: number; output_file: Record<string, any> }>; input_file: Record<string, any> };
    expect(task).toMatchObject({ status: 'SUCCEEDED', progress: 100, trans_template_id: templates, user_data: 'u-1' });
    expect(detail.multitask_info.map((m) => m.template_id)).toEqual(templates);
    // The input says its length in its name (intro-60s.mp4): every output lasts as long.
    expect(detail.input_file.duration).toBe(60);
    const catalogue = (await import('../fixtures/presets/transcoding-templates.json', { with: { type: 'json' } })).default.transcoding_templates as Array<Record<string, any>>;
    const names = task.output_file_name as string[];
    expect(names).toHaveLength(templates.length);
    detail.multitask_info.forEach((m, i) => {
      const template = catalogue.find((c) => c.template_id === m.template_id)!;
      const out = m.output_file;
      expect(out.duration).toBe(60);
      expect(out.duration_ms).toBe(60_000);
      expect(out.format).toBe({ 1: 'HLS', 2: 'DASH', 4: 'MP4', 5: 'MP3' }[template.common.pack_type as number]);
      expect(names[i]).toMatch(new RegExp(`^intro-60s_${i + 1}_.*\\.${{ 1: 'm3u8', 2: 'mpd', 4: 'mp4', 5: 'mp3' }[template.common.pack_type as number]}$`));
      if (template.video) {
        expect(out.video_info).toMatchObject({ width: template.video.width, height: template.video.height, bitrate: template.video.bitrate, codec: template.video.codec === 2 ? 'H265' : 'H264' });
        expect(names[i]).toContain(`${template.video.width}X${template.video.height}_${template.video.bitrate}`);
      } else {
        expect(out).not.toHaveProperty('video_info');
      }
      expect(out.audio_info[0].bitrate).toBe(template.audio.bitrate);
      // Size in kbytes from the bitrates over the duration.
      expect(out.size).toBe(Math.round((((template.video?.bitrate ?? 0) + template.audio.bitrate) * 60) / 8));
    });
  });

  it('transcoding: output_filenames name the files, one per template, in order; av_parameters stand in for templates', async () => {
    const id = await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, output_filenames: ['low.m3u8', 'high.m3u8'] });
    expect((await poll(TASK_KINDS[0]!, id)).output_file_name).toEqual(['low.m3u8', 'high.m3u8']);
    const av = await create(TASK_KINDS[0]!, PROJECT, {
      ...CREATE_BODIES.transcodings,
      trans_template_id: undefined,
      av_parameters: [{ video: { codec: 2, width: 640, height: 0, bitrate: 700 }, audio: { codec: 1, channels: 1, bitrate: 48 }, common: { pack_type: 4 } }],
    });
    const task = await poll(TASK_KINDS[0]!, av);
    expect(task).not.toHaveProperty('trans_template_id');
    const out = (task.transcode_detail as { multitask_info: Array<{ output_file: Record<string, any> }> }).multitask_info[0]!.output_file;
    expect(out.format).toBe('MP4');
    // Height 0 keeps the source's aspect ratio.
    const input = (task.transcode_detail as { input_file: { video_info: { width: number; height: number } } }).input_file.video_info;
    expect(out.video_info).toMatchObject({ width: 640, height: 2 * Math.round((640 * input.height) / input.width / 2), codec: 'H265', bitrate: 700 });
    expect(out.audio_info[0]).toMatchObject({ channels: 1, bitrate: 48 });
  });

  it('snapshot: TIME pictures every `time` seconds of the input, served by the VOD details endpoint', async () => {
    const id = await create(TASK_KINDS[1]!, PROJECT, { ...CREATE_BODIES.thumbnails, thumbnail_para: { type: 'TIME', time: 10, start_time: 5 } });
    const task = await poll(TASK_KINDS[1]!, id);
    expect(task.thumbnail_info).toEqual(['5', '15', '25', '35', '45', '55'].map((s) => ({ pic_name: `${s}.jpg` })));
    const details = await t.request.get(`/v1/${PROJECT}/asset/thumbnail/details?task_id=${id}&limit=2&offset=1`).expect(200);
    const dir = (task.output as { object: string }).object;
    expect(details.body).toEqual({
      total: 6,
      thumbnail_result: [15, 25].map((s) => ({ offset: s, url: `https://media-out.obs.cn-north-4.myhuaweicloud.com/${dir}/${s}.jpg` })),
    });
  });

  it('snapshot: tar 0 packs the pictures into one file named in output_file_name', async () => {
    const id = await create(TASK_KINDS[1]!, PROJECT, { ...CREATE_BODIES.thumbnails, tar: 0 });
    expect((await poll(TASK_KINDS[1]!, id)).output_file_name).toBe('intro-60s.tar');
  });

  it('GIF: output_param as asked, the output file named after the input, start_time when it left the queue', async () => {
    t = (await t.close(), await buildTestApp());
    const gif = TASK_KINDS[2]!;
    const id = await create(gif);
    t.clock.advance(10);
    const task = await poll(gif, id);
    expect(task).toMatchObject({
      status: 'SUCCEED',
      output_param: (CREATE_BODIES['animated-graphics'] as { output_param: object }).output_param,
      output: { bucket: 'media-out', object: 'gif/', file_name: 'intro-60s.gif' },
      start_time: '20261125100002',
      end_time: '20261125100003',
      description: 'The task has completed.',
    });
  });

  it('encryption: the encrypted playlist keeps the input playlist’s name', async () => {
    const id = await create(TASK_KINDS[3]!);
    expect((await poll(TASK_KINDS[3]!, id)).output_file_name).toEqual(['index.m3u8']);
  });

  it('validates against the document, for every kind and every outcome', async () => {
    // The response validation hook (test/response-validation.ts) checks every answer; this drives every shape through it.
    await t.request.put('/_mock/outcomes').send({ rules: [{ input_object: 'p-*', outcome: 'partial' }, { input_object: 'c-*', outcome: 'cancel' }, { input_object: 'fail-*', outcome: 'fail' }] }).expect(200);
    for (const kind of TASK_KINDS) {
      for (const name of ['ok.mp4', 'p-x.mp4', 'c-x.mp4', 'fail-x.mp4']) {
        const body = { ...CREATE_BODIES[kind.path], input: { bucket: 'b', location: 'cn-north-4', object: `in/${name}` } };
        await poll(kind, await create(kind, PROJECT, body));
      }
    }
  });
});

describe('a list sees every task’s current state (SPEC 4.3)', () => {
  it('filters by status, counts and orders by the state a task is in now, not the one it was stored in', async () => {
    t = await buildTestApp();
    const transcoding = TASK_KINDS[0]!;
    const created = [await create(transcoding), await create(transcoding), await create(transcoding)];
    const ids = (body: { task_array: TaskDocument[] }) => body.task_array.map((x) => x.task_id).filter((id) => created.includes(id));
    const list = (status: string) => t.request.get(`/v1/${PROJECT}/transcodings?status=${status}&size=100`).expect(200);
    const before = (await list('SUCCEEDED')).body;
    expect(ids(before)).toEqual([]);
    expect(ids((await list('WAITING')).body).sort()).toEqual([...created].sort());
    // Nobody reads them while they progress.
    t.clock.advance(5);
    const after = (await list('SUCCEEDED')).body;
    expect(ids(after).sort()).toEqual([...created].sort());
    expect(after.total).toBe(before.total + 3);
    expect(ids((await list('WAITING')).body)).toEqual([]);
    // Newest first, larger id first within the same second.
    expect(ids(after)).toEqual([...created].sort((a, b) => Number(b) - Number(a)));
    // The same for a time window, the page and total with no filter, and a lookup by id with a status.
    const window = await t.request.get(`/v1/${PROJECT}/transcodings?start_time=20261125100000&end_time=20261125100000`).expect(200);
    expect(window.body.task_array.map((x: TaskDocument) => x.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const byId = await t.request.get(`/v1/${PROJECT}/transcodings?task_id=${created[0]}&status=SUCCEEDED`).expect(200);
    expect(byId.body.total).toBe(1);
  });

  it('sees a state reached by reads in the very next filtered list', async () => {
    t = await buildTestApp({ lifecycle: 'reads:1' });
    const id = await create(TASK_KINDS[1]!);
    expect((await t.request.get(`/v1/${PROJECT}/thumbnails?status=WAITING&size=100`).expect(200)).body.task_array.map((x: TaskDocument) => x.task_id)).toContain(id);
    const waiting = (await t.request.get(`/v1/${PROJECT}/thumbnails?status=WAITING&size=100`).expect(200)).body.task_array.map((x: TaskDocument) => x.task_id);
    expect(waiting).not.toContain(id);
  });
});

describe('lifecycle settings by scope (SPEC 4.3: project and kind, then project, then kind, then global)', () => {
  it('lets parallel projects progress at their own pace', async () => {
    t = await buildTestApp({ lifecycle: 'time:1,thumbnails=manual,project:fast=immediate,project:slow=time:60,project:slow/encryptions=reads:1' });
    const [transcoding, snapshot, , encryption] = TASK_KINDS as [TaskKind, TaskKind, TaskKind, TaskKind];
    const ids = {
      fast: await create(transcoding, 'fast'),
      slow: await create(transcoding, 'slow'),
      slowEnc: await create(encryption, 'slow'),
      plain: await create(transcoding, 'plain'),
      plainSnap: await create(snapshot, 'plain'),
    };
    t.clock.advance(2);
    expect((await poll(transcoding, ids.fast, 'fast')).status).toBe('SUCCEEDED');
    expect((await poll(transcoding, ids.slow, 'slow')).status).toBe('WAITING');
    expect((await poll(encryption, ids.slowEnc, 'slow')).status).toBe('WAITING');
    expect((await poll(encryption, ids.slowEnc, 'slow')).status).toBe('PROCESSING');
    expect((await poll(transcoding, ids.plain, 'plain')).status).toBe('SUCCEEDED');
    expect((await poll(snapshot, ids.plainSnap, 'plain')).status).toBe('WAITING');
    const settings = (await t.request.get('/_mock/lifecycle').expect(200)).body.settings;
    expect(settings[0]).toEqual({ mode: 'time', seconds_per_state: 1 });
    expect(settings).toContainEqual({ mode: 'reads', reads_per_state: 1, project_id: 'slow', kind: 'encryptions' });
  });

  it('counts a changed setting from the moment it changes, and clears a scope back to the wider one', async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
    const kind = TASK_KINDS[3]!;
    const id = await create(kind, 'p1');
    t.clock.advance(3600);
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 10, project_id: 'p1' }).expect(200);
    expect((await poll(kind, id, 'p1')).status).toBe('WAITING');
    t.clock.advance(10);
    expect((await poll(kind, id, 'p1')).status).toBe('PROCESSING');
    const cleared = await t.request.delete('/_mock/lifecycle?project_id=p1').expect(200);
    expect(cleared.body.settings).toEqual([{ mode: 'manual' }]);
    t.clock.advance(3600);
    expect((await poll(kind, id, 'p1')).status).toBe('PROCESSING');
    expect((await t.request.delete('/_mock/lifecycle').expect(400)).body.error_code).toBe('MPC.10202');
  });
});

describe('outcome rules (SPEC 4.3, 6.5)', () => {
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'immediate' });
  });
  const input = (name: string) => ({ bucket: 'b', location: 'cn-north-4', object: `uploads/2026/${name}` });

  it.each(byKind)('%s: by default an input whose file name starts with fail- fails, with the vendor’s code and message', async (_path, kind) => {
    const task = await poll(kind, await create(kind, PROJECT, withInput(kind.path, input('fail-corrupt.mp4'))));
    expect(task.status).toBe('FAILED');
    expect(task.description).toBe(kind.defaultFailure.description);
    if (kind.hasErrorCode) expect(task.error_code).toBe(kind.defaultFailure.error_code);
    else expect(task).not.toHaveProperty('error_code');
    expect(task).not.toHaveProperty('thumbnail_info');
    expect(task).not.toHaveProperty('transcode_detail');
    // Only the file name counts: a directory called fail-... does not.
    const ok = await poll(kind, await create(kind, PROJECT, withInput(kind.path, { ...input('x.mp4'), object: 'fail-dir/x.mp4' })));
    expect(ok.status).toBe(kind.succeededStatus);
  });

  it('takes rules by kind, project and glob, with their own code and message; the first match decides', async () => {
    await t.request
      .put('/_mock/outcomes')
      .send({
        rules: [
          { project_id: 'lucky', outcome: 'succeed' },
          { kind: 'thumbnails', input_object: 'cam-??.mp4', outcome: 'fail', error_code: 'MPC.10063', description: 'Invalid video format.' },
          { input_object: '*.avi', outcome: 'cancel' },
        ],
      })
      .expect(200);
    const snap = TASK_KINDS[1]!;
    const failed = await poll(snap, await create(snap, PROJECT, { ...CREATE_BODIES.thumbnails, input: input('cam-07.mp4') }));
    expect(failed).toMatchObject({ status: 'FAILED', description: 'Invalid video format.' });
    expect((await poll(snap, await create(snap, PROJECT, { ...CREATE_BODIES.thumbnails, input: input('cam-007.mp4') }))).status).toBe('SUCCEEDED');
    expect((await poll(snap, await create(snap, 'lucky', { ...CREATE_BODIES.thumbnails, input: input('cam-07.mp4') }), 'lucky')).status).toBe('SUCCEEDED');
    const canceled = await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, input: input('old.avi') }));
    expect(canceled).toMatchObject({ status: 'CANCELED', end_time: '20261125100000', description: 'The task has been canceled.' });
    // The default fail- rule was replaced.
    expect((await poll(snap, await create(snap, PROJECT, { ...CREATE_BODIES.thumbnails, input: input('fail-x.mp4') }))).status).toBe('SUCCEEDED');
    expect((await t.request.get('/_mock/outcomes').expect(200)).body.rules).toHaveLength(3);
  });

  it('partial: the last templates fail, the task still SUCCEEDED and lists only the files produced', async () => {
    await t.request.put('/_mock/outcomes').send({ rules: [{ outcome: 'partial', failed_templates: 2 }] }).expect(200);
    const transcoding = TASK_KINDS[0]!;
    const task = await poll(transcoding, await create(transcoding, PROJECT, { ...CREATE_BODIES.transcodings, trans_template_id: [7000522, 7000523, 7000524] }));
    expect(task.status).toBe('SUCCEEDED');
    const info = (task.transcode_detail as { multitask_info: Array<Record<string, any>> }).multitask_info;
    expect(info.map((m) => m.template_id)).toEqual([7000522, 7000523, 7000524]);
    expect(info[0]).toHaveProperty('output_file');
    expect(info[1]).toEqual({ template_id: 7000523, error: { error_code: 'mWorker.Template.Video.Resolution', error_msg: 'The output resolution is larger than the source resolution.' } });
    expect(info[2]).toHaveProperty('error');
    expect(task.output_file_name).toEqual(['intro-60s_1_640X360_600_0.m3u8']);
    // A rule without a kind that names partial passes over the kinds without templates.
    expect((await poll(TASK_KINDS[3]!, await create(TASK_KINDS[3]!))).status).toBe('SUCCEEDED');
  });

  it('audit: a transcoding task waits in NEED_TO_BE_AUDIT until advanced, then transcodes and succeeds', async () => {
    t = (await t.close(), await buildTestApp({ lifecycle: 'time:1' }));
    await t.request.put('/_mock/outcomes').send({ rules: [{ kind: 'transcodings', outcome: 'audit' }] }).expect(200);
    const transcoding = TASK_KINDS[0]!;
    const id = await create(transcoding);
    t.clock.advance(1);
    expect((await poll(transcoding, id)).status).toBe('NEED_TO_BE_AUDIT');
    t.clock.advance(3600);
    expect((await t.request.get(`/v1/${PROJECT}/transcodings?status=NEED_TO_BE_AUDIT&task_id=${id}`).expect(200)).body.total).toBe(1);
    expect((await t.request.post(`/_mock/tasks/transcodings/${id}/advance?project_id=${PROJECT}`).expect(200)).body.status).toBe('TRANSCODING');
    t.clock.advance(1);
    expect((await poll(transcoding, id)).status).toBe('SUCCEEDED');
  });

  it('refuses audit or partial for a kind that has no such state (400 MPC.10202)', async () => {
    const res = await t.request.put('/_mock/outcomes').send({ rules: [{ kind: 'thumbnails', outcome: 'audit' }] }).expect(400);
    expect(res.body).toEqual({ error_code: 'MPC.10202', error_msg: 'Invalid request parameter, rules[0].outcome audit applies to transcodings only.' });
    const bad = await t.request.put('/_mock/outcomes').send({ rules: [{ outcome: 'explode' }] }).expect(400);
    expect(bad.body.error_msg).toBe('Invalid request parameter, rules.0.outcome must be one of succeed, fail, partial, cancel, audit.');
  });

  it('decides a task’s fate when it is created: changing the rules later does not change it', async () => {
    t = (await t.close(), await buildTestApp({ lifecycle: 'manual' }));
    const kind = TASK_KINDS[3]!;
    const id = await create(kind, PROJECT, { ...CREATE_BODIES.encryptions, input: input('fail-a.m3u8') });
    await t.request.put('/_mock/outcomes').send({ rules: [] }).expect(200);
    await t.request.post(`/_mock/tasks/encryptions/${id}/advance?project_id=${PROJECT}`).expect(200);
    expect((await t.request.post(`/_mock/tasks/encryptions/${id}/advance?project_id=${PROJECT}`).expect(200)).body.status).toBe('FAILED');
  });
});

describe('POST /_mock/tasks/{kind}/{task_id}/advance', () => {
  beforeEach(async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
  });

  it('answers 404 MOCK.0404 for an unknown task, in the project asked for only', async () => {
    const id = await create(TASK_KINDS[0]!, 'owner');
    const res = await t.request.post(`/_mock/tasks/transcodings/${id}/advance?project_id=thief`).expect(404);
    expect(res.body).toEqual({ error_code: 'MOCK.0404', error_msg: `Task transcodings/${id} in project thief not found` });
    expect((await t.request.post(`/_mock/tasks/transcodings/${id}/advance`).expect(404)).body.error_code).toBe('MOCK.0404');
  });

  it('refuses to move a fixture task, which stays as written (400 MPC.10212)', async () => {
    const waiting = t.store.allTasks().find((s) => s.kind === 'transcoding' && s.projectId === null && s.task.status === 'WAITING')!;
    const res = await t.request.post(`/_mock/tasks/transcodings/${waiting.task.task_id}/advance`).expect(400);
    expect(res.body.error_code).toBe('MPC.10212');
    expect(res.body.error_msg).toContain('stay as written');
  });

  it('answers 400 MPC.10202 for a kind that is not one', async () => {
    expect((await t.request.post('/_mock/tasks/remuxes/1/advance').expect(400)).body.error_code).toBe('MPC.10202');
  });
});

describe('fixture tasks stay as written', () => {
  it('never progress, whatever the clock or the reads', async () => {
    t = await buildTestApp({ lifecycle: 'reads:1' });
    const before = t.store.allTasks();
    for (const kind of TASK_KINDS) for (let i = 0; i < 3; i++) await t.request.get(`/v1/${PROJECT}/${kind.urlPath}?size=100`).expect(200);
    t.clock.advance(86_400 * 365);
    for (const kind of TASK_KINDS) await t.request.get(`/v1/${PROJECT}/${kind.urlPath}?size=100`).expect(200);
    expect(t.store.allTasks()).toEqual(before);
  });
});

describe('the contract of created tasks', () => {
  it('knows every state a created task can show as a status its list can filter by', () => {
    for (const kind of TASK_KINDS) {
      const words = testContract().queryEnum(kind.listOperationId, 'status');
      for (const state of [...kind.states, 'FAILED', 'CANCELED']) expect(words).toContain(state);
    }
  });
});

describe('settings, cancels and reads that meet a task the clock has moved', () => {
  it('lets a project’s setting win over a kind’s', async () => {
    t = await buildTestApp({ lifecycle: 'time:1,transcodings=immediate,project:p=manual' });
    const id = await create(TASK_KINDS[0]!, 'p');
    expect((await poll(TASK_KINDS[0]!, id, 'p')).status).toBe('WAITING');
    expect((await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, 'q'), 'q')).status).toBe('SUCCEEDED');
  });

  it('moves a task the clock has moved before a settings change counts from now', async () => {
    t = await buildTestApp({ lifecycle: 'time:1' });
    const kind = TASK_KINDS[3]!;
    const id = await create(kind);
    t.clock.advance(10);
    await t.request.put('/_mock/lifecycle').send({ mode: 'manual' }).expect(200);
    expect((await poll(kind, id)).status).toBe('SUCCEEDED');
  });

  it('counts a new seconds_per_state from the change, fractions included', async () => {
    t = await buildTestApp({ lifecycle: 'time:1' });
    const kind = TASK_KINDS[1]!;
    const id = await create(kind);
    t.clock.advance(0.5);
    await t.request.put('/_mock/lifecycle').send({ mode: 'time', seconds_per_state: 2.5 }).expect(200);
    t.clock.advance(2.4);
    expect((await poll(kind, id)).status).toBe('WAITING');
    t.clock.advance(0.1);
    expect((await poll(kind, id)).status).toBe('PROCESSING');
  });

  it('counts reads afresh after a change to reads mode', async () => {
    t = await buildTestApp({ lifecycle: 'reads:2' });
    const kind = TASK_KINDS[3]!;
    const id = await create(kind);
    await poll(kind, id);
    await t.request.put('/_mock/lifecycle').send({ mode: 'reads', reads_per_state: 3 }).expect(200);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await poll(kind, id)).status);
    expect(seen).toEqual(['WAITING', 'WAITING', 'WAITING', 'PROCESSING']);
  });

  it('refuses to cancel or advance a task the clock has finished though nobody read it', async () => {
    t = await buildTestApp({ lifecycle: 'time:1' });
    const kind = TASK_KINDS[0]!;
    const id = await create(kind);
    t.clock.advance(10);
    expect((await t.request.delete(`/v1/${PROJECT}/transcodings?task_id=${id}`).expect(400)).body.error_code).toBe('MPC.10212');
    expect((await t.request.post(`/_mock/tasks/transcodings/${id}/advance?project_id=${PROJECT}`).expect(400)).body.error_code).toBe('MPC.10212');
    expect((await poll(kind, id)).status).toBe('SUCCEEDED');
  });

  it('serves the details of a snapshot the clock has finished, before any list reads it', async () => {
    t = await buildTestApp({ lifecycle: 'time:1' });
    const id = await create(TASK_KINDS[1]!);
    t.clock.advance(10);
    expect((await t.request.get(`/v1/${PROJECT}/asset/thumbnail/details?task_id=${id}`).expect(200)).body.total).toBe(6);
  });

  it('never ends a task before it began, when the clock is set back', async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
    const kind = TASK_KINDS[2]!;
    const moved = await create(kind);
    const canceled = await create(kind);
    t.clock.freeze(Date.parse('2026-11-25T09:00:00Z'));
    for (let i = 0; i < 3; i++) t.tasks.advance('animated-graphics', moved, PROJECT);
    await t.request.delete(`/v1/${PROJECT}/animated-graphics?task_id=${canceled}`).expect(204);
    for (const id of [moved, canceled]) {
      const task = await poll(kind, id);
      expect(task.end_time! >= task.create_time).toBe(true);
      expect(task.end_time).toBe('20261125100000');
    }
  });

  it('uses a cancel rule’s own description, and finishes a created snapshot at once in immediate mode', async () => {
    t = await buildTestApp({ lifecycle: 'immediate', outcomes: [{ input_object: '*.avi', outcome: 'cancel', description: 'Canceled by policy.' }] });
    const body = { ...CREATE_BODIES.encryptions, input: { bucket: 'b', location: 'cn-north-4', object: 'x.avi' } };
    expect((await poll(TASK_KINDS[3]!, await create(TASK_KINDS[3]!, PROJECT, body))).description).toBe('Canceled by policy.');
    const snap = await t.request.post(`/v1/${PROJECT}/thumbnails`).send(CREATE_BODIES.thumbnails).expect(202);
    expect(snap.body.status).toBe('SUCCEEDED');
  });

  it('reports a running transcoding task half way', async () => {
    t = await buildTestApp({ lifecycle: 'manual' });
    const id = await create(TASK_KINDS[0]!);
    expect(t.tasks.advance('transcodings', id, PROJECT)).toMatchObject({ status: 'TRANSCODING', progress: 50 });
  });

  it('keeps at least one template’s output in a partial success, and succeeds a one-template task whole', async () => {
    t = await buildTestApp({ lifecycle: 'immediate', outcomes: [{ outcome: 'partial', failed_templates: 9 }] });
    const two = await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, trans_template_id: [7000522, 7000523] }));
    expect((two.transcode_detail as { multitask_info: object[] }).multitask_info.map((m) => 'output_file' in m)).toEqual([true, false]);
    const one = await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, trans_template_id: [7000522] }));
    expect(one.output_file_name).toHaveLength(1);
  });

  it('follows av_parameters when a task also names templates, and a project’s own template over a shared one with its id', async () => {
    const { defaultFixtures } = await import('./helper.js');
    const base = defaultFixtures();
    const own: TransTemplate = { template_id: 7000523, common: { pack_type: 4 }, video: { codec: 1, width: 320, height: 180, bitrate: 200 }, audio: { codec: 1, channels: 1, bitrate: 32 } };
    t = await buildTestApp({ lifecycle: 'immediate', fixtures: { ...base, templates: [...base.templates, { projectId: 'mine', template: own }] } });
    const av = await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, PROJECT, { ...CREATE_BODIES.transcodings, av_parameters: [{ common: { pack_type: 5 }, audio: { codec: 4, channels: 2 } }] }));
    expect((av.transcode_detail as { multitask_info: Array<{ output_file: { format: string } }> }).multitask_info.map((m) => m.output_file.format)).toEqual(['MP3']);
    const mine = await poll(TASK_KINDS[0]!, await create(TASK_KINDS[0]!, 'mine', { ...CREATE_BODIES.transcodings, trans_template_id: [7000523] }), 'mine');
    expect((mine.transcode_detail as { multitask_info: Array<{ output_file: { format: string; video_info: { width: number } } }> }).multitask_info[0]!.output_file).toMatchObject({ format: 'MP4', video_info: { width: 320 } });
  });
});
