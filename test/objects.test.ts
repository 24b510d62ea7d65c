// SPEC 11.1: the object store. `--obs embedded` runs an S3-compatible store in the mock's process, which the AWS S3
// SDK and Huawei's OBS SDK both use as they would OBS; `--obs <URL>` uses an existing one (here a second mock's
// embedded store), waited for at start; MPC's ListAllBuckets and ListAllObsObjList answer from the store.
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { CREATE_BODIES } from './create-bodies.js';
import { objectsNamed } from '../src/domain/account/account.js';
import { inputsOf } from '../src/domain/tasks/task-documents.js';
import { TASK_KINDS } from '../src/domain/tasks/task-kinds.js';

const require = createRequire(import.meta.url);
const ObsClient = require('esdk-obs-nodejs') as new (options: object) => ObsClientLike;
interface ObsClientLike {
  createBucket(p: object): Promise<ObsResult>;
  putObject(p: object): Promise<ObsResult>;
  getObject(p: object): Promise<ObsResult & { InterfaceResult?: { Content?: Buffer | string } }>;
  listObjects(p: object): Promise<ObsResult & { InterfaceResult?: { Contents?: Array<{ Key: string; Size: string }> } }>;
  close(): void;
}
interface ObsResult {
  CommonMsg: { Status: number; Code?: string; Message?: string };
}

const KEYS = { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' };
const s3Of = (endpoint: string) =>
  new S3Client({ endpoint, region: 'cn-north-4', forcePathStyle: true, credentials: KEYS, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
async function obsOf(endpoint: string): Promise<ObsClientLike> {
  const client = new ObsClient({ access_key_id: KEYS.accessKeyId, secret_access_key: KEYS.secretAccessKey, server: endpoint, path_style: true });
  // The SDK applies its configuration a turn later: a call made at once finds no signature settings.
  await new Promise((resolve) => setImmediate(resolve));
  return client;
}
const endpointOf = (mock: RunningMpcMock) => (mock.obs.mode === 'off' ? '' : mock.obs.endpoint);

describe('the embedded object store (--obs embedded)', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0 });
  });
  afterAll(() => mock.close());

  it('says where it is: health and the running mock', async () => {
    expect(mock.obs).toEqual({ mode: 'embedded', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await (await fetch(`${mock.url}/_mock/health`)).json()).toEqual({ status: 'ok', obs: mock.obs });
  });

  it('takes uploads from the AWS SDK and from the OBS SDK, and each reads what the other wrote', async () => {
    const s3 = s3Of(endpointOf(mock));
    const obs = await obsOf(endpointOf(mock));
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'media-in' }));
      await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'videos/a.mp4', Body: Buffer.alloc(1500, 1) }));
      expect((await obs.createBucket({ Bucket: 'media-out' })).CommonMsg.Status).toBe(200);
      expect((await obs.putObject({ Bucket: 'media-in', Key: 'videos/b.mp4', Body: 'from the OBS SDK' })).CommonMsg.Status).toBe(200);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'media-in', Prefix: 'videos/' }));
      expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([
        ['videos/a.mp4', 1500],
        ['videos/b.mp4', 16],
      ]);
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'media-in', Key: 'videos/b.mp4' }))).Body!.transformToString()).toBe('from the OBS SDK');
      const read = await obs.getObject({ Bucket: 'media-in', Key: 'videos/a.mp4' });
      expect(read.CommonMsg.Status).toBe(200);
      expect(Buffer.from(read.InterfaceResult!.Content!).length).toBe(1500);
      expect((await obs.listObjects({ Bucket: 'media-in' })).InterfaceResult!.Contents!.map((o) => o.Key)).toEqual(['videos/a.mp4', 'videos/b.mp4']);
    } finally {
      s3.destroy();
      obs.close();
    }
  });

  it('answers MPC’s ListAllBuckets and ListAllObsObjList from the store, with the objects’ real sizes', async () => {
    const s3 = s3Of(endpointOf(mock));
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'listed-bucket' }));
      await s3.send(new PutObjectCommand({ Bucket: 'listed-bucket', Key: 'in/clip.mp4', Body: Buffer.alloc(4096) }));
      await s3.send(new PutObjectCommand({ Bucket: 'listed-bucket', Key: 'other/x.txt', Body: 'x' }));
    } finally {
      s3.destroy();
    }
    const buckets = (await (await fetch(`${mock.url}/v1/obs-p/buckets`)).json()) as { buckets: Array<{ bucket: string; creation_date: string; is_authorized: number }> };
    expect(buckets.buckets.find((b) => b.bucket === 'listed-bucket')).toEqual({ bucket: 'listed-bucket', creation_date: expect.stringMatching(/^[0-9]{14}$/), is_authorized: 1 });
    // The tasks' buckets are not the store's: a fixture task's bucket is not listed.
    expect(buckets.buckets.map((b) => b.bucket)).not.toContain('zitest');
    const objects = await (await fetch(`${mock.url}/v1.0-ext/obs-p/objects?bucket=listed-bucket&prefix=in/`)).json();
    expect(objects).toEqual({ objects: [{ file_name: 'in/clip.mp4', size: 4096, last_modified: expect.stringMatching(/^[0-9]{14}$/) }] });
    const unknown = await fetch(`${mock.url}/v1.0-ext/obs-p/objects?bucket=no-such-bucket`);
    expect([unknown.status, await unknown.json()]).toEqual([400, { error_code: 'MPC.10209', error_msg: 'Invalid input or output OBS path.' }]);
    expect((await fetch(`${mock.url}/v1/obs-p/authority`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"bucket":"listed-bucket","operation":"0"}' })).status).toBe(204);
    const after = (await (await fetch(`${mock.url}/v1/obs-p/buckets`)).json()) as { buckets: Array<{ bucket: string; is_authorized: number }> };
    expect(after.buckets.find((b) => b.bucket === 'listed-bucket')!.is_authorized).toBe(0);
  });
});

