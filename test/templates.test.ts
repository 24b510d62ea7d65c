// SPEC 10.1-10.3: a project's own transcoding templates through the vendor API (CreateTransTemplate, ListTemplate,
// UpdateTransTemplate, DeleteTemplate), the presets as system templates, tasks that name a created template, and
// templates as state (reset, export and import, a file store).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { buildTestApp, invalid, type TestApp } from './helper.js';

const URL_OF = (project: string) => `/v1/${project}/template/transcodings`;
const HLS_720 = {
  template_name: 'HLS_H264_720P_team',
  video: { output_policy: 'transcode', codec: 1, bitrate: 1500, profile: 3, frame_rate: 25, width: 1280, height: 720 },
  audio: { output_policy: 'transcode', codec: 1, sample_rate: 4, bitrate: 128, channels: 2 },
  common: { PVC: false, hls_interval: 5, pack_type: 1 },
};
const MP3 = { template_name: 'MP3_128K', audio: { codec: 4, sample_rate: 4, bitrate: 128, channels: 2 }, common: { pack_type: 5 } };

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ lifecycle: 'immediate' });
});
afterAll(() => t.close());

const createTemplate = async (project: string, body: object = HLS_720) => (await t.request.post(URL_OF(project)).send(body).expect(201)).body.template_id as number;
const list = async (project: string, query = '') => (await t.request.get(`${URL_OF(project)}${query}`).expect(200)).body as { template_array: Array<{ template_id: number; template: Record<string, unknown> }>; total: number };

describe('transcoding templates of a project (SPEC 10.1)', () => {
  it('round trip: create (201, a numeric id), list, replace (204), list, delete (204), list', async () => {
    const id = await createTemplate('tpl-a');
    expect(typeof id).toBe('number');
    expect(await list('tpl-a')).toEqual({ total: 1, template_array: [{ template_id: id, template: HLS_720 }] });
    const changed = { template_id: id, ...MP3 };
    expect((await t.request.put(URL_OF('tpl-a')).send(changed).expect(204)).text).toBe('');
    // The body replaced the template: the video settings are gone, an audio-only template answers video discarded.
    expect((await list('tpl-a', `?template_id=${id}`)).template_array).toEqual([{ template_id: id, template: { ...MP3, video: { output_policy: 'discard' } } }]);
    await t.request.delete(`${URL_OF('tpl-a')}?template_id=${id}`).expect(204);
    expect(await list('tpl-a')).toEqual({ total: 0, template_array: [] });
    // An id is never handed out again.
    expect(await createTemplate('tpl-a')).toBeGreaterThan(id);
  });

  it('pages the project’s own templates newest first, total counting them all; by id it answers presets too', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createTemplate('tpl-page', { ...HLS_720, template_name: `n${i}` }));
    const page1 = await list('tpl-page', '?page=1&size=2');
    expect(page1.total).toBe(5);
    expect(page1.template_array.map((x) => x.template_id)).toEqual([ids[2], ids[1]]);
    expect((await list('tpl-page')).template_array.map((x) => x.template_id)).toEqual([...ids].reverse());
    // By id: page and size ignored, a preset (a system template) answered, an unknown id left out.
    const byId = await list('tpl-page', `?template_id=${ids[0]}&template_id=7000522&template_id=1&page=3&size=1`);
    expect(byId.template_array.map((x) => x.template_id)).toEqual([ids[0], 7000522]);
    expect(byId.template_array[1]!.template.template_name).toBe('HLS_H264_360P');
    expect(byId.total).toBe(2);
  });

  it('keeps projects apart: another project neither lists, changes nor uses a project’s template', async () => {
    const id = await createTemplate('tpl-own', { ...HLS_720, template_name: 'mine' });
    expect((await list('tpl-other', `?template_id=${id}`)).total).toBe(0);
    expect((await t.request.delete(`${URL_OF('tpl-other')}?template_id=${id}`).expect(403)).body).toEqual({ error_code: 'MPC.10239', error_msg: `The template does not exist, template_id ${id}.` });
    // A name is unique within a project only.
    await createTemplate('tpl-other', { ...HLS_720, template_name: 'mine' });
  });

  it('refuses what the vendor refuses, in its envelope', async () => {
    const id = await createTemplate('tpl-bad', { ...HLS_720, template_name: 'taken' });
    const cases: Array<[string, object, number, object]> = [
      ['a missing common', { template_name: 'x' }, 400, invalid('common is required')],
      ['both streams discarded', { ...HLS_720, template_name: 'x', video: { output_policy: 'discard' }, audio: { ...HLS_720.audio, output_policy: 'discard' } }, 400, invalid('video.output_policy and audio.output_policy cannot both be discard')],
      ['video in an MP3 template', { ...MP3, template_name: 'x', video: { codec: 1 } }, 400, invalid('video must be left out or discarded when common.pack_type is 5')],
      ['an H.265 width that is not a multiple of 4', { ...HLS_720, template_name: 'x', video: { codec: 2, width: 1282, height: 720 } }, 400, invalid('video.width must be 0 or a multiple of 4 from 320 when video.codec is 2 (H.265)')],
      ['a name the project has', { ...HLS_720, template_name: 'taken' }, 400, { error_code: 'MPC.10091', error_msg: 'The template name already exists.' }],
    ];
    for (const [, body, status, answer] of cases) expect((await t.request.post(URL_OF('tpl-bad')).send(body).expect(status)).body).toEqual(answer);
    // Changing: a preset is the vendor's, an unknown id is MPC.10239, and the rules of the create hold.
    expect((await t.request.put(URL_OF('tpl-bad')).send({ template_id: 7000522, ...MP3 }).expect(400)).body).toEqual(invalid('template 7000522 is a preset and cannot be changed or deleted'));
    expect((await t.request.delete(`${URL_OF('tpl-bad')}?template_id=7000522`).expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.put(URL_OF('tpl-bad')).send({ template_id: 42, ...MP3 }).expect(403)).body.error_code).toBe('MPC.10239');
    const other = await createTemplate('tpl-bad', { ...HLS_720, template_name: 'other' });
    expect((await t.request.put(URL_OF('tpl-bad')).send({ ...HLS_720, template_id: other, template_name: 'taken' }).expect(400)).body.error_code).toBe('MPC.10091');
    // Keeping its own name is no clash.
    await t.request.put(URL_OF('tpl-bad')).send({ ...HLS_720, template_id: id, template_name: 'taken' }).expect(204);
    expect((await t.request.delete(URL_OF('tpl-bad')).expect(400)).body).toEqual(invalid('template_id is required'));
    expect((await t.request.get(`${URL_OF('tpl-bad')}?${Array.from({ length: 11 }, (_, i) => `template_id=${i + 1}`).join('&')}`).expect(400)).body.error_code).toBe('MPC.10202');
  });
});

