// The mock driven by the vendor's own Node SDK core (@huaweicloud/huaweicloud-sdk-core): its signer, its
// headers, its query serialisation and its error mapping, as a real client meets them. The MPC client
// package is not on the npm registry, so `mpcOperation` below builds the same request options that its
// generated MpcClient hands to HcClient.sendRequest (method, url template, contentType, query, headers).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { testContract } from './helper.js';

// The SDK writes ~/.huaweicloud/application_id on first use; keep that out of the real home directory.
process.env.HOME = mkdtempSync(join(tmpdir(), 'mpc-sdk-home-'));
const { ClientBuilder } = await import('@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js');
const { BasicCredentials } = await import('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js');
// The SDK logs every error response at ERROR through log4js; the assertions below say what matters.
(await import('log4js')).default.configure({ appenders: { out: { type: 'stdout' } }, categories: { default: { appenders: ['out'], level: 'off' } } });

const PROJECT = '0123456789abcdef0123456789abcdef';
const obs = (object: string) => ({ bucket: 'b', location: 'cn-north-4', object });

interface SdkError {
  httpStatusCode: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
  constructor: { name: string };
}

/** What the generated MpcClient sends for one operation of the document (a create puts its body in `data`). */
function mpcOperation(operationId: string, queryParams: Record<string, unknown>, headers: Record<string, string> = {}, data?: object) {
  const op = testContract().operation(operationId);
  return {
    method: op.method,
    url: op.path,
    contentType: 'application/json',
    queryParams,
    pathParams: {},
    headers,
    responseHeaders: [''],
    ...(data ? { data } : {}),
  };
}