describe('the control plane’s view of the store (GET /_mock/objects)', () => {
  let mock: RunningMpcMock;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, noDefaultFixtures: true });
    const s3 = s3Of(endpointOf(mock));
    try {
      for (const bucket of ['view-out', 'view-in']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: 'view-in', Key: 'clips/my clip.mp4', Body: Buffer.alloc(2048, 1) }));
      await s3.send(new PutObjectCommand({ Bucket: 'view-in', Key: 'clips/b.mp4', Body: 'b' }));
      await s3.send(new PutObjectCommand({ Bucket: 'view-in', Key: 'notes.txt', Body: 'notes' }));
      await s3.send(new PutObjectCommand({ Bucket: 'view-out', Key: 'out/a.m3u8', Body: '#EXTM3U\n' }));
    } finally {
      s3.destroy();
    }
  });
  afterAll(() => mock.close());

  it('lists every bucket by name and its objects by key, with their sizes and the URL clients read them from', async () => {
    const endpoint = endpointOf(mock);
    expect(await mock.control.objects()).toEqual({
      obs: mock.obs,
      buckets: [
        {
          bucket: 'view-in',
          created: expect.stringMatching(/Z$/),
          objects: [
            { key: 'clips/b.mp4', size: 1, last_modified: expect.stringMatching(/Z$/), url: `${endpoint}/view-in/clips/b.mp4` },
            { key: 'clips/my clip.mp4', size: 2048, last_modified: expect.stringMatching(/Z$/), url: `${endpoint}/view-in/clips/my%20clip.mp4` },
            { key: 'notes.txt', size: 5, last_modified: expect.stringMatching(/Z$/), url: `${endpoint}/view-in/notes.txt` },
          ],
        },
        { bucket: 'view-out', created: expect.any(String), objects: [{ key: 'out/a.m3u8', size: 8, last_modified: expect.any(String), url: `${endpoint}/view-out/out/a.m3u8` }] },
      ],
      truncated: false,
    });
  });

  it('narrows to a bucket and a prefix, stops at the limit and says so', async () => {
    const keys = (listing: { buckets: Array<{ bucket: string; objects: Array<{ key: string }> }> }) => listing.buckets.map((b) => [b.bucket, b.objects.map((o) => o.key)]);
    expect(keys(await mock.control.objects({ bucket: 'view-in', prefix: 'clips/' }))).toEqual([['view-in', ['clips/b.mp4', 'clips/my clip.mp4']]]);
    expect(keys(await mock.control.objects({ prefix: 'out/' }))).toEqual([
      ['view-in', []],
      ['view-out', ['out/a.m3u8']],
    ]);
    const two = await mock.control.objects({ limit: 2 });
    expect([keys(two), two.truncated]).toEqual([
      [
        ['view-in', ['clips/b.mp4', 'clips/my clip.mp4']],
        ['view-out', []],
      ],
      true,
    ]);
    // Exactly as many as matched is not truncated; one fewer than matched is.
    expect((await mock.control.objects({ limit: 4 })).truncated).toBe(false);
    expect((await mock.control.objects({ limit: 3 })).truncated).toBe(true);
  });

  it('answers 404 for an unknown bucket and 400 for a bad limit, in the envelope', async () => {
    const unknown = await fetch(`${mock.url}/_mock/objects?bucket=no-such-bucket`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error_code: 'MOCK.0404', error_msg: 'Bucket no-such-bucket not found' }]);
    const bad = await fetch(`${mock.url}/_mock/objects?limit=0`);
    expect([bad.status, ((await bad.json()) as { error_code: string }).error_code]).toEqual([400, 'MPC.10202']);
  });

  it('is there from a shell: mpc-mock ctl objects', async () => {
    const { runCtl } = await import('../src/control/ctl.js');
    let printed = '';
    const io = { out: (text: string) => void (printed += text), readFile: () => '' };
    expect(await runCtl(['--url', mock.url, 'objects', '--bucket', 'view-out'], {}, io)).toBe(0);
    expect(JSON.parse(printed)).toMatchObject({ buckets: [{ bucket: 'view-out', objects: [{ key: 'out/a.m3u8', size: 8 }] }], truncated: false });
    await expect(runCtl(['--url', mock.url, 'objects', '--limit', 'many'], {}, io)).rejects.toThrow('--limit takes a whole number above 0');
  });

  it('without a store, has no buckets', async () => {
    const off = await startMpcMock({ port: 0, noDefaultFixtures: true });
    try {
      expect(await off.control.objects()).toEqual({ obs: { mode: 'off' }, buckets: [], truncated: false });
      expect((await fetch(`${off.url}/_mock/objects?bucket=media-in`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe('--obs-dir: objects that survive a restart', () => {
  it('keeps what was uploaded under the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-obs-dir-'));
    let mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, obsDir: dir });
    expect(mock.obs).toEqual({ mode: 'embedded', endpoint: expect.any(String), directory: dir });
    let s3 = s3Of(endpointOf(mock));
    await s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'a.txt', Body: 'still here' }));
    s3.destroy();
    await mock.close();
    mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, obsDir: dir });
    s3 = s3Of(endpointOf(mock));
    try {
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'a.txt' }))).Body!.transformToString()).toBe('still here');
    } finally {
      s3.destroy();
      await mock.close();
    }
  });
});