describe('a task that names a created template (SPEC 10.2)', () => {
  const poll = async (project: string, id: number) => (await t.request.get(`/v1/${project}/transcodings?task_id=${id}`).expect(200)).body.task_array[0];
  const transcode = async (project: string, templateId: number) =>
    (await t.request.post(`/v1/${project}/transcodings`).send({ ...CREATE_BODIES.transcodings, trans_template_id: [templateId] }).expect(202)).body.task_id as number;

  it('gets that template’s outputs, follows a replaced template, and another project’s task does not see it', async () => {
    const id = await createTemplate('tpl-task', { ...HLS_720, template_name: 'p540', video: { ...HLS_720.video, width: 960, height: 540, bitrate: 1100 } });
    const task = await poll('tpl-task', await transcode('tpl-task', id));
    expect(task.status).toBe('SUCCEEDED');
    const output = task.transcode_detail.multitask_info[0];
    expect(output.template_id).toBe(id);
    expect(output.output_file).toMatchObject({ format: 'HLS', video_info: { width: 960, height: 540, codec: 'H264' } });
    await t.request.put(URL_OF('tpl-task')).send({ template_id: id, ...MP3 }).expect(204);
    const audio = await poll('tpl-task', await transcode('tpl-task', id));
    expect(audio.transcode_detail.multitask_info[0].output_file).toMatchObject({ format: 'MP3' });
    expect(audio.transcode_detail.multitask_info[0].output_file).not.toHaveProperty('video_info');
    // The task made before keeps what it was made with.
    expect((await poll('tpl-task', task.task_id)).transcode_detail.multitask_info[0].output_file.format).toBe('HLS');
    // Elsewhere the id is unknown: the plausible defaults of SPEC 4.5 (H.264 1280x720), not this template.
    const elsewhere = await poll('tpl-elsewhere', await transcode('tpl-elsewhere', id));
    expect(elsewhere.transcode_detail.multitask_info[0].output_file.video_info).toMatchObject({ width: 1280, height: 720 });
  });

  it('strict: a created template is known, a deleted one is not', async () => {
    const strict = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true });
    try {
      const id = (await strict.request.post(URL_OF('tpl-strict')).send(HLS_720).expect(201)).body.template_id;
      const body = { ...CREATE_BODIES.transcodings, trans_template_id: [id] };
      await strict.request.post('/v1/tpl-strict/transcodings').send(body).expect(202);
      await strict.request.delete(`${URL_OF('tpl-strict')}?template_id=${id}`).expect(204);
      expect((await strict.request.post('/v1/tpl-strict/transcodings').send(body).expect(400)).body).toEqual(invalid(`trans_template_id ${id} is not a known template`));
    } finally {
      await strict.close();
    }
  });
});

