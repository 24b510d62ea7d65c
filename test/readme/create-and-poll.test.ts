import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0 }); // created tasks move one state per second of the mock's clock
  mock.clock.freeze('2026-11-25T10:00:00Z');
});
afterAll(() => mock.close());

it('creates a transcoding task and polls it until it finishes', async () => {
  const project = 'create-and-poll'; // a project id of its own keeps this test apart from others
  const created = await fetch(`${mock.url}/v1/${project}/transcodings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: { bucket: 'media-in', location: 'cn-north-4', object: 'videos/launch-90s.mp4' },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'transcoded/launch' },
      trans_template_id: [7000523, 7000524],
    }),
  });
  expect(created.status).toBe(202);
  const { task_id } = (await created.json()) as { task_id: number };

  const seen: string[] = [];
  let task;
  do {
    const res = await fetch(`${mock.url}/v1/${project}/transcodings?task_id=${task_id}`);
    task = ((await res.json()) as { task_array: any[] }).task_array[0];
    seen.push(task.status);
    mock.clock.advance(1); // instead of sleeping between polls
  } while (!['SUCCEEDED', 'FAILED'].includes(task.status));

  expect(seen).toEqual(['WAITING', 'TRANSCODING', 'SUCCEEDED']);
  expect(task.output_file_name).toEqual(['launch-90s_1_854X480_900_0.m3u8', 'launch-90s_2_1280X720_1800_0.m3u8']);
  expect(task.transcode_detail.multitask_info[1].output_file.duration).toBe(90); // the input's name says 90 s
});