describe('an existing store (--obs <URL>)', () => {
  let store: RunningMpcMock;
  beforeAll(async () => {
    // A second mock's embedded store stands for MinIO or OBS.
    store = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, noDefaultFixtures: true, obsAccessKey: 'ext-ak', obsSecretKey: 'ext-sk' });
  });
  afterAll(() => store.close());

  it('uses it: the buckets it holds are the ones MPC lists', async () => {
    const s3 = new S3Client({ endpoint: endpointOf(store), region: 'cn-north-4', forcePathStyle: true, credentials: { accessKeyId: 'ext-ak', secretAccessKey: 'ext-sk' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'external-bucket' }));
    s3.destroy();
    const mock = await startMpcMock({ port: 0, obs: endpointOf(store), obsAccessKey: 'ext-ak', obsSecretKey: 'ext-sk' });
    try {
      expect(mock.obs).toEqual({ mode: 'external', endpoint: endpointOf(store) });
      const buckets = (await (await fetch(`${mock.url}/v1/ext-p/buckets`)).json()) as { buckets: Array<{ bucket: string }> };
      expect(buckets.buckets.map((b) => b.bucket)).toContain('external-bucket');
    } finally {
      await mock.close();
    }
  });

  it('gives up in one line: keys it refuses at once, an endpoint that does not answer after --obs-wait', async () => {
    await expect(startMpcMock({ port: 0, obs: endpointOf(store), obsAccessKey: 'nobody', obsSecretKey: 'x' })).rejects.toThrow(
      new RegExp(`^the object store at ${endpointOf(store)} refused: 403 InvalidAccessKeyId`),
    );
    // A port nothing listens on.
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await expect(startMpcMock({ port: 0, obs: `http://127.0.0.1:${free}`, obsAccessKey: 'a', obsSecretKey: 'b', obsWait: 1 })).rejects.toThrow(
      new RegExp(`^the object store at http://127.0.0.1:${free} did not answer within 1 s: .*ECONNREFUSED`),
    );
    await expect(startMpcMock({ port: 0, obs: 'http://127.0.0.1:1' })).rejects.toThrow('--obs http://127.0.0.1:1 needs --obs-access-key and --obs-secret-key');
    await expect(startMpcMock({ port: 0, obs: 'ftp://x' })).rejects.toThrow('obs: "ftp://x" is not off, embedded, or an http(s) URL such as http://minio:9000');
  });
});