describe('templates are state (SPEC 10.3)', () => {
  it('a project’s reset forgets its created templates and keeps the presets; export and import carry them', async () => {
    const id = await createTemplate('tpl-state');
    const exported = (await t.request.get('/_mock/tasks?project_id=tpl-state').expect(200)).body;
    expect(exported.transcoding_templates).toEqual([{ template_id: id, ...HLS_720 }]);
    await t.request.post('/_mock/reset').send({ project_id: 'tpl-state' }).expect(200);
    expect((await list('tpl-state')).total).toBe(0);
    expect((await list('tpl-state', '?template_id=7000522')).total).toBe(1);
    expect((await t.request.post('/_mock/tasks').send(exported).expect(200)).body.added.transcoding_templates).toBe(1);
    expect((await list('tpl-state')).template_array).toEqual([{ template_id: id, template: HLS_720 }]);
    // An imported template counts for the ids: the next one created is above it.
    expect(await createTemplate('tpl-state', { ...HLS_720, template_name: 'next' })).toBeGreaterThan(id);
  });

  it('a file store keeps them across a restart, and the next id stays above every one it held', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mpc-templates-')), 'templates.db');
    const post = (url: string, path: string, body: object, method = 'POST') =>
      fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let mock = await startMpcMock({ port: 0, db, logLevel: 'silent' });
    const first = ((await (await post(mock.url, URL_OF('keep'), HLS_720)).json()) as { template_id: number }).template_id;
    const second = ((await (await post(mock.url, URL_OF('keep'), { ...HLS_720, template_name: 'b' })).json()) as { template_id: number }).template_id;
    expect((await fetch(`${mock.url}${URL_OF('keep')}?template_id=${second}`, { method: 'DELETE' })).status).toBe(204);
    await mock.close();
    mock = await startMpcMock({ port: 0, db, logLevel: 'silent' });
    try {
      const listed = (await (await fetch(`${mock.url}${URL_OF('keep')}`)).json()) as { template_array: Array<{ template_id: number }> };
      expect(listed.template_array.map((x) => x.template_id)).toEqual([first]);
      const third = ((await (await post(mock.url, URL_OF('keep'), { ...HLS_720, template_name: 'c' })).json()) as { template_id: number }).template_id;
      expect(third).toBeGreaterThan(second);
      // A group and its templates too, and the counter stays above a group's id.
      const group = ((await (await post(mock.url, '/v1/keep/template_group/transcodings', { name: 'g', videos: [{ width: 640, height: 360, bitrate: 600 }], common: { pack_type: 4 } })).json()) as {
        template_group: { group_id: string; template_ids: number[] };
      }).template_group;
      // A watermark and a video enhancement template as well.
      const watermark = ((await (await post(mock.url, '/v1/keep/template/watermark', { template_name: 'w', type: 'Image' })).json()) as { template_id: number }).template_id;
      const enhance = ((await (await post(mock.url, '/v1/keep/template/qualityenhance', { template_name: 'q' })).json()) as { template_id: number }).template_id;
      await mock.close();
      mock = await startMpcMock({ port: 0, db, logLevel: 'silent' });
      const view = (await (await fetch(`${mock.url}/_mock/templates?project_id=keep`)).json()) as { watermark_templates: Array<{ template_id: number }>; quality_enhance_templates: Array<{ template_id: number }> };
      expect(view.watermark_templates.map((w) => w.template_id)).toEqual([watermark]);
      expect(view.quality_enhance_templates.map((q) => q.template_id)).toEqual([enhance]);
      const groups = (await (await fetch(`${mock.url}/v1/keep/template_group/transcodings`)).json()) as { template_group_list: Array<{ group_id: string }> };
      expect(groups.template_group_list.map((g) => g.group_id)).toEqual([group.group_id]);
      const fourth = ((await (await post(mock.url, URL_OF('keep'), { ...HLS_720, template_name: 'd' })).json()) as { template_id: number }).template_id;
      expect(fourth).toBeGreaterThan(group.template_ids[0]!);
    } finally {
      await mock.close();
    }
  });
});

