// SPEC 11.3: `--media ffmpeg`. Inputs are made with ffmpeg's own generators (lavfi) when the file starts; every
// output is checked with ffprobe: its container, codecs, dimensions and duration, and the task's figures against it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';
import { startReceiver } from './smn-receiver.js';

// .ci/run installs Debian's ffmpeg; a machine without it skips this file, except in CI, where that is a failure.
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
if (!hasFfmpeg && process.env.CI) throw new Error('the media tests need ffmpeg and ffprobe on PATH (apt-get install ffmpeg)');
const describeMedia = describe.skipIf(!hasFfmpeg);

const P = 'media-project';
const work = mkdtempSync(join(tmpdir(), 'mpc-media-test-'));
/** A 4 s clip: 640x360 at 25 fps, H.264, and a stereo AAC tone at 48 kHz. */
const CLIP = join(work, 'clip.mp4');
const ffprobe = (file: string) =>
  JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' })) as {
    format: { format_name: string; duration: string };
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; avg_frame_rate?: string; sample_rate?: string; channels?: number; tags?: Record<string, string> }>;
  };

const s3Of = (mock: RunningMpcMock) =>
  new S3Client({
    endpoint: mock.obs.mode === 'off' ? '' : mock.obs.endpoint,
    region: 'cn-north-4',
    forcePathStyle: true,
    credentials: { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
const obs = (object: string, bucket = 'media-in') => ({ bucket, location: 'cn-north-4', object });

async function download(s3: S3Client, bucket: string, key: string, to: string): Promise<string> {
  const bytes = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
  mkdirSync(join(to, '..'), { recursive: true });
  writeFileSync(to, bytes);
  return to;
}

beforeAll(() => {
  if (!hasFfmpeg) return;
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4'],
    ...['-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', CLIP],
  ]);
});

describe('starting with --media ffmpeg', () => {
  it('is refused in one line without an object store, or without ffmpeg', async () => {
    await expect(startMpcMock({ port: 0, media: 'ffmpeg' })).rejects.toThrow('--media ffmpeg needs an object store to read inputs from and write outputs to: add --obs embedded or --obs <URL>');
    await expect(startMpcMock({ port: 0, media: 'ffmpeg', obs: 'embedded', obsPort: 0, ffmpeg: work })).rejects.toThrow(`--media ffmpeg: ffmpeg is not in --ffmpeg ${work}`);
    await expect(startMpcMock({ port: 0, media: 'ffprobe' as never })).rejects.toThrow('media: "ffprobe" is not off or ffmpeg');
  });

  it('exits 2 from the command line, saying why', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--media', 'ffmpeg', '--obs', 'embedded', '--obs-port', '0', '--port', '0', '--ffmpeg', work], { encoding: 'utf8', timeout: 30_000 });
    expect([run.status, run.stderr.trim()]).toEqual([2, `mpc-mock: --media ffmpeg: ffmpeg is not in --ffmpeg ${work}`]);
  });
});