describe('inputs in the store (SPEC 11.2)', () => {
  let mock: RunningMpcMock;
  let s3: S3Client;
  const P = 'obs-inputs';
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, lifecycle: 'immediate' });
    s3 = s3Of(endpointOf(mock));
    await s3.send(new CreateBucketCommand({ Bucket: 'media-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'media-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'videos/here.mp4', Body: Buffer.alloc(1024) }));
  });
  afterAll(async () => {
    s3.destroy();
    await mock.close();
  });

  const create = async (path: string, body: object) => {
    const res = await fetch(`${mock.url}/v1/${P}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBeLessThan(300);
    const answer = (await res.json()) as { task_id?: string | number; job_id?: string };
    return String(answer.task_id ?? answer.job_id);
  };
  /** Waits (through the control plane, no sleeping) until the task reads `status`, and answers its document. */
  const settled = async (kind: 'transcodings' | 'remux' | 'thumbnails' | 'animated-graphics', taskId: string, status: string) => {
    await mock.control.requests.wait({ task: { kind, task_id: taskId, project_id: P, status }, timeout_ms: 10_000 });
    return (await mock.control.task(kind, taskId, P).get()) as Record<string, unknown>;
  };
  const input = (bucket: string, object: string) => ({ bucket, location: 'cn-north-4', object });
  const settledAs = async (kind: string, taskId: string, status: string) => {
    await mock.control.requests.wait({ task: { kind: kind as never, task_id: taskId, project_id: P, status }, timeout_ms: 10_000 });
    return (await mock.control.task(kind as never, taskId, P).get()) as Record<string, unknown>;
  };

  it('a task whose input exists runs as without a store', async () => {
    const id = await create('transcodings', { ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/here.mp4') });
    expect((await settled('transcodings', id, 'SUCCEEDED')).status).toBe('SUCCEEDED');
  });

  it('is accepted, and FAILS when it would start, when its object or its bucket is missing: MPC.10053', async () => {
    for (const [bucket, object] of [
      ['media-in', 'videos/not-uploaded.mp4'],
      ['no-such-bucket', 'videos/here.mp4'],
    ] as const) {
      const id = await create('transcodings', { ...CREATE_BODIES.transcodings, input: input(bucket, object) });
      const task = await settled('transcodings', id, 'FAILED');
      expect(task).toMatchObject({ status: 'FAILED', error_code: 'MPC.10053', description: 'The input file does not exist.' });
      // It never started: no start, no output.
      expect(task).not.toHaveProperty('output_file_name');
    }
    // Every kind reads its input the same way.
    const remux = await create('remux', { ...CREATE_BODIES.remux, input: input('media-in', 'videos/absent.flv') });
    expect(await settled('remux', remux, 'FAILED')).toMatchObject({ description: 'The input file does not exist.' });
    const snapshot = await create('thumbnails', { ...CREATE_BODIES.thumbnails, input: input('media-in', 'videos/here.mp4') });
    expect((await settled('thumbnails', snapshot, 'SUCCEEDED')).status).toBe('SUCCEEDED');
  });

  it('reads every input of a task that has several: a channel merge’s files, an editing job’s clips', async () => {
    const audio = (object: string, layout: string) => ({ input: input('media-in', object), tracks_info: [{ channel_layout: layout, language: 'eng' }] });
    const merge = (right: string) => ({ multi_audio: { ...(CREATE_BODIES['merge-channels'] as { multi_audio: object }).multi_audio, audio_files: [audio('videos/here.mp4', 'FL'), audio(right, 'FR')] } });
    // The second of two files is missing: the task fails, though its first is there.
    expect(await settledAs('merge-channels', await create('audio/services/merge_channels/task', merge('audio/no-right.wav')), 'FAILED')).toMatchObject({ description: 'The input file does not exist.' });
    expect((await settledAs('merge-channels', await create('audio/services/merge_channels/task', merge('videos/here.mp4')), 'SUCCEEDED')).status).toBe('SUCCEEDED');
    const clips = (second: string) => ({ ...CREATE_BODIES['editing-jobs'], clips: [{ input: input('media-in', 'videos/here.mp4'), timeline_start: '0', timeline_end: '5' }, { input: input('media-in', second), timeline_start: '0', timeline_end: '5' }] });
    expect(await settledAs('editing-jobs', await create('editing/jobs', clips('videos/gone.mp4')), 'FAILED')).toMatchObject({ status: 'FAILED' });
    expect((await settledAs('editing-jobs', await create('editing/jobs', clips('videos/here.mp4')), 'SUCCEED')).status).toBe('SUCCEED');
  });

  it('a synchronous snapshot or extraction reads and writes while its request waits', async () => {
    const post = (path: string, body: object) => fetch(`${mock.url}/v1/${P}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const snapshot = { input: input('media-in', 'videos/here.mp4'), output: input('media-out', 'sync/shots'), sync: 1, thumbnail_para: { type: 'DOTS', dots: [3], width: 192, height: 108 } };
    const res = await post('thumbnails', snapshot);
    const answer = (await res.json()) as { status: string; output: { object: string }; output_file_name: string };
    expect([res.status, answer.status]).toEqual([200, 'SUCCEEDED']);
    // The picture is there when the answer is: a JPEG of the asked size.
    const { default: sharp } = await import('sharp');
    const picture = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `${answer.output.object}/${answer.output_file_name}` }))).Body!.transformToByteArray());
    expect(await sharp(picture).metadata()).toMatchObject({ format: 'jpeg', width: 192, height: 108 });
    // A missing input: answered at once, FAILED with MPC.10053, and nothing written.
    const missing = await post('thumbnails', { ...snapshot, input: input('media-in', 'videos/not-there.mp4'), output: input('media-out', 'sync/none') });
    expect([missing.status, await missing.json()]).toEqual([200, expect.objectContaining({ status: 'FAILED', description: 'The input file does not exist.' })]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'sync/none' }))).KeyCount).toBe(0);
    // An extraction with an output: its metadata file is written before the answer.
    const extract = await post('extract-metadata', { input: input('media-in', 'videos/here.mp4'), output: { ...input('media-out', 'sync/meta'), file_name: 'here.json' }, sync: 1 });
    expect(extract.status).toBe(200);
    const metadata = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: 'sync/meta/here.json' }))).Body!.transformToString();
    expect(JSON.parse(metadata)).toHaveProperty('format');
  });

  it('keeps the clock’s times exact while a task waits for the store', async () => {
    const timed = await startMpcMock({ port: 0, obs: endpointOf(mock), lifecycle: 'time:1', obsAccessKey: 'mpc-mock', obsSecretKey: 'mpc-mock-secret' });
    try {
      timed.clock.freeze('2026-12-01T00:00:00Z');
      const res = await fetch(`${timed.url}/v1/${P}/transcodings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/here.mp4') }) });
      const { task_id } = (await res.json()) as { task_id: number };
      timed.clock.advance(5);
      // The first read finds the start held for the store; the answer moves the task on, at the times it was due.
      await fetch(`${timed.url}/v1/${P}/transcodings?task_id=${task_id}`);
      await timed.control.requests.wait({ task: { kind: 'transcodings', task_id: String(task_id), project_id: P, status: 'SUCCEEDED' }, timeout_ms: 10_000 });
      const task = (await timed.control.task('transcodings', String(task_id), P).get()) as unknown as { create_time: string; end_time: string };
      expect([task.create_time, task.end_time]).toEqual(['20261201000000', '20261201000002']);
    } finally {
      await timed.close();
    }
  });

  it('a task that SUCCEEDS has written every file it reports, where it reports it, with its real size', async () => {
    const source = Buffer.alloc(300_000, 7);
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'videos/big.mp4', Body: source }));
    // Two HLS renditions: a playlist each, naming a segment that exists (a copy of the input, without media processing).
    const id = await create('transcodings', { ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/big.mp4'), output: input('media-out', 'hls/big') });
    const task = (await settled('transcodings', id, 'SUCCEEDED')) as { output_file_name: string[]; transcode_detail: { multitask_info: Array<{ output_file: { size: number } }> } };
    expect(task.output_file_name).toHaveLength(2);
    for (const [i, name] of task.output_file_name.entries()) {
      const playlist = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `hls/big/${name}` }))).Body!.transformToString();
      expect(playlist.startsWith('#EXTM3U\n')).toBe(true);
      expect(playlist).toContain('#EXT-X-ENDLIST');
      const segment = playlist.split('\n').find((line) => line.endsWith('.ts'))!;
      const bytes = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `hls/big/${segment}` }))).Body!.transformToByteArray());
      expect(bytes.equals(source)).toBe(true);
      // Reported in kbytes, as MPC does: the playlist and its segment.
      expect(task.transcode_detail.multitask_info[i]!.output_file.size).toBe(Math.round((Buffer.byteLength(playlist) + source.length) / 1024));
    }
    // A remux to MP4: a copy, and its metadata's size is the file's.
    const remux = await create('remux', { ...CREATE_BODIES.remux, input: input('media-in', 'videos/big.mp4'), output: input('media-out', 'remuxed') });
    const done = (await settled('remux', remux, 'SUCCEED')) as { output: { file_name: string }; output_metadata: { size: number } };
    const head = await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `remuxed/${done.output.file_name}` }));
    expect(head.ContentLength).toBe(source.length);
    expect(done.output_metadata.size).toBe(source.length);
  });

  it('a snapshot task writes its pictures (JPEG, of the asked size) and their tar; a GIF task its GIF', async () => {
    const sharp = (await import('sharp')).default;
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'videos/clip-30s.mp4', Body: Buffer.alloc(2048) }));
    const body = { input: input('media-in', 'videos/clip-30s.mp4'), output: input('media-out', 'snaps'), thumbnail_para: { type: 'TIME', time: 10, width: 320, height: 180 }, tar: 0, original_dir: 1 };
    const id = await create('thumbnails', body);
    const task = (await settled('thumbnails', id, 'SUCCEEDED')) as { thumbnail_info: Array<{ pic_name: string }>; output_file_name: string };
    expect(task.thumbnail_info.length).toBeGreaterThan(1);
    const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: key }))).Body!.transformToByteArray());
    for (const p of task.thumbnail_info) expect(await sharp(await read(`snaps/${p.pic_name}`)).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 180 });
    // The tar holds the same pictures, by name.
    const { extract } = await import('tar-stream');
    const names: string[] = [];
    const untar = extract();
    untar.on('entry', (header, stream, next) => {
      names.push(header.name);
      stream.resume();
      stream.on('end', next);
    });
    const finished = new Promise((resolve) => untar.on('finish', resolve));
    untar.end(await read(`snaps/${task.output_file_name}`));
    await finished;
    expect(names).toEqual(task.thumbnail_info.map((p) => p.pic_name));
    const gif = await create('animated-graphics', { ...CREATE_BODIES['animated-graphics'], input: input('media-in', 'videos/clip-30s.mp4'), output: { ...input('media-out', 'gifs'), file_name: 'intro.gif' }, output_param: { format: 'gif', width: 240, height: 136, start: 0, end: 2000, frame_rate: 10 } });
    await settled('animated-graphics', gif, 'SUCCEED');
    expect(await sharp(await read('gifs/intro.gif')).metadata()).toMatchObject({ format: 'gif', width: 240, height: 136 });
  });

  it('every kind’s outputs exist where its document says, once it succeeded', async () => {
    for (const kind of TASK_KINDS) {
      const body = CREATE_BODIES[kind.path]!;
      // Every input it reads is uploaded.
      for (const i of inputsOf(kind.name, body as never)) await s3.send(new PutObjectCommand({ Bucket: i.bucket, Key: i.object, Body: Buffer.alloc(512, 1) }));
      const id = await create(kind.urlPath, body);
      const task = await settledAs(kind.path, id, kind.succeededStatus);
      const outputs = objectsNamed(task as never).filter((o) => o.bucket === 'media-out');
      expect(outputs.length, kind.path).toBeGreaterThan(0);
      for (const o of outputs) expect(await s3.send(new HeadObjectCommand({ Bucket: 'media-out', Key: o.key })).then((h) => h.ContentLength! > 0), `${kind.path} ${o.key}`).toBe(true);
    }
  });

  it('writes nothing outside the output bucket, and nothing for a task that fails: an unknown output bucket is MPC.10209', async () => {
    const id = await create('transcodings', { ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/here.mp4'), output: input('no-output-bucket', 'x/') });
    expect(await settled('transcodings', id, 'FAILED')).toMatchObject({ error_code: 'MPC.10209', description: 'Invalid input or output OBS path.' });
    const failed = await create('transcodings', { ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/missing.mp4'), output: input('media-out', 'never/') });
    await settled('transcodings', failed, 'FAILED');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'never/' }))).KeyCount ?? 0).toBe(0);
    // The input bucket holds only what the tests uploaded: every task wrote into its output bucket only.
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-in' }))).Contents?.map((o) => o.Key).sort()).toEqual(
      ['audio/intro-left.wav', 'audio/intro-right.wav', 'hls/intro/index.m3u8', 'videos/big.mp4', 'videos/clip-30s.mp4', 'videos/here.mp4', 'videos/intro-60s.flv', 'videos/intro-60s.mp4'],
    );
  });

  it('writes nothing for a task canceled before it finished', async () => {
    const manual = await startMpcMock({ port: 0, obs: endpointOf(mock), lifecycle: 'manual', obsAccessKey: 'mpc-mock', obsSecretKey: 'mpc-mock-secret' });
    try {
      const res = await fetch(`${manual.url}/v1/${P}/transcodings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...CREATE_BODIES.transcodings, input: input('media-in', 'videos/here.mp4'), output: input('media-out', 'canceled/') }) });
      const { task_id } = (await res.json()) as { task_id: number };
      expect((await fetch(`${manual.url}/v1/${P}/transcodings?task_id=${task_id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await manual.control.task('transcodings', String(task_id), P).get()).status).toBe('CANCELED');
      expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'canceled/' }))).KeyCount ?? 0).toBe(0);
    } finally {
      await manual.close();
    }
  });

  it('FAILS with MPC.10210 when the store errors, and the vendor API still answers', async () => {
    const store = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, noDefaultFixtures: true, obsAccessKey: 'gone-ak', obsSecretKey: 'gone-sk' });
    const client = await startMpcMock({ port: 0, obs: endpointOf(store), obsAccessKey: 'gone-ak', obsSecretKey: 'gone-sk', lifecycle: 'immediate', logLevel: 'silent' });
    try {
      await store.close();
      const res = await fetch(`${client.url}/v1/${P}/transcodings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODIES.transcodings) });
      expect(res.status).toBe(202);
      const { task_id } = (await res.json()) as { task_id: string };
      await client.control.requests.wait({ task: { kind: 'transcodings', task_id: String(task_id), project_id: P, status: 'FAILED' }, timeout_ms: 10_000 });
      expect(await client.control.task('transcodings', String(task_id), P).get()).toMatchObject({ error_code: 'MPC.10210', description: 'Failed to obtain the input file from OBS.' });
      // A list of the store's buckets is an MPC error, not a 5xx.
      const buckets = await fetch(`${client.url}/v1/${P}/buckets`);
      expect([buckets.status, ((await buckets.json()) as { error_code: string }).error_code]).toEqual([406, 'MPC.10210']);
      // So is the control plane's listing.
      const listing = await fetch(`${client.url}/_mock/objects`);
      expect([listing.status, ((await listing.json()) as { error_code: string }).error_code]).toEqual([406, 'MPC.10210']);
    } finally {
      await client.close();
    }
  });
});