describe('transcoding template groups (SPEC 10.1)', () => {
  const GROUPS = (project: string) => `/v1/${project}/template_group/transcodings`;
  const GROUP = {
    name: 'ladder',
    videos: [
      { width: 1280, height: 720, bitrate: 1500 },
      { width: 640, height: 360, bitrate: 600 },
    ],
    video_common: { codec: 1, profile: 3, frame_rate: 25 },
    audio: { codec: 1, sample_rate: 4, bitrate: 128, channels: 2 },
    common: { pack_type: 4 },
  };
  const createGroup = async (project: string, body: object = GROUP) => (await t.request.post(GROUPS(project)).send(body).expect(201)).body.template_group;
  const listGroups = async (project: string, query = '') => (await t.request.get(`${GROUPS(project)}${query}`).expect(200)).body;

  it('round trip: a group makes one template per output; list, change, list, delete (and its templates), list', async () => {
    const group = await createGroup('grp-a');
    expect(group).toMatchObject({ name: 'ladder', video_common: GROUP.video_common, audio: GROUP.audio, common: GROUP.common });
    expect(typeof group.group_id).toBe('string');
    expect(group.template_ids).toHaveLength(2);
    expect(group.videos).toEqual(GROUP.videos.map((v, i) => ({ template_id: group.template_ids[i], ...v })));
    expect(await listGroups('grp-a')).toEqual({ template_group_list: [group], total: 1 });
    // The templates are the project's, with the shared settings and each output's size.
    const templates = await list('grp-a', `?template_id=${group.template_ids[0]}`);
    expect(templates.template_array[0]!.template).toEqual({ template_name: 'ladder_1', video: { ...GROUP.video_common, ...GROUP.videos[0] }, audio: GROUP.audio, common: GROUP.common });
    // A change of videos: the first output keeps its template, an added one gets a new id, a removed one's goes.
    await t.request.put(GROUPS('grp-a')).send({ group_id: group.group_id, videos: [{ width: 1920, height: 1080, bitrate: 3000 }] }).expect(204);
    const changed = (await listGroups('grp-a', `?group_id=${group.group_id}`)).template_group_list[0];
    expect(changed).toMatchObject({ name: 'ladder', template_ids: [group.template_ids[0]], videos: [{ template_id: group.template_ids[0], width: 1920, height: 1080, bitrate: 3000 }] });
    expect((await list('grp-a')).template_array.map((x) => x.template_id)).toEqual([group.template_ids[0]]);
    await t.request.put(GROUPS('grp-a')).send({ group_id: group.group_id, name: 'ladder2', videos: [...GROUP.videos, { width: 480, height: 270, bitrate: 300 }] }).expect(204);
    const grown = (await listGroups('grp-a')).template_group_list[0];
    expect(grown.template_ids[0]).toBe(group.template_ids[0]);
    expect(grown.template_ids).toHaveLength(3);
    expect(grown.template_ids[2]).toBeGreaterThan(group.template_ids[1]);
    await t.request.delete(`${GROUPS('grp-a')}?group_id=${group.group_id}`).expect(204);
    expect(await listGroups('grp-a')).toEqual({ template_group_list: [], total: 0 });
    expect((await list('grp-a')).total).toBe(0);
  });

  it('a task naming a group’s template ids gets one output per rendition', async () => {
    const group = await createGroup('grp-task');
    const id = (await t.request.post('/v1/grp-task/transcodings').send({ ...CREATE_BODIES.transcodings, trans_template_id: group.template_ids }).expect(202)).body.task_id;
    const task = (await t.request.get(`/v1/grp-task/transcodings?task_id=${id}`).expect(200)).body.task_array[0];
    expect(task.transcode_detail.multitask_info.map((m: { output_file: { format: string; video_info: { width: number } } }) => [m.output_file.format, m.output_file.video_info.width])).toEqual([
      ['MP4', 1280],
      ['MP4', 640],
    ]);
  });

  it('strict: one task’s templates differ only in bitrate, width and height, come from one group, one file name each', async () => {
    const strict = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true });
    try {
      const send = (ids: number[], extra: object = {}) => strict.request.post('/v1/grp-strict/transcodings').send({ ...CREATE_BODIES.transcodings, trans_template_id: ids, ...extra });
      const a = (await strict.request.post(GROUPS('grp-strict')).send(GROUP).expect(201)).body.template_group;
      const b = (await strict.request.post(GROUPS('grp-strict')).send({ ...GROUP, name: 'ladder_b' }).expect(201)).body.template_group;
      await send(a.template_ids).expect(202);
      await send(a.template_ids, { output_filenames: ['hi.mp4', 'lo.mp4'] }).expect(202);
      expect((await send(a.template_ids, { output_filenames: ['hi.mp4'] }).expect(400)).body).toEqual(invalid('output_filenames must name one file per template (2), in the same order'));
      expect((await send([a.template_ids[0], b.template_ids[1]]).expect(400)).body).toEqual(invalid(`the templates of one task come from one template group, not from groups ${a.group_id} and ${b.group_id}`));
      // Two templates of no group that differ only in size and bitrate are fine; a codec apart is not.
      const own = async (name: string, video: object) => (await strict.request.post(URL_OF('grp-strict')).send({ ...HLS_720, template_name: name, video: { ...HLS_720.video, ...video } }).expect(201)).body.template_id as number;
      const hi = await own('hi', {});
      const lo = await own('lo', { width: 640, height: 360, bitrate: 500 });
      const h265 = await own('h265', { codec: 2 });
      await send([hi, lo]).expect(202);
      expect((await send([hi, h265]).expect(400)).body).toEqual(invalid(`the templates of one task may differ only in bitrate, width and height: template ${h265} differs from template ${hi} in more`));
      expect((await send([a.template_ids[0], lo]).expect(400)).body.error_msg).toMatch(/differ only in bitrate|come from one template group/);
    } finally {
      await strict.close();
    }
    // Not strict: anything goes.
    await t.request.post('/v1/grp-loose/transcodings').send({ ...CREATE_BODIES.transcodings, trans_template_id: [7000521, 7000541] }).expect(202);
  });

  it('filters by name, pages newest first, and refuses what the vendor refuses', async () => {
    const first = await createGroup('grp-list', { ...GROUP, name: 'one' });
    const second = await createGroup('grp-list', { ...GROUP, name: 'two' });
    expect((await listGroups('grp-list', '?page=0&size=1')).template_group_list.map((g: { group_id: string }) => g.group_id)).toEqual([second.group_id]);
    expect((await listGroups('grp-list', '?group_name=one&group_name=none')).template_group_list.map((g: { group_id: string }) => g.group_id)).toEqual([first.group_id]);
    expect((await listGroups('grp-list', '?group_name=one')).total).toBe(1);
    const notFound = { error_code: 'MPC.10231', error_msg: 'The template group does not exist.' };
    expect((await t.request.get(`${GROUPS('grp-list')}?group_id=${first.group_id}&group_id=404`).expect(403)).body).toEqual(notFound);
    expect((await t.request.put(GROUPS('grp-list')).send({ group_id: '404', name: 'x' }).expect(403)).body).toEqual(notFound);
    expect((await t.request.delete(`${GROUPS('grp-list')}?group_id=404`).expect(403)).body).toEqual(notFound);
    // Another project does not have the group.
    expect((await t.request.delete(`${GROUPS('grp-else')}?group_id=${first.group_id}`).expect(403)).body).toEqual(notFound);
    const taken = { error_code: 'MPC.10230', error_msg: 'The template group already exists.' };
    expect((await t.request.post(GROUPS('grp-list')).send({ ...GROUP, name: 'one' }).expect(400)).body).toEqual(taken);
    expect((await t.request.put(GROUPS('grp-list')).send({ group_id: second.group_id, name: 'one' }).expect(400)).body).toEqual(taken);
    expect((await t.request.post(GROUPS('grp-list')).send({ ...GROUP, videos: Array(7).fill(GROUP.videos[0]) }).expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.post(GROUPS('grp-list')).send({ ...GROUP, name: 'h265', video_common: { codec: 2 }, videos: [{ width: 322, height: 240, bitrate: 0 }] }).expect(400)).body).toEqual(
      invalid('video.width must be 0 or a multiple of 4 from 320 when video.codec is 2 (H.265)'),
    );
    // A group's template is changed through its group.
    expect((await t.request.delete(`${URL_OF('grp-list')}?template_id=${first.template_ids[0]}`).expect(400)).body).toEqual(
      invalid(`template ${first.template_ids[0]} belongs to template group ${first.group_id}: change the group instead`),
    );
  });

  it('is state: a reset forgets a project’s groups and their templates; export and import carry both', async () => {
    const group = await createGroup('grp-state');
    const exported = (await t.request.get('/_mock/tasks?project_id=grp-state').expect(200)).body;
    expect(exported.transcoding_template_groups).toEqual([group]);
    expect(exported.transcoding_templates.map((x: { template_id: number }) => x.template_id)).toEqual(group.template_ids);
    await t.request.post('/_mock/reset').send({ project_id: 'grp-state' }).expect(200);
    expect((await listGroups('grp-state')).total).toBe(0);
    expect((await list('grp-state')).total).toBe(0);
    const added = (await t.request.post('/_mock/tasks').send(exported).expect(200)).body.added;
    expect([added.transcoding_templates, added.transcoding_template_groups]).toEqual([2, 1]);
    expect((await listGroups('grp-state')).template_group_list).toEqual([group]);
    // Imported again, it is already there (its templates are, first); a group without its templates is refused.
    expect((await t.request.post('/_mock/tasks').send(exported).expect(400)).body.error_msg).toBe(`Invalid request parameter, transcoding template ${group.template_ids[0]} is already there.`);
    expect((await t.request.post('/_mock/tasks').send({ project_id: 'grp-state', transcoding_template_groups: exported.transcoding_template_groups }).expect(400)).body.error_msg).toBe(
      `Invalid request parameter, transcoding_template_groups[0] (group_id ${group.group_id}): template ${group.template_ids[0]} is not among the file's transcoding_templates.`,
    );
    // A group and its templates belong to one project: shared fixtures have none.
    expect((await t.request.post('/_mock/tasks').send({ transcoding_template_groups: [group] }).expect(400)).body.error_msg).toMatch(/transcoding_template_groups needs the file's project_id/);
  });
});

