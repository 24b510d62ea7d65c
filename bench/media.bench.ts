// npm run bench: real media (SPEC 11.3). A 10 s 720p clip (ffmpeg's testsrc2 and a tone) transcoded to three HLS
// renditions (720p, 480p, 360p; 2 s segments) through the mock with --media ffmpeg, from the create to SUCCEEDED
// (a control wait, no polling), against the same three ffmpeg commands run by hand in the same run, one after the
// other as the mock runs a task's renditions. Wall time per run, and CPU time split into ffmpeg's (the children's,
// from /proc/self/stat) and the mock's own (this process: the API, the store, uploads and ffprobe's parsing).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { QUIET, renditionArgs } from '../src/domain/objects/task-media.js';
import { SAFE_INPUT } from '../src/media/ffmpeg.js';
import { startMpcMock } from '../src/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const RUNS = Number(process.env.BENCH_MEDIA_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'mpc-media-bench-'));
const clip = join(work, 'clip-720p.mp4');
execFileSync('ffmpeg', [
  ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=10'],
  ...['-ac', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', clip],
]);

const LADDER = [
  { common: { pack_type: 1, hls_interval: 2 }, video: { codec: 1, width: 1280, height: 720, bitrate: 2500 }, audio: { codec: 1, sample_rate: 5, channels: 2, bitrate: 128 } },
  { common: { pack_type: 1, hls_interval: 2 }, video: { codec: 1, width: 854, height: 480, bitrate: 1200 }, audio: { codec: 1, sample_rate: 5, channels: 2, bitrate: 96 } },
  { common: { pack_type: 1, hls_interval: 2 }, video: { codec: 1, width: 640, height: 360, bitrate: 700 }, audio: { codec: 1, sample_rate: 5, channels: 2, bitrate: 64 } },
];

/** This process's CPU and its waited-for children's, in ms (utime, stime, cutime, cstime of /proc/self/stat). */
function cpuMs(): { own: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const tick = 1000 / 100;
  return { own: (Number(fields[11]) + Number(fields[12])) * tick, children: (Number(fields[13]) + Number(fields[14])) * tick };
}

async function measure(run: (i: number) => Promise<void>) {
  await run(-1); // warm: the page cache, the encoders' first load
  const before = cpuMs();
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await run(i);
  const wall = (performance.now() - started) / RUNS;
  const after = cpuMs();
  return { wall, own: (after.own - before.own) / RUNS, ffmpeg: (after.children - before.children) / RUNS };
}

// By hand: the mock's own arguments for each rendition, on a local copy of the clip.
const byHand = await measure(async (i) => {
  const dir = join(work, `hand-${i}`);
  for (const [r, spec] of LADDER.entries()) {
    const out = join(dir, `r${r}`);
    mkdirSync(out, { recursive: true });
    execFileSync('ffmpeg', [...QUIET, ...SAFE_INPUT, '-i', clip, ...renditionArgs(spec as never, `clip_${r}.m3u8`, out)]);
  }
  rmSync(dir, { recursive: true, force: true });
});

const mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, media: 'ffmpeg', mediaWorkers: 1, lifecycle: 'immediate', logLevel: 'silent' });
if (mock.obs.mode === 'off') throw new Error('no store');
const s3 = new S3Client({ endpoint: mock.obs.endpoint, region: 'cn-north-4', forcePathStyle: true, credentials: { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
for (const bucket of ['bench-in', 'bench-out']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
await s3.send(new PutObjectCommand({ Bucket: 'bench-in', Key: 'clip-720p.mp4', Body: readFileSync(clip) }));
const obs = (bucket: string, object: string) => ({ bucket, location: 'cn-north-4', object });
const throughMock = await measure(async (i) => {
  const res = await fetch(`${mock.url}/v1/bench/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: obs('bench-in', 'clip-720p.mp4'), output: obs('bench-out', `run-${i}`), av_parameters: LADDER }),
  });
  const { task_id } = (await res.json()) as { task_id: number };
  const done = await mock.control.requests.wait({ task: { kind: 'transcodings', task_id: String(task_id), project_id: 'bench', status: 'SUCCEEDED' }, timeout_ms: 300_000 }).catch(async (error) => {
    throw new Error(`${String(error)}: ${JSON.stringify(await mock.control.task('transcodings', String(task_id), 'bench').get())}`);
  });
  void done;
});
s3.destroy();
await mock.close();
rmSync(work, { recursive: true, force: true });

const row = (label: string, m: { wall: number; own: number; ffmpeg: number }) => `| ${label} | ${(m.wall / 1000).toFixed(2)} s | ${(m.ffmpeg / 1000).toFixed(2)} s | ${(m.own / 1000).toFixed(2)} s |`;
console.log(`\n## Media (\`bench/media.bench.ts\`, ${new Date().toISOString()}, ${RUNS} runs each)\n`);
console.log('10 s 1280x720 clip to three HLS renditions (720p, 480p, 360p), per run:\n');
console.log('| | wall | ffmpeg CPU | this process CPU |');
console.log('|---|---|---|---|');
console.log(row('the same ffmpeg commands by hand', byHand));
console.log(row('through the mock (create to SUCCEEDED)', throughMock));
console.log(`\nwall ratio: ${(throughMock.wall / byHand.wall).toFixed(2)}x (goal <= 1.2x); ffmpeg CPU ratio: ${(throughMock.ffmpeg / byHand.ffmpeg).toFixed(2)}x`);
