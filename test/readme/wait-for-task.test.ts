import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMpcMock, type RunningMpcMock } from '../../src/index.js';

let mock: RunningMpcMock;
beforeAll(async () => {
  mock = await startMpcMock({ port: 0, lifecycle: 'time:0.05' }); // a state every 50 ms of the running clock
});
afterAll(() => mock.close());

it('waits until a task the code under test created has finished', async () => {
  const project = 'wait-test';
  // The code under test creates a snapshot task somewhere inside...
  const res = await fetch(`${mock.url}/v1/${project}/thumbnails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: { bucket: 'media-in', location: 'cn-north-4', object: 'videos/talk-30s.mp4' },
      output: { bucket: 'media-out', location: 'cn-north-4', object: 'snapshots/talk' },
      thumbnail_para: { type: 'TIME', time: 10 },
    }),
  });
  const { task_id } = (await res.json()) as { task_id: string };

  // ...and the test waits for it, with no sleep and no polling loop of its own.
  const { task } = await mock.control.requests.wait({
    task: { kind: 'thumbnails', task_id, project_id: project, status: 'SUCCEEDED' },
    timeout_ms: 5000,
  });
  expect(task!.thumbnail_info).toEqual([{ pic_name: '0.jpg' }, { pic_name: '10.jpg' }, { pic_name: '20.jpg' }]);
});