describe('watermark templates (SPEC 10.1)', () => {
  const WATERMARKS = (project: string) => `/v1/${project}/template/watermark`;
  const LOGO = { template_name: 'logo', type: 'Image', dx: '10', dy: '10', referpos: 'TopRight', image_process: 'Transparent', width: '120', height: '60', base: 'input' };
  const createWatermark = async (project: string, body: object = LOGO) => (await t.request.post(WATERMARKS(project)).send(body).expect(201)).body.template_id as number;
  const listWatermarks = async (project: string, query = '') => (await t.request.get(`${WATERMARKS(project)}${query}`).expect(200)).body;

  it('round trip: create (201, a numeric id; a body id is ignored), list, change the fields given, list, delete, list', async () => {
    const id = await createWatermark('wm-a', { ...LOGO, template_id: 5 });
    expect(id).not.toBe(5);
    expect(await listWatermarks('wm-a')).toEqual({ total: 1, templates: [{ template_id: id, ...LOGO }] });
    await t.request.put(WATERMARKS('wm-a')).send({ template_id: id, dx: '20', referpos: 'BottomLeft' }).expect(204);
    expect((await listWatermarks('wm-a', `?template_id=${id}&template_id=99`)).templates).toEqual([{ template_id: id, ...LOGO, dx: '20', referpos: 'BottomLeft' }]);
    await t.request.delete(`${WATERMARKS('wm-a')}?template_id=${id}`).expect(204);
    expect(await listWatermarks('wm-a')).toEqual({ total: 0, templates: [] });
  });

  it('pages newest first, keeps projects apart and refuses what the vendor refuses', async () => {
    const ids = [await createWatermark('wm-b'), await createWatermark('wm-b'), await createWatermark('wm-b')];
    expect((await listWatermarks('wm-b', '?page=1&size=2')).templates.map((w: { template_id: number }) => w.template_id)).toEqual([ids[0]]);
    expect((await listWatermarks('wm-b')).total).toBe(3);
    expect((await listWatermarks('wm-other')).total).toBe(0);
    const missing = { error_code: 'MPC.10212', error_msg: `Operation failed, no watermark template ${ids[0]}.` };
    expect((await t.request.delete(`${WATERMARKS('wm-other')}?template_id=${ids[0]}`).expect(403)).body).toEqual(missing);
    expect((await t.request.put(WATERMARKS('wm-other')).send({ template_id: ids[0], dx: '1' }).expect(403)).body).toEqual(missing);
    expect((await t.request.put(WATERMARKS('wm-b')).send({ dx: '1' }).expect(400)).body).toEqual(invalid('template_id is required'));
    expect((await t.request.post(WATERMARKS('wm-b')).send({ referpos: 'Middle' }).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('strict: a task’s watermarks[].template_id must be one of the project’s watermark templates', async () => {
    const strict = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true });
    try {
      const id = (await strict.request.post(WATERMARKS('wm-strict')).send(LOGO).expect(201)).body.template_id;
      const body = (templateId: string) => ({ ...CREATE_BODIES.transcodings, watermarks: [{ template_id: templateId, input: { bucket: 'b', location: 'cn-north-4', object: 'logo.png' } }] });
      await strict.request.post('/v1/wm-strict/transcodings').send(body(String(id))).expect(202);
      expect((await strict.request.post('/v1/wm-elsewhere/transcodings').send(body(String(id))).expect(400)).body).toEqual(invalid(`watermarks[0].template_id ${id} is not a known watermark template`));
    } finally {
      await strict.close();
    }
    // Not strict: any id is taken.
    await t.request.post('/v1/wm-loose/transcodings').send({ ...CREATE_BODIES.transcodings, watermarks: [{ template_id: '1' }] }).expect(202);
  });

  it('is state: reset, export and import, fixture files of a project only', async () => {
    const id = await createWatermark('wm-state');
    const exported = (await t.request.get('/_mock/tasks?project_id=wm-state').expect(200)).body;
    expect(exported.watermark_templates).toEqual([{ template_id: id, ...LOGO }]);
    await t.request.post('/_mock/reset').send({ project_id: 'wm-state' }).expect(200);
    expect((await listWatermarks('wm-state')).total).toBe(0);
    expect((await t.request.post('/_mock/tasks').send(exported).expect(200)).body.added.watermark_templates).toBe(1);
    expect((await listWatermarks('wm-state')).templates).toEqual([{ template_id: id, ...LOGO }]);
    expect((await t.request.post('/_mock/tasks').send(exported).expect(400)).body.error_msg).toBe(`Invalid request parameter, watermark template ${id} is already there.`);
    expect((await t.request.post('/_mock/tasks').send({ project_id: 'wm-state', watermark_templates: [LOGO] }).expect(400)).body.error_msg).toBe('Invalid request parameter, watermark_templates[0]: template_id is required.');
    expect((await t.request.post('/_mock/tasks').send({ watermark_templates: [{ template_id: 1 }] }).expect(400)).body.error_msg).toMatch(/watermark_templates needs the file's project_id/);
    // The next id created is above the imported one.
    expect(await createWatermark('wm-state')).toBeGreaterThan(id);
  });
});

describe('template lists past the end', () => {
  // Found by the fuzz test: page * size past what a number says exactly was a 500 from SQLite.
  it.each(['template/transcodings', 'template_group/transcodings', 'template/watermark'])('%s: a page past the end, however far, is empty', async (path) => {
    for (const page of ['3', '77777777777777777777777777777777777777777777777777777777777777777']) {
      const body = (await t.request.get(`/v1/tpl-far/${path}?page=${page}&size=100`).expect(200)).body;
      expect(Object.values(body).find(Array.isArray)).toEqual([]);
    }
  });
});

describe('video enhancement templates (SPEC 10.1)', () => {
  const QE = (project: string) => `/v1/${project}/template/qualityenhance`;
  const DENOISE = { template_name: 'clean', video: { video_denoise: { name: 'hw-denoise', execution_order: 1 }, video_sharp: { name: 'hw-sharp', execution_order: 2, amount: '0.3' } } };
  const createQe = async (project: string, body: object = DENOISE) => (await t.request.post(QE(project)).send(body).expect(201)).body.template_id as number;
  /** The SDK has no list of a project's own enhancement templates: the export shows them. */
  const own = async (project: string) => (await t.request.get(`/_mock/tasks?project_id=${project}`).expect(200)).body.quality_enhance_templates;

  it('the presets: every one at once, under task_array, each with a description, the same for every project', async () => {
    const a = (await t.request.get(`${QE('qe-a')}/default`).expect(200)).body;
    expect(a.total).toBe(a.task_array.length);
    expect(a.total).toBeGreaterThanOrEqual(2);
    for (const p of a.task_array) expect(p.template.template_description).toEqual(expect.any(String));
    expect((await t.request.get(`${QE('qe-b')}/default`).expect(200)).body).toEqual(a);
  });

  it('round trip: create (201, a numeric id, a description dropped), update (204), delete (204), in the project only', async () => {
    const id = await createQe('qe-a', { ...DENOISE, template_description: 'mine' });
    expect(typeof id).toBe('number');
    expect(await own('qe-a')).toEqual([{ template_id: id, template: DENOISE }]);
    const sharper = { template_name: 'clean2', video: { video_sharp: { name: 'hw-sharp', execution_order: 1, amount: '0.8' } } };
    expect((await t.request.put(QE('qe-a')).send({ template_id: id, template: sharper }).expect(204)).text).toBe('');
    expect(await own('qe-a')).toEqual([{ template_id: id, template: sharper }]);
    const missing = { error_code: 'MPC.10212', error_msg: `Operation failed, no video enhancement template ${id}.` };
    expect((await t.request.delete(`${QE('qe-other')}?template_id=${id}`).expect(403)).body).toEqual(missing);
    await t.request.delete(`${QE('qe-a')}?template_id=${id}`).expect(204);
    expect(await own('qe-a')).toBeUndefined();
    expect((await t.request.delete(`${QE('qe-a')}?template_id=${id}`).expect(403)).body).toEqual(missing);
  });

  it('refuses what the vendor refuses: presets changed, steps at one order, a scale out of range, a missing field', async () => {
    const preset = (await t.request.get(`${QE('qe-c')}/default`).expect(200)).body.task_array[0].template_id;
    expect((await t.request.delete(`${QE('qe-c')}?template_id=${preset}`).expect(400)).body).toEqual(invalid(`template_id ${preset} is a preset and cannot be changed or deleted`));
    expect((await t.request.put(QE('qe-c')).send({ template_id: preset, template: DENOISE }).expect(400)).body.error_code).toBe('MPC.10202');
    const clash = { template_name: 'x', video: { video_denoise: { name: 'hw-denoise', execution_order: 1 }, video_deblock: { name: 'hw-deblock', execution_order: 1 } } };
    expect((await t.request.post(QE('qe-c')).send(clash).expect(400)).body).toEqual(invalid("video.video_deblock.execution_order 1 is video.video_denoise's already: two steps cannot run at once"));
    const scale = { template_name: 'x', video: { video_superresolution: { name: 'hw-sr', execution_order: 1, scale: '9' } } };
    expect((await t.request.post(QE('qe-c')).send(scale).expect(400)).body).toEqual(invalid('video.video_superresolution.scale must be a number from 2 to 8'));
    expect((await t.request.post(QE('qe-c')).send({ video: {} }).expect(400)).body.error_code).toBe('MPC.10202');
    expect((await t.request.post(QE('qe-c')).send({ template_name: 'x', video: { video_sharp: { name: 'sharp' } } }).expect(400)).body.error_code).toBe('MPC.10202');
    const id = await createQe('qe-c');
    expect((await t.request.put(QE('qe-c')).send({ template_id: id }).expect(400)).body).toEqual(invalid('template is required'));
    expect((await t.request.put(QE('qe-c')).send({ template: DENOISE }).expect(400)).body).toEqual(invalid('template_id is required'));
    expect((await t.request.delete(QE('qe-c')).expect(400)).body.error_code).toBe('MPC.10202');
  });

  it('strict: an enhancement task names a preset or one of the project’s templates', async () => {
    const strict = await buildTestApp({ lifecycle: 'immediate', strictTemplates: true });
    try {
      const id = (await strict.request.post(QE('qe-strict')).send(DENOISE).expect(201)).body.template_id;
      const body = (templateId: string) => ({ ...CREATE_BODIES.enhancements, template_id: templateId });
      await strict.request.post('/v1/qe-strict/enhancements').send(body(String(id))).expect(200);
      await strict.request.post('/v1/qe-elsewhere/enhancements').send(body('1001')).expect(200);
      expect((await strict.request.post('/v1/qe-elsewhere/enhancements').send(body(String(id))).expect(400)).body).toEqual(invalid(`template_id ${id} is not a known video enhancement template`));
    } finally {
      await strict.close();
    }
    await t.request.post('/v1/qe-loose/enhancements').send({ ...CREATE_BODIES.enhancements, template_id: '424242' }).expect(200);
  });

  it('is state: reset, export and import, fixture files of a project only', async () => {
    const id = await createQe('qe-state');
    const exported = (await t.request.get('/_mock/tasks?project_id=qe-state').expect(200)).body;
    await t.request.post('/_mock/reset').send({ project_id: 'qe-state' }).expect(200);
    expect(await own('qe-state')).toBeUndefined();
    expect((await t.request.delete(`${QE('qe-state')}?template_id=${id}`).expect(403)).body.error_code).toBe('MPC.10212');
    expect((await t.request.post('/_mock/tasks').send(exported).expect(200)).body.added.quality_enhance_templates).toBe(1);
    expect(await own('qe-state')).toEqual([{ template_id: id, template: DENOISE }]);
    expect((await t.request.post('/_mock/tasks').send(exported).expect(400)).body.error_msg).toBe(`Invalid request parameter, video enhancement template ${id} is already there.`);
    expect((await t.request.post('/_mock/tasks').send({ quality_enhance_templates: [{ template_id: 1, template: DENOISE }] }).expect(400)).body.error_msg).toMatch(/quality_enhance_templates needs the file's project_id/);
    expect(await createQe('qe-state')).toBeGreaterThan(id);
  });
});

describe('the default fixtures ship a project’s templates and account (SPEC 10.3)', () => {
  const P = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
  it('lists them through the vendor API, uses them in a task, and a reset brings them back', async () => {
    const templates = await list(P);
    expect(templates.template_array.map((x) => x.template_id)).toEqual([7100005, 7100004, 7100002, 7100001]);
    const groups = (await t.request.get(`/v1/${P}/template_group/transcodings`).expect(200)).body;
    expect(groups.template_group_list.map((g: { group_id: string; template_ids: number[] }) => [g.group_id, g.template_ids])).toEqual([['7100003', [7100004, 7100005]]]);
    expect((await t.request.get(`/v1/${P}/template/watermark`).expect(200)).body.templates.map((w: { template_id: number }) => w.template_id)).toEqual([7100006]);
    const view = (await t.request.get(`/_mock/templates?project_id=${P}`).expect(200)).body;
    expect(view.quality_enhance_templates.map((q: { template_id: number }) => q.template_id)).toEqual([7100007]);
    expect(view.account.buckets).toContainEqual({ bucket: 'team-archive', creation_date: '20240105080000', is_authorized: 0 });
    // The group's templates as one task: its two renditions.
    const id = (await t.request.post(`/v1/${P}/transcodings`).send({ ...CREATE_BODIES.transcodings, trans_template_id: [7100004, 7100005] }).expect(202)).body.task_id;
    const task = (await t.request.get(`/v1/${P}/transcodings?task_id=${id}`).expect(200)).body.task_array[0];
    expect(task.transcode_detail.multitask_info.map((m: { output_file: { video_info: { height: number } } }) => m.output_file.video_info.height)).toEqual([720, 360]);
    // Gone after a delete, back after the project's reset.
    await t.request.delete(`/v1/${P}/template_group/transcodings?group_id=7100003`).expect(204);
    expect((await list(P)).total).toBe(2);
    await t.request.post('/_mock/reset').send({ project_id: P }).expect(200);
    expect((await list(P)).total).toBe(4);
    // Another project does not see them.
    expect((await list('not-the-fixture-project')).total).toBe(0);
  });
});