describeMedia('tasks processed by ffmpeg', () => {
  let mock: RunningMpcMock;
  let s3: S3Client;
  beforeAll(async () => {
    mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, media: 'ffmpeg', lifecycle: 'immediate', mediaWorkers: 2 });
    s3 = s3Of(mock);
    for (const bucket of ['media-in', 'media-out']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'clips/clip.mp4', Body: readFileSync(CLIP) }));
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'clips/not-media.mp4', Body: Buffer.from('this is not a video, whatever its name says') }));
    // A playlist in disguise, naming a file of the machine's: it must not be followed.
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'clips/playlist.mp4', Body: '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n' }));
  });
  afterAll(async () => {
    s3.destroy();
    await mock.close();
  });

  const create = async (path: string, body: object) => {
    const res = await fetch(`${mock.url}/v1/${P}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { task_id?: string | number; job_id?: string };
    expect(res.status, JSON.stringify(answer)).toBeLessThan(300);
    return { id: String(answer.task_id ?? answer.job_id), answer: answer as Record<string, unknown> };
  };
  const settled = async (kind: string, id: string, status: string) => {
    await mock.control.requests.wait({ task: { kind: kind as never, task_id: id, project_id: P, status }, timeout_ms: 60_000 });
    return (await mock.control.task(kind as never, id, P).get()) as Record<string, any>;
  };

  it('extraction answers what ffprobe reads of the input, in the vendor’s units', async () => {
    const { answer } = await create('extract-metadata', { input: obs('clips/clip.mp4'), sync: 1 });
    const metadata = (answer as { metadata: Record<string, any> }).metadata;
    expect(metadata).toMatchObject({ size: readFileSync(CLIP).length, duration: 4, format: 'MP4' });
    expect(metadata.video[0]).toMatchObject({ width: 640, height: 360, frame_rate: 25, codec: 'H264' });
    expect(metadata.audio[0]).toMatchObject({ codec: 'AAC', sample: 48000, channels: 2 });
  });

  it('transcoding applies each rendition’s container, codecs, size, bitrate and frame rate, and reports ffprobe’s figures', async () => {
    const { id } = await create('transcodings', {
      input: obs('clips/clip.mp4'),
      output: obs('out/transcoded', 'media-out'),
      av_parameters: [
        { common: { pack_type: 4 }, video: { codec: 1, width: 320, height: 180, bitrate: 300, frame_rate: 15 }, audio: { codec: 1, sample_rate: 4, channels: 1, bitrate: 64 } },
        { common: { pack_type: 1, hls_interval: 2 }, video: { codec: 1, width: 0, height: 240 }, audio: { codec: 1, sample_rate: 5, channels: 2 } },
      ],
    });
    const task = await settled('transcodings', id, 'SUCCEEDED');
    const [mp4Name, hlsName] = task.output_file_name as string[];
    const mp4 = ffprobe(await download(s3, 'media-out', `out/transcoded/${mp4Name}`, join(work, id, mp4Name!)));
    expect(mp4.format.format_name).toMatch(/mp4/);
    expect(Math.round(Number(mp4.format.duration))).toBe(4);
    expect(mp4.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 320, height: 180, avg_frame_rate: '15/1' });
    expect(mp4.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '44100', channels: 1 });
    // HLS with 2 s segments: a 4 s input makes at least two, each in the store beside the playlist.
    const playlist = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `out/transcoded/${hlsName}` }))).Body!.transformToString();
    const segments = playlist.split('\n').filter((l) => l.endsWith('.ts'));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const segment of segments) await download(s3, 'media-out', `out/transcoded/${segment}`, join(work, id, segment));
    writeFileSync(join(work, id, hlsName!), playlist);
    const hls = ffprobe(join(work, id, hlsName!));
    expect(hls.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 426, height: 240 });
    // The task's own figures are those of the files written.
    const info = task.transcode_detail.multitask_info;
    expect(info[0].output_file).toMatchObject({ format: 'MP4', duration: 4, video_info: { width: 320, height: 180, frame_rate: 15, codec: 'H264' }, audio_info: [{ codec: 'AAC', sample: 44100, channels: 1 }] });
    expect(info[1].output_file).toMatchObject({ format: 'HLS', video_info: { width: 426, height: 240 } });
    expect(task.transcode_detail.input_file).toMatchObject({ duration: 4, video_info: { width: 640, height: 360, frame_rate: 25 } });
  });

  it('a DASH rendition is a manifest and media ffmpeg plays; TranscodeComplete carries ffprobe’s figures of input and output', async () => {
    const receiver = await startReceiver();
    try {
      const topic = 'urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:media-events';
      const control = (path: string, body: object, method = 'POST') => fetch(`${mock.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await control('/_mock/subscriptions', { topic_urn: topic, endpoint: receiver.url });
      await control('/_mock/deliveries/wait', { match: { type: 'SubscriptionConfirmation', topic_urn: topic }, timeout_ms: 10_000 });
      await fetch(receiver.received[0]!.body.subscribe_url as string);
      expect((await control(`/v1/${P}/notification`, { notifications: [{ event_name: 'TranscodeComplete', topic, msg_type: 2, status: 'on' }] }, 'PUT')).status).toBe(204);

      const { id } = await create('transcodings', {
        input: obs('clips/clip.mp4'),
        output: obs('out/dash', 'media-out'),
        av_parameters: [{ common: { pack_type: 2, dash_interval: 2 }, video: { codec: 1, width: 320, height: 180, frame_rate: 25 }, audio: { codec: 1, sample_rate: 4, channels: 2 } }],
      });
      await settled('transcodings', id, 'SUCCEEDED');
      await control('/_mock/deliveries/wait', { match: { event_type: 'TranscodeComplete' }, timeout_ms: 10_000 });

      // The manifest and every file it names, as a player fetches them.
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'out/dash/' }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!);
      const manifest = keys.find((k) => k.endsWith('.mpd'))!;
      expect(keys.filter((k) => k.endsWith('.m4s')).length).toBeGreaterThanOrEqual(3);
      for (const key of keys) await download(s3, 'media-out', key, join(work, id, key.slice('out/dash/'.length)));
      const dash = ffprobe(join(work, id, manifest.slice('out/dash/'.length)));
      expect(dash.format.format_name).toBe('dash');
      expect(Math.round(Number(dash.format.duration))).toBe(4);
      expect(dash.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 320, height: 180 });
      expect(dash.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '44100', channels: 2 });

      const event = receiver.notifications().find((n) => n.event.event_type === 'TranscodeComplete')!.event;
      const media = (event.transcode_info as Record<string, any>).media_detail;
      expect(media.origin_para).toMatchObject({ duration: 4, file_format: 'MP4', size_byte: readFileSync(CLIP).length, video: { width: 640, height: 360, frame_rate: 25, codec: 'H264' }, audio: { sample: 48000, channels: 2 } });
      expect(media.output_video_paras).toHaveLength(1);
      expect(media.output_video_paras[0]).toMatchObject({ pack: 'DASH', duration: 4, video: { width: 320, height: 180, frame_rate: 25, codec: 'H264' } });
      // The output's size is what was written (kbytes), not what the mock would estimate.
      const written = (listed.Contents ?? []).reduce((sum, o) => sum + (o.Size ?? 0), 0);
      expect(media.output_video_paras[0].size).toBe(Math.round(written / 1024));
    } finally {
      await receiver.close();
    }
  });

  it('snapshots are real frames at the asked times and size, packed into their tar when asked', async () => {
    const { id } = await create('thumbnails', { input: obs('clips/clip.mp4'), output: obs('out/shots', 'media-out'), tar: 0, thumbnail_para: { type: 'TIME', time: 1, width: 320, height: 180 } });
    const task = await settled('thumbnails', id, 'SUCCEEDED');
    const names = (task.thumbnail_info as Array<{ pic_name: string }>).map((p) => p.pic_name);
    expect(names).toEqual(['0.jpg', '1.jpg', '2.jpg', '3.jpg']);
    const pictures: Buffer[] = [];
    for (const name of names) {
      const file = await download(s3, 'media-out', `${task.output.object}/${name}`, join(work, id, name));
      expect(ffprobe(file).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 180 });
      pictures.push(readFileSync(file));
    }
    // testsrc2 moves: frames a second apart differ.
    expect(new Set(pictures.map((p) => p.toString('base64'))).size).toBe(4);
    const tar = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `${task.output.object}/${task.output_file_name}` }))).Body!.transformToByteArray();
    expect(Buffer.from(tar).includes(pictures[2]!)).toBe(true);
    // A synchronous snapshot at a millisecond: one frame, there when the answer is.
    const sync = await create('thumbnails', { input: obs('clips/clip.mp4'), output: obs('out/sync', 'media-out'), sync: 1, thumbnail_para: { type: 'DOTS_MS', dots_ms: [2500], width: 192, height: 108 } });
    expect(sync.answer.status).toBe('SUCCEEDED');
    const one = await download(s3, 'media-out', `${(sync.answer.output as { object: string }).object}/${sync.answer.output_file_name}`, join(work, sync.id, 'sync.jpg'));
    expect(ffprobe(one).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 192, height: 108 });
  });

  it('a GIF is real: its frames, size and length from the request', async () => {
    const { id } = await create('animated-graphics', { input: obs('clips/clip.mp4'), output: obs('out/gif', 'media-out'), output_param: { format: 'gif', width: 160, height: 90, start: 1000, end: 3000, frame_rate: 10 } });
    const task = await settled('animated-graphics', id, 'SUCCEED');
    const gif = ffprobe(await download(s3, 'media-out', `out/gif/${task.output.file_name}`, join(work, id, 'out.gif')));
    expect(gif.format.format_name).toBe('gif');
    expect(gif.streams[0]).toMatchObject({ codec_name: 'gif', width: 160, height: 90 });
    expect(Number(gif.format.duration)).toBeCloseTo(2, 0);
  });

  it('remux changes the container and copies the streams', async () => {
    const { id } = await create('remux', { input: obs('clips/clip.mp4'), output: obs('out/remux', 'media-out'), output_param: { format: 'HLS', segment_duration: 2 } });
    const task = await settled('remux', id, 'SUCCEED');
    const name = task.output.file_name as string;
    const playlist = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `out/remux/${name}` }))).Body!.transformToString();
    for (const segment of playlist.split('\n').filter((l) => l.endsWith('.ts'))) await download(s3, 'media-out', `out/remux/${segment}`, join(work, id, segment));
    writeFileSync(join(work, id, name), playlist);
    const probe = ffprobe(join(work, id, name));
    expect(probe.format.format_name).toBe('hls');
    // Copied, not re-encoded: the source's size and codec.
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(task.output_metadata).toMatchObject({ format: 'HLS', duration: 4 });
  });

  /** The input HLS: the clip cut into 2 s segments, uploaded beside its playlist under `prefix`. */
  const uploadHls = async (prefix: string, playlist?: (text: string) => string) => {
    const dir = join(work, 'hls-in');
    if (!existsSync(join(dir, 'index.m3u8'))) {
      mkdirSync(dir, { recursive: true });
      // Key frames every 2 s, so that the 4 s clip makes two segments.
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', CLIP, '-c:v', 'libx264', '-preset', 'ultrafast', '-force_key_frames', 'expr:gte(t,n_forced*2)', '-c:a', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', join(dir, 'seg_%03d.ts'), join(dir, 'index.m3u8')]);
    }
    for (const name of readdirSync(dir)) {
      const body = name === 'index.m3u8' && playlist ? playlist(readFileSync(join(dir, name), 'utf8')) : readFileSync(join(dir, name));
      await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: `${prefix}/${name}`, Body: body }));
    }
    return dir;
  };
  /** Downloads an HLS output; answers its playlist's text and its segments' names. */
  const downloadHls = async (prefix: string, name: string, to: string) => {
    const text = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `${prefix}/${name}` }))).Body!.transformToString();
    const segments = text.split('\n').filter((l) => l.endsWith('.ts'));
    for (const segment of segments) await download(s3, 'media-out', `${prefix}/${segment}`, join(to, segment));
    return { text, segments };
  };
  /** ffprobe of an encrypted playlist as a player reads it: the key fetched (here from a file) and each segment decrypted. */
  const probeEncrypted = (dir: string, name: string, text: string, key: Buffer) => {
    writeFileSync(join(dir, 'key.bin'), key);
    writeFileSync(join(dir, name), text.replace(/URI="[^"]*"/, `URI="${join(dir, 'key.bin')}"`));
    return JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-allowed_extensions', 'ALL', '-protocol_whitelist', 'file,crypto', '-print_format', 'json', '-show_format', '-show_streams', join(dir, name)], { encoding: 'utf8' }),
    ) as ReturnType<typeof ffprobe>;
  };

  it('encryption encrypts each segment of the input HLS with the request’s key and IV, and players read it with that key', async () => {
    const input = await uploadHls('hls');
    const key = Buffer.from('0123456789abcdef');
    const iv = '000102030405060708090a0b0c0d0e0f';
    const { id } = await create('encryptions', {
      input: obs('hls/index.m3u8'),
      output: obs('out/encrypted', 'media-out'),
      encryption: { hls_encrypt: { key: key.toString('base64'), url: 'https://keys.example.com/k', iv, algorithm: 'AES-128-CBC' } },
    });
    const task = await settled('encryptions', id, 'SUCCEEDED');
    expect(task.output_file_name).toEqual(['index.m3u8']);
    const to = join(work, id);
    const { text, segments } = await downloadHls('out/encrypted', 'index.m3u8', to);
    expect(text).toContain(`#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k",IV=0x${iv}`);
    // The segments keep their names and cuts; each is the input's, encrypted whole.
    expect(segments).toEqual(['seg_000.ts', 'seg_001.ts']);
    expect(readdirSync(input).filter((n) => n.endsWith('.ts')).sort()).toEqual(segments);
    for (const segment of segments) {
      const encrypted = readFileSync(join(to, segment));
      const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from(iv, 'hex'));
      expect(encrypted.equals(readFileSync(join(input, segment)))).toBe(false);
      expect(Buffer.concat([decipher.update(encrypted), decipher.final()]).equals(readFileSync(join(input, segment)))).toBe(true);
    }
    const played = probeEncrypted(to, 'index.m3u8', text, key);
    expect(played.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(Math.round(Number(played.format.duration))).toBe(4);
  });

  it('an encrypted transcoding encrypts its HLS renditions; without an IV each segment’s is its sequence number', async () => {
    const key = 'aigPLJhffXBNnERs';
    const { id } = await create('transcodings', {
      input: obs('clips/clip.mp4'),
      output: obs('out/encrypted-transcoding', 'media-out'),
      av_parameters: [{ common: { pack_type: 1, hls_interval: 2 }, video: { codec: 1, width: 320, height: 180 }, audio: { codec: 1, sample_rate: 4, channels: 2 } }],
      encryption: { hls_encrypt: { key, url: 'https://keys.example.com/t' } },
    });
    const task = await settled('transcodings', id, 'SUCCEEDED');
    const name = (task.output_file_name as string[])[0]!;
    const to = join(work, id);
    const { text, segments } = await downloadHls('out/encrypted-transcoding', name, to);
    expect(text).toContain('#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/t"\n');
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const sequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
    for (const [i, segment] of segments.entries()) {
      const iv = Buffer.alloc(16);
      iv.writeUInt32BE(sequence + i, 12);
      const decipher = createDecipheriv('aes-128-cbc', Buffer.from(key), iv);
      // A decrypted MPEG-TS segment starts with its sync byte.
      expect(Buffer.concat([decipher.update(readFileSync(join(to, segment))), decipher.final()])[0]).toBe(0x47);
    }
    expect(probeEncrypted(to, name, text, Buffer.from(key)).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 320, height: 180 });
    // The task's figures are ffprobe's of the rendition, read before it was encrypted.
    expect(task.transcode_detail.multitask_info[0].output_file).toMatchObject({ format: 'HLS', duration: 4, video_info: { width: 320, height: 180 } });
  });

  // An encryption task's document has no error_code (EachEncryptRsp): its description says which error it was.
  it('an input playlist that cannot be encrypted fails with MPC.10154, one naming a missing segment with MPC.10053; nothing is written', async () => {
    const unreadable = 'Failed to open the input file.';
    const cases: Array<[string, (text: string) => string, string]> = [
      ['already-encrypted', (t) => t.replace('#EXTINF', '#EXT-X-KEY:METHOD=AES-128,URI="https://k"\n#EXTINF'), unreadable],
      ['init-section', (t) => t.replace('#EXTINF', '#EXT-X-MAP:URI="init.mp4"\n#EXTINF'), unreadable],
      ['outside', (t) => t.replace('seg_001.ts', '../clips/clip.mp4'), unreadable],
      ['local-file', (t) => t.replace('seg_001.ts', 'file:///etc/passwd'), unreadable],
      ['missing-segment', (t) => t.replace('seg_001.ts', 'seg_999.ts'), 'The input file does not exist.'],
    ];
    for (const [prefix, change, code] of cases) {
      await uploadHls(`bad/${prefix}`, change);
      const { id } = await create('encryptions', { input: obs(`bad/${prefix}/index.m3u8`), output: obs(`out/never-encrypted/${prefix}`, 'media-out'), encryption: { hls_encrypt: { key: 'aigPLJhffXBNnERs', url: 'https://k' } } });
      expect((await settled('encryptions', id, 'FAILED')).description, prefix).toBe(code);
    }
    // Not a playlist at all: a video is not an HLS input.
    const { id } = await create('encryptions', { input: obs('clips/clip.mp4'), output: obs('out/never-encrypted/video', 'media-out'), encryption: { hls_encrypt: { key: 'aigPLJhffXBNnERs', url: 'https://k' } } });
    expect(await settled('encryptions', id, 'FAILED')).toMatchObject({ description: unreadable });
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'out/never-encrypted' }))).KeyCount ?? 0).toBe(0);
  });

  it('a channel merge really merges its files’ channels; a track reset really changes the tracks; an enhancement writes video', async () => {
    for (const [name, hz] of [['left.wav', 440], ['right.wav', 660]] as const) {
      const file = join(work, name);
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=2`, '-ac', '1', '-y', file]);
      await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: `audio/${name}`, Body: readFileSync(file) }));
    }
    const merge = await create('audio/services/merge_channels/task', {
      multi_audio: {
        output: obs('out/merged', 'media-out'),
        audio_files: [
          { input: obs('audio/left.wav'), tracks_info: [{ channel_layout: 'FL', language: 'eng' }] },
          { input: obs('audio/right.wav'), tracks_info: [{ channel_layout: 'FR', language: 'eng' }] },
        ],
        output_filename: 'stereo.wav',
      },
    });
    await settled('merge-channels', merge.id, 'SUCCEEDED');
    const merged = ffprobe(await download(s3, 'media-out', 'out/merged/stereo.wav', join(work, merge.id, 'stereo.wav')));
    expect(merged.streams[0]).toMatchObject({ codec_type: 'audio', channels: 2 });
    expect(Math.round(Number(merged.format.duration))).toBe(2);

    const reset = await create('audio/services/reset_tracks/task', { audio_file: { input: obs('clips/clip.mp4'), output: obs('out/tracks', 'media-out'), tracks_info: [{ channel_layout: 'mono', language: 'chi' }], output_filename: 'tracks.mp4' } });
    await settled('reset-tracks', reset.id, 'SUCCEEDED');
    const tracks = ffprobe(await download(s3, 'media-out', 'out/tracks/tracks.mp4', join(work, reset.id, 'tracks.mp4')));
    expect(tracks.streams.find((t) => t.codec_type === 'audio')).toMatchObject({ channels: 1, tags: { language: 'chi' } });
    expect(tracks.streams.find((t) => t.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });

    const enhanced = await create('enhancements', { input: obs('clips/clip.mp4'), output: obs('out/enhanced', 'media-out'), template_id: '1001' });
    const task = await settled('enhancements', enhanced.id, 'SUCCEEDED');
    const name = (task.output_file_name as string[])[0]!;
    const file = await download(s3, 'media-out', `out/enhanced/${name}`, join(work, enhanced.id, name));
    expect(ffprobe(file).streams.find((t) => t.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    // Encoded again (filtered), not a copy of the input.
    expect(readFileSync(file).equals(readFileSync(CLIP))).toBe(false);
  });

  it('editing jobs cut, join and mix their inputs: clips and concatenations, several joins to HLS, panes of a mix, an edit setting’s heads', async () => {
    // A second input: 2 s at 320x240, with no audio (a part without audio is silence in the output).
    const silent = join(work, 'silent.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', silent]);
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'clips/silent.mp4', Body: readFileSync(silent) }));
    const custom = (width: number, height: number) => ({ reference: 'CUSTOM', width, height, frame_rate: 25 });

    // Seconds 1 to 3 of the clip, then the silent file: 4 s at the asked size, with sound throughout.
    const joinedJob = await create('editing/jobs', {
      edit_type: ['CLIP', 'CONCAT'],
      clips: [{ input: obs('clips/clip.mp4'), timeline_start: '1', timeline_end: '3' }],
      concat: { inputs: [obs('clips/silent.mp4')] },
      output_setting: { format: 'MP4', video: custom(480, 270), audio: { codec: 'AAC', sample: 44100, channels: '2' }, output: obs('out/edit', 'media-out') },
    });
    const joined = await settled('editing-jobs', joinedJob.id, 'SUCCEED');
    const joinedInfo = (joined.output_file_info as Array<{ output_file_name: string; meta_data: Record<string, any> }>)[0]!;
    const joinedFile = ffprobe(await download(s3, 'media-out', `out/edit/${joinedInfo.output_file_name}`, join(work, joinedJob.id, 'joined.mp4')));
    expect(Number(joinedFile.format.duration)).toBeCloseTo(4, 0);
    expect(joinedFile.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 480, height: 270 });
    expect(joinedFile.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '44100', channels: 2 });
    // The job's figures are ffprobe's of what it wrote.
    expect(joinedInfo.meta_data).toMatchObject({ format: 'MP4', duration: 4, video_info: { width: 480, height: 270, codec: 'H264' }, audio_info: [{ codec: 'AAC', sample: 44100, channels: 2 }] });

    // Two joins, each the clip twice, to HLS with 2 s segments.
    const concats = await create('editing/jobs', {
      edit_type: ['CONCATS'],
      concats: [1, 2].map((n) => ({ inputs: [obs('clips/clip.mp4'), obs('clips/clip.mp4')], output: obs(`out/concats/${n}`, 'media-out') })),
      output_setting: { format: 'HLS', hls: { interval: 2 }, video: custom(320, 180) },
    });
    const concatsJob = await settled('editing-jobs', concats.id, 'SUCCEED');
    for (const [n, info] of (concatsJob.output_file_info as Array<{ output_file_name: string }>).entries()) {
      const to = join(work, concats.id, String(n));
      const text = await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `out/concats/${n + 1}/${info.output_file_name}` }))).Body!.transformToString();
      const segments = text.split('\n').filter((l) => l.endsWith('.ts'));
      expect(segments.length).toBeGreaterThanOrEqual(4);
      for (const segment of segments) await download(s3, 'media-out', `out/concats/${n + 1}/${segment}`, join(to, segment));
      writeFileSync(join(to, info.output_file_name), text);
      const hls = ffprobe(join(to, info.output_file_name));
      expect(Math.round(Number(hls.format.duration))).toBe(8);
      expect(hls.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 320, height: 180 });
    }

    // A mix: the clip in the left half (heard), the silent file in the bottom-right quarter, black elsewhere.
    const mixJob = await create('editing/jobs', {
      edit_type: ['MIX'],
      mix: {
        inputs: [
          { input: obs('clips/clip.mp4'), pane_id: '1', audio_policy: 'RESERVE' },
          { input: obs('clips/silent.mp4'), pane_id: '2' },
        ],
        layout: { panes: [{ pane_id: '1', x: '0', y: '0', width: '0.5', height: '1' }, { pane_id: '2', x: '0.5', y: '0', width: '0.5', height: '0.5' }] },
      },
      output_setting: { format: 'MP4', video: custom(640, 360), output: obs('out/mix', 'media-out') },
    });
    const mixed = await settled('editing-jobs', mixJob.id, 'SUCCEED');
    const mixFile = await download(s3, 'media-out', `out/mix/${(mixed.output_file_info as Array<{ output_file_name: string }>)[0]!.output_file_name}`, join(work, mixJob.id, 'mix.mp4'));
    const mix = ffprobe(mixFile);
    expect(mix.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
    expect(mix.streams.some((s) => s.codec_type === 'audio')).toBe(true);
    expect(Math.round(Number(mix.format.duration))).toBe(4);
    const frame = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-ss', '1', '-i', mixFile, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
    const luma = (x: number, y: number) => frame[y * 640 + x]!;
    expect(luma(600, 40)).toBeLessThan(24); // top right: no pane
    expect(luma(320 + 10, 180 + 10) + luma(600, 340) + luma(480, 270)).toBeGreaterThan(60); // bottom right: the silent file
    expect(luma(160, 180) + luma(40, 40) + luma(280, 320)).toBeGreaterThan(60); // left half: the clip

    // An edit setting: the silent file first, then seconds 0 to 2 of the clip.
    const settingJob = await create('editing/jobs', { input: obs('clips/clip.mp4'), edit_settings: [{ timeline_start: '0', timeline_end: '2', heads: [obs('clips/silent.mp4')], output: obs('out/setting', 'media-out') }] });
    const setting = await settled('editing-jobs', settingJob.id, 'SUCCEED');
    const settingName = (setting.output_file_info as Array<{ output_file_name: string }>)[0]!.output_file_name;
    const settingFile = ffprobe(await download(s3, 'media-out', `out/setting/${settingName}`, join(work, settingJob.id, settingName)));
    expect(Number(settingFile.format.duration)).toBeCloseTo(4, 0);
    // MAX: the larger input's size.
    expect(settingFile.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 640, height: 360 });
  });

  it('an input ffmpeg cannot read fails the task with MPC.10154, and a playlist in disguise is not followed', async () => {
    for (const object of ['clips/not-media.mp4', 'clips/playlist.mp4']) {
      const { id } = await create('transcodings', { input: obs(object), output: obs('out/never', 'media-out'), trans_template_id: [7000523] });
      expect(await settled('transcodings', id, 'FAILED')).toMatchObject({ error_code: 'MPC.10154', description: 'Failed to open the input file.' });
    }
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'out/never/' }))).KeyCount ?? 0).toBe(0);
  });

  it('an output bucket that does not exist fails the task with MPC.10209, however far ffmpeg got', async () => {
    const { id } = await create('transcodings', {
      input: obs('clips/clip.mp4'),
      output: obs('out/x', 'no-such-output-bucket'),
      av_parameters: [1, 2].map(() => ({ common: { pack_type: 4 }, video: { codec: 1, width: 160, height: 90 }, audio: { codec: 1, sample_rate: 4, channels: 2 } })),
    });
    expect(await settled('transcodings', id, 'FAILED')).toMatchObject({ error_code: 'MPC.10209', description: 'Invalid input or output OBS path.' });
  });

  it('leaves no temporary file behind', () => {
    const scratch = readdirSync(tmpdir()).filter((n) => n.startsWith(`mpc-mock-media-${process.pid}-`));
    expect(scratch.length).toBeGreaterThan(0);
    for (const dir of scratch) expect(readdirSync(join(tmpdir(), dir))).toEqual([]);
  });
});

describeMedia('the media workers', () => {
  // An ffmpeg that waits for a file before it runs the real one, and writes down when each run starts: a test
  // holds a task in its processing, without timing anything.
  const tools = join(work, 'tools');
  const gate = join(work, 'gate');
  const runs = join(work, 'runs.log');
  beforeAll(() => {
    mkdirSync(tools);
    const real = (name: string) => execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(tools, 'ffmpeg'), `#!/bin/sh\n[ "$1" = -version ] && exec '${real('ffmpeg')}' "$@"\necho "start $$" >> '${runs}'\nwhile [ ! -e '${gate}' ]; do sleep 0.02; done\nexec '${real('ffmpeg')}' "$@"\n`);
    writeFileSync(join(tools, 'ffprobe'), `#!/bin/sh\nexec '${real('ffprobe')}' "$@"\n`);
    chmodSync(join(tools, 'ffmpeg'), 0o755);
    chmodSync(join(tools, 'ffprobe'), 0o755);
  });
  const started = () => (existsSync(runs) ? readFileSync(runs, 'utf8').trim().split('\n').filter(Boolean).map((l) => Number(l.split(' ')[1])) : []);
  const reset = () => {
    for (const f of [gate, runs]) if (existsSync(f)) writeFileSync(f, ''), execFileSync('rm', ['-f', f]);
  };
  const start = async (options: object = {}) => {
    const mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, media: 'ffmpeg', ffmpeg: tools, lifecycle: 'immediate', mediaWorkers: 1, logLevel: 'silent', ...options });
    const s3 = s3Of(mock);
    for (const bucket of ['media-in', 'media-out']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'clip.mp4', Body: readFileSync(CLIP) }));
    return { mock, s3 };
  };
  const transcode = async (mock: RunningMpcMock, out: string) => {
    const res = await fetch(`${mock.url}/v1/${P}/transcodings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: obs('clip.mp4'), output: obs(out, 'media-out'), av_parameters: [{ common: { pack_type: 4 }, video: { codec: 1, width: 160, height: 90 }, audio: { codec: 1, sample_rate: 4, channels: 2 } }] }),
    });
    return String(((await res.json()) as { task_id: number }).task_id);
  };
  const status = async (mock: RunningMpcMock, id: string) => ((await (await fetch(`${mock.url}/v1/${P}/transcodings?task_id=${id}`)).json()) as { task_array: Array<{ status: string }> }).task_array[0]!.status;
  /** Until ffmpeg has started `n` times: the mock's own wait, on the task's state. */
  const running = (mock: RunningMpcMock, id: string) => mock.control.requests.wait({ task: { kind: 'transcodings', task_id: id, project_id: P, status: 'TRANSCODING' }, timeout_ms: 30_000 });

  it('runs at most --media-workers at once; the rest wait in WAITING, and go on in turn', async () => {
    reset();
    const { mock, s3 } = await start();
    try {
      const first = await transcode(mock, 'w/first');
      const second = await transcode(mock, 'w/second');
      await running(mock, first);
      expect([await status(mock, first), await status(mock, second)]).toEqual(['TRANSCODING', 'WAITING']);
      writeFileSync(gate, '');
      await mock.control.requests.wait({ task: { kind: 'transcodings', task_id: second, project_id: P, status: 'SUCCEEDED' }, timeout_ms: 60_000 });
      expect(await status(mock, first)).toBe('SUCCEEDED');
      // One ffmpeg per task, one after the other.
      expect(started()).toHaveLength(2);
      s3.destroy();
    } finally {
      await mock.close();
    }
  });

  it('a cancel kills its ffmpeg and leaves nothing written; a task over --media-timeout FAILS', async () => {
    reset();
    const { mock, s3 } = await start({ mediaTimeout: 1 });
    try {
      const canceled = await transcode(mock, 'c/canceled');
      await running(mock, canceled);
      const [pid] = started();
      expect((await fetch(`${mock.url}/v1/${P}/transcodings?task_id=${canceled}`, { method: 'DELETE' })).status).toBe(204);
      // Killed at once: the process is gone (kill 0 finds no such process).
      await expect.poll(() => spawnSync('kill', ['-0', String(pid)]).status, { timeout: 5000, interval: 20 }).not.toBe(0);
      expect(await status(mock, canceled)).toBe('CANCELED');
      // The next task is held in ffmpeg past its time limit: killed, and FAILED.
      const slow = await transcode(mock, 'c/slow');
      const task = await mock.control.requests.wait({ task: { kind: 'transcodings', task_id: slow, project_id: P, status: 'FAILED' }, timeout_ms: 30_000 });
      expect(task).toMatchObject({ task: { error_code: 'MPC.10105' } });
      expect((await s3.send(new ListObjectsV2Command({ Bucket: 'media-out', Prefix: 'c/' }))).KeyCount ?? 0).toBe(0);
      s3.destroy();
    } finally {
      await mock.close();
    }
  });

  it('removes what a process that died left in its scratch directory', async () => {
    const dead = spawnSync('true').pid;
    const left = join(tmpdir(), `mpc-mock-media-${dead}-crashed`);
    mkdirSync(join(left, 'task-1'), { recursive: true });
    writeFileSync(join(left, 'task-1', 'input-0'), 'a partial download');
    const { mock, s3 } = await start();
    s3.destroy();
    await mock.close();
    expect(existsSync(left)).toBe(false);
  });
});
