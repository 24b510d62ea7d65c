// The sample client of docker-compose.yml's `objects` profile: what an application does with MPC and OBS.
// It uploads a source to the store, asks mpc-mock to transcode it, polls the task as an MPC client does, and
// downloads the output the task reports; it exits 0 only when the download is there and is what it should be.
//
//   node examples/pipeline-client.mjs --mock http://mpc-mock:8080 --obs http://mpc-mock:9000 \
//     --access-key mpc-mock --secret-key mpc-mock-secret
//
// Each option has a variable (MOCK_URL, OBS_ENDPOINT, OBS_ACCESS_KEY, OBS_SECRET_KEY, PROJECT_ID). Plain
// JavaScript with the AWS S3 SDK, which the mpc-mock image already holds: the compose stack runs it there.
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const { values: args } = parseArgs({
  options: {
    mock: { type: 'string', default: process.env.MOCK_URL ?? 'http://127.0.0.1:8080' },
    obs: { type: 'string', default: process.env.OBS_ENDPOINT ?? 'http://127.0.0.1:9000' },
    'access-key': { type: 'string', default: process.env.OBS_ACCESS_KEY ?? 'mpc-mock' },
    'secret-key': { type: 'string', default: process.env.OBS_SECRET_KEY ?? 'mpc-mock-secret' },
    project: { type: 'string', default: process.env.PROJECT_ID ?? '0123456789abcdef0123456789abcdef' },
    'timeout-s': { type: 'string', default: '120' },
  },
});
const mock = args.mock.replace(/\/+$/, '');
const project = args.project;
const deadline = Date.now() + Number(args['timeout-s']) * 1000;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line) => console.log(`[pipeline ${mock}] ${line}`);

const s3 = new S3Client({
  endpoint: args.obs,
  region: 'cn-north-4',
  forcePathStyle: true,
  credentials: { accessKeyId: args['access-key'], secretAccessKey: args['secret-key'] },
  // OBS and the embedded store take no checksum trailers.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

async function ensureBucket(bucket) {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  }
}

async function main() {
  await ensureBucket('media-in');
  await ensureBucket('media-out');
  const source = randomBytes(256 * 1024);
  const key = `uploads/${Date.now()}.mp4`;
  await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: key, Body: source }));
  say(`uploaded media-in/${key} (${source.length} bytes) to ${args.obs}`);

  const created = await fetch(`${mock}/v1/${project}/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: { bucket: 'media-in', location: 'cn-north-4', object: key },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'transcoded' },
      av_parameters: [{ common: { pack_type: 4 }, video: { codec: 1, width: 1280, height: 720 }, audio: { codec: 1, sample_rate: 4, channels: 2 } }],
    }),
  });
  const createdBody = await created.json();
  if (created.status !== 202) throw new Error(`the create answered ${created.status} ${JSON.stringify(createdBody)}`);
  const taskId = String(createdBody.task_id);
  say(`created transcoding task ${taskId}`);

  // Poll as an MPC client does: until the task is final.
  let task;
  for (;;) {
    const polled = await fetch(`${mock}/v1/${project}/transcodings?task_id=${taskId}`);
    task = (await polled.json()).task_array?.[0];
    if (task && ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(task.status)) break;
    if (Date.now() > deadline) throw new Error(`task ${taskId} is still ${task?.status} after ${args['timeout-s']} s`);
    await pause(500);
  }
  if (task.status !== 'SUCCEEDED') throw new Error(`task ${taskId} ended ${task.status}: ${task.error_code ?? ''} ${task.description ?? ''}`);
  say(`task ${taskId} SUCCEEDED`);

  const outputKey = `${task.output.object}/${task.output_file_name[0]}`;
  const output = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: outputKey }))).Body.transformToByteArray());
  // Without media processing the output is the input's bytes; with --media ffmpeg it is a real MP4.
  if (output.length === 0) throw new Error(`media-out/${outputKey} is empty`);
  say(`downloaded media-out/${outputKey} (${output.length} bytes${output.equals(source) ? ', a copy of the upload' : ''})`);
}

main().then(
  () => {
    s3.destroy();
    say('ok');
  },
  (error) => {
    s3.destroy();
    console.error(`[pipeline ${mock}] failed: ${error.message ?? error}`);
    process.exit(1);
  },
);
