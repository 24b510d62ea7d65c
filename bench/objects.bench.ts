// npm run bench: the object store (SPEC 11.1, 11.2), with the embedded store in the mock's process.
// - A create-to-download cycle of a 1 MB input: upload, create a transcoding to MP4, wait until SUCCEEDED (a control
//   wait, no polling loop), download the output. Wall time and the process's CPU time per cycle (the mock, its
//   store and the client share the process: the figure is the whole cycle's cost), against a bare upload and
//   download of the same bytes in the same run.
// - Peak RSS while a 500 MB input is uploaded, copied into its output by a task and downloaded, each as a stream,
//   sampled every 50 ms, against the RSS before it started.
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMpcMock } from '../src/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CYCLES = Number(process.env.BENCH_OBJECT_CYCLES ?? 30);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 500);

const mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, lifecycle: 'immediate', logLevel: 'silent' });
if (mock.obs.mode === 'off') throw new Error('no store');
const s3 = new S3Client({
  endpoint: mock.obs.endpoint,
  region: 'cn-north-4',
  forcePathStyle: true,
  credentials: { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
await s3.send(new CreateBucketCommand({ Bucket: 'bench-in' }));
await s3.send(new CreateBucketCommand({ Bucket: 'bench-out' }));
const P = 'bench';
const obs = (bucket: string, object: string) => ({ bucket, location: 'cn-north-4', object });

async function transcode(key: string, out: string): Promise<string> {
  const res = await fetch(`${mock.url}/v1/${P}/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // One MP4 output (preset 7000532): a copy of the input.
    body: JSON.stringify({ input: obs('bench-in', key), output: obs('bench-out', out), trans_template_id: [7000532] }),
  });
  const { task_id } = (await res.json()) as { task_id: number };
  await mock.control.requests.wait({ task: { kind: 'transcodings', task_id: String(task_id), project_id: P, status: 'SUCCEEDED' }, timeout_ms: 300_000 });
  const task = (await mock.control.task('transcodings', String(task_id), P).get()) as unknown as { output_file_name: string[] };
  return `${out}/${task.output_file_name[0]}`;
}

const download = async (bucket: string, key: string) => {
  const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable;
  let bytes = 0;
  await pipeline(body, new Writable({ write: (chunk: Buffer, _e, done) => ((bytes += chunk.length), done()) }));
  return bytes;
};

async function measure(label: string, run: (i: number) => Promise<void>) {
  await run(-1); // warm
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CYCLES; i++) await run(i);
  const wall = (performance.now() - started) / CYCLES;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / CYCLES;
  console.log(`${label.padEnd(44)} ${wall.toFixed(1).padStart(7)} ms wall  ${cpuMs.toFixed(1).padStart(7)} ms CPU per cycle`);
  return { wall, cpuMs };
}

const MB = Buffer.alloc(1024 * 1024, 3);
console.log(`objects bench: ${CYCLES} cycles of a 1 MB input, then one ${BIG_MB} MB input`);
const bare = await measure('bare: upload + download 1 MB', async (i) => {
  await s3.send(new PutObjectCommand({ Bucket: 'bench-in', Key: `bare/${i}.mp4`, Body: MB }));
  await download('bench-in', `bare/${i}.mp4`);
});
const cycle = await measure('mock: upload, transcode, wait, download 1 MB', async (i) => {
  await s3.send(new PutObjectCommand({ Bucket: 'bench-in', Key: `cycle/${i}.mp4`, Body: MB }));
  const out = await transcode(`cycle/${i}.mp4`, `cycle-out/${i}`);
  if ((await download('bench-out', out)) !== MB.length) throw new Error('the output is not the input');
});
console.log(`cycle / bare: ${(cycle.wall / bare.wall).toFixed(2)}x wall, ${(cycle.cpuMs / bare.cpuMs).toFixed(2)}x CPU`);

// The big one: every step a stream.
let peak = 0;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
gc();
const before = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const size = BIG_MB * 1024 * 1024;
const chunk = Buffer.alloc(1024 * 1024, 5);
const source = Readable.from((function* () {
  for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
})());
const bigStarted = performance.now();
await s3.send(new PutObjectCommand({ Bucket: 'bench-in', Key: 'big/source.mp4', Body: source, ContentLength: size }));
const out = await transcode('big/source.mp4', 'big-out');
const got = await download('bench-out', out);
clearInterval(sampler);
if (got !== size) throw new Error(`downloaded ${got} of ${size} bytes`);
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
console.log(`${BIG_MB} MB input: upload, copy by the task, download in ${((performance.now() - bigStarted) / 1000).toFixed(1)} s; RSS ${mb(before)} MB before, peak ${mb(peak)} MB (+${mb(peak - before)} MB)`);
s3.destroy();
await mock.close();
