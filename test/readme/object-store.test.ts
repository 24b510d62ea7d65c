import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
let s3: S3Client;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0 });
  if (mock.obs.mode === 'off') throw new Error('no object store');
  // The application's own client, pointed at the embedded store.
  s3 = new S3Client({
    endpoint: mock.obs.endpoint,
    region: 'cn-north-4',
    forcePathStyle: true,
    credentials: { accessKeyId: 'mpc-mock', secretAccessKey: 'mpc-mock-secret' },
  });
});
afterAll(async () => {
  s3.destroy();
  await mock.close();
});

it('lists what the application uploaded, through MPC', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'media-in' }));
  await s3.send(new PutObjectCommand({ Bucket: 'media-in', Key: 'videos/intro.mp4', Body: Buffer.alloc(2048) }));
  const res = await fetch(`${mock.url}/v1.0-ext/my-project/objects?bucket=media-in`);
  const body = (await res.json()) as { objects: Array<{ file_name: string; size: number }> };
  expect(body.objects.map((o) => [o.file_name, o.size])).toEqual([['videos/intro.mp4', 2048]]);
});