describe('a task held for the store (SPEC 11.2, 4.3)', () => {
  it('is not due while it waits, and moves on after a restart, whatever it waited for', async () => {
    const { createTaskStore } = await import('../src/storage/tasks/task-store.js');
    const { createLifecycle } = await import('../src/domain/tasks/lifecycle.js');
    const { MockClock } = await import('../src/domain/steering/clock.js');
    const { LifecycleSettings } = await import('../src/domain/tasks/lifecycle-settings.js');
    const { TASK_KINDS: kinds } = await import('../src/domain/tasks/task-kinds.js');
    const store = createTaskStore();
    const clock = new MockClock();
    clock.freeze(Date.parse('2026-12-01T00:00:00Z'));
    const settings = new LifecycleSettings({ mode: 'immediate' });
    const kind = kinds.find((k) => k.path === 'enhancements')!;
    const task = { task_id: 'held-1', status: kind.states[0]!, create_time: '20261201000000' };
    const plan = { outcome: { outcome: 'succeed' as const }, request: CREATE_BODIES.enhancements as never };
    // A store that never answers: the start is held.
    const held = createLifecycle(store, clock, settings, () => {}, () => 'hold');
    expect(held.start(kind, 'p', task, plan).status).toBe(kind.states[0]);
    expect(store.nextDueAt()).toBeNull();
    held.settle();
    expect(store.getTask(kind.name, 'p', 'held-1')!.status).toBe(kind.states[0]);
    // The next process (no store now): held tasks are due again, and finish.
    const next = createLifecycle(store, clock, settings);
    next.resumeAll();
    next.settle();
    expect(store.getTask(kind.name, 'p', 'held-1')!.status).toBe(kind.succeededStatus);
    store.close();
  });
});