describe('the official Huawei Cloud SDK core against mpc-mock', () => {
  let mock: RunningMpcMock;
  let client: { sendRequest<T>(options: object): Promise<T> };
  const send = <T = Record<string, unknown>>(operationId: string, query: Record<string, unknown>, headers?: Record<string, string>, data?: object) =>
    client.sendRequest<T & { httpStatusCode: number }>(mpcOperation(operationId, query, headers, data));
  const failure = async (promise: Promise<unknown>): Promise<SdkError> => {
    try {
      await promise;
    } catch (error) {
      return error as SdkError;
    }
    throw new Error('the SDK call succeeded');
  };

  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, logLevel: 'silent' });
    mock.clock.freeze('2026-11-25T10:00:00Z');
    const credentials = new BasicCredentials().withAk('TESTAK').withSk('TESTSK').withProjectId(PROJECT).withSecurityToken('token');
    client = new ClientBuilder((hcClient) => hcClient as unknown as typeof client).withCredential(credentials).withEndpoint(mock.url).build();
  });
  afterAll(() => mock.close());

  it.each([
    ['ListTranscodingTask', [22123973], 'task_array'],
    ['ListThumbnailsTask', ['7684'], 'task_array'],
    ['ListAnimatedGraphicsTask', ['30647'], 'tasks'],
    ['ListEncryptTask', ['31207'], 'task_array'],
  ])('%s finds the documented task by id', async (operationId, taskId, listKey) => {
    const headers: Record<string, string> = operationId === 'ListEncryptTask' ? {} : { 'x-language': 'en-US' };
    const res = await send(operationId, { task_id: taskId }, headers);
    expect(res.httpStatusCode).toBe(200);
    expect(res.total).toBe(1);
    expect((res[listKey] as Array<{ task_id: unknown }>)[0]!.task_id).toBe(String(taskId[0]));
  });

  it('sends repeated task ids, status, page=0 and size as the SDK does, and pages', async () => {
    const ids = await send('ListTranscodingTask', { task_id: [22124101, 22124102, 9], status: 'SUCCEEDED' });
    expect((ids.task_array as Array<{ task_id: string }>).map((t) => t.task_id)).toEqual(['22124102', '22124101']);
    const page = await send('ListThumbnailsTask', { status: 'SUCCEEDED', page: 0, size: 2 });
    expect(page.total).toBeGreaterThan(2);
    expect(page.is_truncated).toBe(1);
  });

  it('reads snapshot details through the VOD operation', async () => {
    const res = await send('ListThumbnailDetails', { task_id: '7684', offset: 0, limit: 20 });
    expect(res.total).toBe(2);
  });

  it('surfaces a bad parameter as a ClientRequestException with the vendor code, message and request id', async () => {
    const error = await failure(send('ListThumbnailsTask', { size: 0 }));
    expect(error.constructor.name).toBe('ClientRequestException');
    expect(error.httpStatusCode).toBe(400);
    expect(error.errorCode).toBe('MPC.10202');
    expect(error.errorMsg).toBe('Invalid request parameter, size must be an integer from 1 to 100.');
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('creates a transcoding task, polls it by id until SUCCEEDED, and reads its outputs, as client code does', async () => {
    const body = {
      input: { bucket: 'media-in', location: 'cn-north-4', object: 'videos/launch-45s.mp4' },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'transcoded/launch' },
      trans_template_id: ['7000522', '7000524'],
      user_data: 'order-17',
    };
    const created = await send<{ task_id: number }>('CreateTranscodingTask', {}, undefined, body);
    expect(created.httpStatusCode).toBe(202);
    expect(typeof created.task_id).toBe('number');
    const statuses: string[] = [];
    let task: Record<string, any> = {};
    for (let i = 0; i < 10 && !['SUCCEEDED', 'FAILED'].includes(String(task.status)); i++) {
      const res = await send<{ task_array: Array<Record<string, any>> }>('ListTranscodingTask', { task_id: [created.task_id] });
      task = res.task_array[0]!;
      statuses.push(task.status);
      mock.clock.advance(1);
    }
    expect(statuses).toEqual(['WAITING', 'TRANSCODING', 'SUCCEEDED']);
    expect(task.user_data).toBe('order-17');
    expect(task.output_file_name).toHaveLength(2);
    task.output_file_name.forEach((name: string, i: number) => {
      const out = task.transcode_detail.multitask_info[i].output_file;
      expect(name).toContain(`${out.video_info.width}X${out.video_info.height}`);
      expect(out.duration).toBe(45);
    });
  });

  it('creates a snapshot task and cancels it with the SDK’s body-less DELETE; a second cancel is MPC.10212', async () => {
    const body = { input: { bucket: 'b', location: 'cn-north-4', object: 'v.mp4' }, output: { bucket: 'b', location: 'cn-north-4', object: 'snap' }, thumbnail_para: { type: 'TIME', time: 5 } };
    const created = await send<{ task_id: string; status: string }>('CreateThumbnailsTask', {}, undefined, body);
    expect(created).toMatchObject({ httpStatusCode: 202, status: 'WAITING' });
    const canceled = await send('DeleteThumbnailsTask', { task_id: created.task_id });
    expect(canceled.httpStatusCode).toBe(204);
    const listed = await send<{ task_array: Array<{ status: string }> }>('ListThumbnailsTask', { task_id: [created.task_id] });
    expect(listed.task_array[0]!.status).toBe('CANCELED');
    const error = await failure(send('DeleteThumbnailsTask', { task_id: created.task_id }));
    expect(error.constructor.name).toBe('ClientRequestException');
    expect(error).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10212' });
  });

  it('surfaces a bad create body as MPC.10202 naming the field', async () => {
    const error = await failure(send('CreateAnimatedGraphicsTask', {}, undefined, { input: { bucket: 'b', location: 'l', object: 'o' }, output: { bucket: 'b', location: 'l', object: 'o' } }));
    expect(error).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10202', errorMsg: 'Invalid request parameter, output_param is required.' });
  });

  // SPEC 9.1: every operation of the later kinds, as the SDK sends it (the Python SDK's operations, sent here by the
  // Node core the same way: repeated ids, x-language where the SDK has it, a body-less DELETE).
  it.each([
    ['CreateExtractTask', 'ListExtractTask', 'DeleteExtractTask', 'task_id', 'tasks', { input: obs('in/a.mp4') }, 'input'],
    ['CreateRemuxTask', 'ListRemuxTask', 'CancelRemuxTask', 'task_id', 'tasks', { input: obs('in/a.flv'), output: obs('out/') }, 'output'],
    ['CreateMergeChannelsTask', 'ListMergeChannelsTask', 'DeleteMergeChannelsTask', 'task_id', 'task_array', { multi_audio: { output: obs('o/'), audio_files: [{ input: obs('l.wav') }, { input: obs('r.wav') }] } }, 'multi_audio'],
    ['CreateResetTracksTask', 'ListResetTracksTask', 'DeleteResetTracksTask', 'task_id', 'task_array', { audio_file: { input: obs('a.mp4'), output: obs('o/') } }, 'audio_file'],
    ['CreateEditingJob', 'ListEditingJob', 'DeleteEditingJob', 'job_id', 'jobs', { edit_type: ['CONCAT'], concat: { inputs: [obs('a.mp4'), obs('b.mp4')] }, output_setting: { output: obs('o/') } }, undefined],
    ['CreateMediaProcessTask', 'ListMediaProcessTask', 'DeleteMediaProcessTask', 'task_id', 'task_array', { input: obs('a.mp4'), output: obs('o/'), template_id: '7' }, 'input'],
  ] as const)('%s, then %s by id and %s: 200, listed, canceled 204, and the vendor’s errors', async (createOp, listOp, cancelOp, idParam, listKey, body, required) => {
    const created = await send<Record<string, string>>(createOp, {}, undefined, body);
    expect(created.httpStatusCode).toBe(200);
    const id = created[idParam]!;
    expect(id).toMatch(/^[0-9]+$/);
    const headers: Record<string, string> = ['ListExtractTask', 'ListEditingJob'].includes(listOp) ? { 'x-language': 'en-US' } : {};
    const listed = await send<Record<string, Array<Record<string, string>>>>(listOp, { [idParam]: [id, '1', '22'] }, headers);
    expect(listed.total).toBe(1);
    expect(listed[listKey]![0]![idParam]).toBe(id);
    expect((await send(cancelOp, { [idParam]: id })).httpStatusCode).toBe(204);
    expect(await failure(send(cancelOp, { [idParam]: id }))).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10212' });
    if (required) {
      const { [required]: _dropped, ...without } = body as Record<string, unknown>;
      expect(await failure(send(createOp, {}, undefined, without))).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10202', errorMsg: `Invalid request parameter, ${required} is required.` });
    }
  });

  it('retries a failed remux, deletes its record, and reads the transcoding details, statistics and record deletion', async () => {
    const failing = await send<{ task_id: string }>('CreateRemuxTask', {}, undefined, { input: obs('in/fail-x.flv'), output: obs('out/') });
    mock.clock.advance(10);
    expect((await send<{ tasks: Array<{ status: string }> }>('ListRemuxTask', { task_id: [failing.task_id], input_bucket: 'b' })).tasks[0]!.status).toBe('FAILED');
    expect((await send('CreateRetryRemuxTask', {}, undefined, { task_id: failing.task_id })).httpStatusCode).toBe(200);
    expect(await failure(send('CreateRetryRemuxTask', {}, undefined, { task_id: failing.task_id }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10212' });
    mock.clock.advance(10);
    expect((await send('DeleteRemuxTask', { task_id: failing.task_id })).httpStatusCode).toBe(204);
    expect(await failure(send('DeleteRemuxTask', { task_id: failing.task_id }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10211' });
    const stat = () => send<{ summary: Array<{ date: string; value: number }>; total: number }>('ListStatSummary', { start_time: '20261125', end_time: '20261125', stat_type: 'video_duration' });
    const before = (await stat()).total;
    const created = await send<{ task_id: number }>('CreateTranscodingTask', {}, undefined, { input: obs('v-30s.mp4'), output: obs('o/'), trans_template_id: [7000523] });
    mock.clock.advance(10);
    const detail = await send<{ task_array: Array<{ media_detail: { output_video_paras: unknown[] } }> }>('ListTranscodeDetail', { task_id: [String(created.task_id)] });
    expect(detail.task_array[0]!.media_detail.output_video_paras).toHaveLength(1);
    // The 30 s source counts half a minute on its day.
    const stats = await stat();
    expect(stats.summary).toEqual([{ date: '2026/11/25', value: before + 0.5 }]);
    expect((await send('DeleteTranscodingTaskByConsole', { task_id: created.task_id })).httpStatusCode).toBe(204);
  });

  it('round-trips a transcoding template (create, list, update, list, delete, list) and transcodes with it', async () => {
    const template = { template_name: 'sdk_720p', video: { codec: 1, width: 1280, height: 720, bitrate: 1500 }, audio: { codec: 1, sample_rate: 4, bitrate: 128, channels: 2 }, common: { PVC: false, pack_type: 4 } };
    const created = await send<{ template_id: number }>('CreateTransTemplate', {}, undefined, template);
    expect(created.httpStatusCode).toBe(201);
    const read = () => send<{ template_array: Array<{ template_id: number; template: Record<string, unknown> }>; total: number }>('ListTemplate', { template_id: [created.template_id] });
    expect((await read()).template_array).toEqual([{ template_id: created.template_id, template }]);
    const changed = { ...template, template_name: 'sdk_540p', video: { ...template.video, width: 960, height: 540 } };
    expect((await send('UpdateTransTemplate', {}, undefined, { template_id: created.template_id, ...changed })).httpStatusCode).toBe(204);
    expect((await read()).template_array[0]!.template).toEqual(changed);
    const task = await send<{ task_id: number }>('CreateTranscodingTask', {}, undefined, { input: obs('v-30s.mp4'), output: obs('o/'), trans_template_id: [created.template_id] });
    mock.clock.advance(10);
    const listed = await send<{ task_array: Array<{ transcode_detail: { multitask_info: Array<{ output_file: { format: string; video_info: { width: number } } }> } }> }>('ListTranscodingTask', { task_id: [task.task_id] });
    expect(listed.task_array[0]!.transcode_detail.multitask_info[0]!.output_file).toMatchObject({ format: 'MP4', video_info: { width: 960 } });
    expect((await send('DeleteTemplate', { template_id: created.template_id })).httpStatusCode).toBe(204);
    expect(await read()).toMatchObject({ total: 0, template_array: [] });
    expect(await failure(send('DeleteTemplate', { template_id: created.template_id }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10239' });
  });

  it('round-trips a template group: create (its templates), list by id and name, update, delete; an unknown group is MPC.10231', async () => {
    const body = { name: 'sdk_ladder', videos: [{ width: 1280, height: 720, bitrate: 1500 }, { width: 640, height: 360, bitrate: 600 }], common: { PVC: false, pack_type: 1, hls_interval: 5 } };
    const created = await send<{ template_group: { group_id: string; template_ids: number[] } }>('CreateTemplateGroup', {}, undefined, body);
    expect(created.httpStatusCode).toBe(201);
    const { group_id, template_ids } = created.template_group;
    const read = () => send<{ template_group_list: Array<{ name: string; template_ids: number[] }>; total: number }>('ListTemplateGroup', { group_id: [group_id], group_name: ['sdk_ladder', 'sdk_renamed'] });
    expect((await read()).template_group_list[0]).toMatchObject({ name: 'sdk_ladder', template_ids });
    expect((await send<{ total: number }>('ListTemplate', { template_id: template_ids })).total).toBe(2);
    expect((await send('UpdateTemplateGroup', {}, undefined, { group_id, name: 'sdk_renamed' })).httpStatusCode).toBe(204);
    expect((await read()).template_group_list[0]).toMatchObject({ name: 'sdk_renamed', template_ids });
    expect((await send('DeleteTemplateGroup', { group_id })).httpStatusCode).toBe(204);
    expect(await failure(read())).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10231' });
    expect((await send<{ total: number }>('ListTemplate', { template_id: template_ids })).total).toBe(0);
  });

  it('round-trips a watermark template: create, list by id, update, delete; an unknown one is MPC.10212', async () => {
    const created = await send<{ template_id: number }>('CreateWatermarkTemplate', {}, undefined, { template_name: 'sdk_logo', type: 'Image', dx: '8', dy: '8', referpos: 'TopLeft' });
    expect(created.httpStatusCode).toBe(201);
    const read = () => send<{ templates: Array<{ template_id: number; dx: string }>; total: number }>('ListWatermarkTemplate', { template_id: [created.template_id] });
    expect((await read()).templates).toEqual([expect.objectContaining({ template_id: created.template_id, dx: '8' })]);
    expect((await send('UpdateWatermarkTemplate', {}, undefined, { template_id: created.template_id, dx: '16' })).httpStatusCode).toBe(204);
    expect((await read()).templates[0]!.dx).toBe('16');
    expect((await send('DeleteWatermarkTemplate', { template_id: created.template_id })).httpStatusCode).toBe(204);
    expect((await read()).total).toBe(0);
    expect(await failure(send('DeleteWatermarkTemplate', { template_id: created.template_id }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10212' });
  });

  it('round-trips a video enhancement template: presets, create, update, delete; a preset cannot be deleted', async () => {
    const presets = await send<{ task_array: Array<{ template_id: number }>; total: number }>('ListQualityEnhanceDefaultTemplate', {});
    expect(presets.httpStatusCode).toBe(200);
    expect(presets.total).toBe(presets.task_array.length);
    const template = { template_name: 'sdk_clean', video: { video_denoise: { name: 'hw-denoise', execution_order: 1 } } };
    const created = await send<{ template_id: number }>('CreateQualityEnhanceTemplate', {}, undefined, template);
    expect(created.httpStatusCode).toBe(201);
    expect((await send('UpdateQualityEnhanceTemplate', {}, undefined, { template_id: created.template_id, template: { ...template, template_name: 'sdk_clean2' } })).httpStatusCode).toBe(204);
    expect((await send('DeleteQualityEnhanceTemplate', { template_id: created.template_id })).httpStatusCode).toBe(204);
    expect(await failure(send('DeleteQualityEnhanceTemplate', { template_id: created.template_id }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10212' });
    expect(await failure(send('DeleteQualityEnhanceTemplate', { template_id: presets.task_array[0]!.template_id }))).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10202' });
  });

  it('drives the account operations and the callbacks: buckets, objects, authority, agencies, tenant access', async () => {
    await send('CreateTranscodingTask', {}, undefined, { input: obs('videos/sdk-account.mp4'), output: obs('sdk-out/'), trans_template_id: [7000522] });
    const listed = await send<{ buckets: Array<{ bucket: string; is_authorized: number }> }>('ListAllBuckets', {});
    expect(listed.buckets.find((b) => b.bucket === 'b')).toMatchObject({ is_authorized: 1 });
    expect((await send('UpdateBucketAuthorized', {}, undefined, { bucket: 'b', operation: '0' })).httpStatusCode).toBe(204);
    expect((await send<{ buckets: Array<{ bucket: string; is_authorized: number }> }>('ListAllBuckets', {})).buckets.find((b) => b.bucket === 'b')!.is_authorized).toBe(0);
    const objects = await send<{ objects: Array<{ file_name: string }> }>('ListAllObsObjList', { bucket: 'b', prefix: 'videos/sdk-' });
    expect(objects.objects.map((o) => o.file_name)).toEqual(['videos/sdk-account.mp4']);
    expect(await failure(send('ListAllObsObjList', { bucket: 'no-such-bucket' }))).toMatchObject({ httpStatusCode: 400, errorCode: 'MPC.10209' });
    expect((await send('CreateAgenciesTask', {}, undefined, { operate_type: 'CREATED' })).httpStatusCode).toBe(204);
    expect((await send<{ operate_type: string }>('ShowAgenciesTask', {})).operate_type).toBe('CREATED');
    expect(await failure(send('CreateAgenciesTask', {}, undefined, { operate_type: 'CREATED' }))).toMatchObject({ httpStatusCode: 403, errorCode: 'MPC.10223' });
    expect((await send('UpdateTenantAccessInfo', {}, { 'x-language': 'en-US' }, { is_open: true, agreement_version: 2 })).httpStatusCode).toBe(200);
    expect(await send('ShowTenantAccessInfo', {}, { 'x-language': 'en-US' })).toMatchObject({ httpStatusCode: 200, is_open: true, agreement_version: 2 });
    expect((await send('CreateMbTasksReport', {}, undefined, { task_id: '1', status: 'RUNNING', task_name: 'RESET_TRACKS' })).httpStatusCode).toBe(204);
    expect((await send('CreateMpeCallBack', {}, undefined, { task_id: '1', status: 'SUCCEED', complete_ratio: 100 })).httpStatusCode).toBe(204);
  });

  it('surfaces an unknown API as APIGW.0101', async () => {
    const error = await failure(client.sendRequest({ ...mpcOperation('ListEncryptTask', {}), url: '/v1/{project_id}/remux/tasks' }));
    expect(error.httpStatusCode).toBe(404);
    expect(error.errorCode).toBe('APIGW.0101');
  });
});

describe('the official SDK core against mpc-mock in verify mode (SPEC 5)', () => {
  let mock: RunningMpcMock;
  const clientFor = (ak: string, sk: string) => {
    const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT).withSecurityToken('temporary-token');
    return new ClientBuilder((hcClient) => hcClient as unknown as { sendRequest<T>(options: object): Promise<T> }).withCredential(credentials).withEndpoint(mock.url).build();
  };

  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, logLevel: 'silent', auth: 'verify', credentials: { access_keys: [{ ak: 'TESTAK', sk: 'TESTSK', projects: [PROJECT] }] } });
  });
  afterAll(() => mock.close());

  it('verifies what the SDK signs (the running clock, repeated ids, x-language, X-Security-Token, a create body)', async () => {
    const client = clientFor('TESTAK', 'TESTSK');
    const list = await client.sendRequest<{ httpStatusCode: number; total: number }>(mpcOperation('ListTranscodingTask', { task_id: [22123973, 9, 200], status: 'SUCCEEDED' }, { 'x-language': 'en-US' }));
    expect(list).toMatchObject({ httpStatusCode: 200, total: 1 });
    const body = { input: { bucket: 'b', location: 'cn-north-4', object: 'vidéo ü.mp4' }, output: { bucket: 'b', location: 'cn-north-4', object: 'out' }, trans_template_id: ['7000522'] };
    const created = await client.sendRequest<{ httpStatusCode: number }>(mpcOperation('CreateTranscodingTask', {}, {}, body));
    expect(created.httpStatusCode).toBe(202);
    const { requests } = await mock.control.requests.list();
    expect(requests.map((r) => r.auth)).toEqual([
      { mode: 'verify', outcome: 'accepted', credential: 'aksk', access_key: 'TESTAK' },
      { mode: 'verify', outcome: 'accepted', credential: 'aksk', access_key: 'TESTAK' },
    ]);
  });

  it('surfaces a wrong secret key as a ClientRequestException 401 APIGW.0301 with the request id', async () => {
    let error: SdkError | undefined;
    try {
      await clientFor('TESTAK', 'WRONGSK').sendRequest(mpcOperation('ListThumbnailsTask', {}));
    } catch (e) {
      error = e as SdkError;
    }
    expect(error?.constructor.name).toBe('ClientRequestException');
    expect(error).toMatchObject({ httpStatusCode: 401, errorCode: 'APIGW.0301', errorMsg: 'Incorrect IAM authentication information: verify aksk signature fail' });
    expect(error?.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a signature made 16 minutes before the mock’s clock', async () => {
    mock.clock.freeze(new Date(Date.now() + 16 * 60_000));
    try {
      await expect(clientFor('TESTAK', 'TESTSK').sendRequest(mpcOperation('ListThumbnailsTask', {}))).rejects.toMatchObject({
        httpStatusCode: 401,
        errorMsg: expect.stringMatching(/^Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:\d{8}T\d{6}Z,server time:\d{8}T\d{6}Z$/),
      });
    } finally {
      mock.clock.unfreeze();
    }
  });
});
