import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

const project = 'upload-transcode-download';
let mock: RunningMpcMock;
let s3: S3Client;
beforeAll(async () => {
  // Tasks move on as soon as they are read; with a store, a task that succeeds has written its outputs.
  mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, lifecycle: 'immediate' });
  if (mock.obs.mode === 'off') throw new Error('no object store');
  // The application's own OBS client (here the AWS S3 SDK; Huawei's esdk-obs-nodejs works the same).
  s3 = new S3Client({
    endpoint: mock.obs.endpoint,
    region: 'cn-north-4',
    forcePathStyle: true,
    credentials: { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'media-in' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'media-out' }));
});
afterAll(async () => {
  s3.destroy();
  await mock.close();
});

it('transcodes what the application uploaded, and the test downloads the output', async () => {
  const source = Buffer.alloc(64 * 1024, 7);
  await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'uploads/intro.mp4', Body: source }));

  // What the application's MPC client sends.
  const created = await fetch(`${mock.url}/v1/${project}/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: { bucket: 'media-in', location: 'cn-north-4', object: 'uploads/intro.mp4' },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'transcoded/intro' },
      av_parameters: [{ common: { pack_type: 4 }, video: { codec: 1, width: 1280, height: 720 }, audio: { codec: 1, sample_rate: 4, channels: 2 } }],
    }),
  });
  expect(created.status).toBe(202);
  // A number here, as the SDK's model says; the lists answer it as a string.
  const task_id = String(((await created.json()) as { task_id: number }).task_id);

  // Wait through the control plane (no sleeping), then poll as the application does.
  await mock.control.requests.wait({ task: { kind: 'transcodings', task_id, project_id: project, status: 'SUCCEEDED' } });
  const polled = await fetch(`${mock.url}/v1/${project}/transcodings?task_id=${task_id}`);
  const [task] = ((await polled.json()) as { task_array: Array<{ output: { object: string }; output_file_name: string[] }> }).task_array;

  // The output is where the task says: without media processing, a copy of the input.
  const output = await s3.send(new GetObjectCommand({ Bucket: 'media-out', Key: `${task!.output.object}/${task!.output_file_name[0]}` }));
  expect(Buffer.from(await output.Body!.transformToByteArray()).equals(source)).toBe(true);
});
